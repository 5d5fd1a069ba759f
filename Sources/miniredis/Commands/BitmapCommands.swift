import RESP

/// SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP: strings as bit arrays, most significant bit first
/// in each byte, as Redis numbers them.
enum BitmapCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("setbit", 4, [.write, .denyoom], keys: (1, 1, 1), group: "bitmap", "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.", .data(setbit)),
        CommandSpec("getbit", 3, [.readonly, .fast], keys: (1, 1, 1), group: "bitmap", "Returns a bit value by offset.", .data(getbit)),
        CommandSpec("bitcount", -2, [.readonly], keys: (1, 1, 1), group: "bitmap", "Counts the number of set bits (population counting) in a string.", .data(bitcount)),
        CommandSpec("bitpos", -3, [.readonly], keys: (1, 1, 1), group: "bitmap", "Finds the first set (1) or clear (0) bit in a string.", .data(bitpos)),
        CommandSpec("bitop", -4, [.write, .denyoom], keys: (2, -1, 1), group: "bitmap", "Performs bitwise operations on multiple strings, and stores the result.", .data(bitop)),
    ]

    static let badOffset = "ERR bit offset is not an integer or out of range"

    /// A bit offset: 0 ..< 2^32 (512 MB of bits), as Redis allows.
    static func offset(_ bytes: [UInt8]) -> Int? {
        guard let n = Numbers.int64(bytes), n >= 0, n < (1 << 32) else { return nil }
        return Int(n)
    }

    static func setbit(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let bit = offset(a[2]) else { return ctx.reply.error(badOffset) }
        guard a[3] == [UInt8(ascii: "0")] || a[3] == [UInt8(ascii: "1")] else { return ctx.reply.error("ERR bit is not an integer or out of range") }
        let key = Key(a[1])
        var bytes: [UInt8]
        switch ctx.lookupWrite(key) {
        case nil: bytes = []
        case .string(let v)?: bytes = v.bytes
        default: return ctx.reply.error(Errors.wrongType)
        }
        let byte = bit >> 3
        guard StringCommands.checkSize(&ctx, byte + 1) else { return }
        if bytes.count <= byte { bytes.append(contentsOf: repeatElement(0, count: byte + 1 - bytes.count)) }
        let mask = UInt8(0x80) >> UInt8(bit & 7)
        let old = bytes[byte] & mask != 0 ? 1 : 0
        if a[3][0] == UInt8(ascii: "1") { bytes[byte] |= mask } else { bytes[byte] &= ~mask }
        ctx.store(key, .string(ByteString(bytes)))
        ctx.changed(key)
        ctx.notify(.string, "setbit", key)
        ctx.reply.integer(old)
    }

    static func getbit(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let bit = offset(a[2]) else { return ctx.reply.error(badOffset) }
        let (ok, v) = StringCommands.readString(&ctx, a[1])
        guard ok else { return }
        let bytes = v?.bytes ?? []
        let byte = bit >> 3
        ctx.reply.integer(byte < bytes.count && bytes[byte] & (UInt8(0x80) >> UInt8(bit & 7)) != 0 ? 1 : 0)
    }

    /// The [start, end] range of BITCOUNT/BITPOS in bits, from byte or bit indexes (negative
    /// from the end), clamped; nil when empty.
    static func bitRange(start: Int64, end: Int64, bits: Bool, length: Int) -> ClosedRange<Int>? {
        let total = Int64(bits ? length * 8 : length)
        var s = start < 0 ? max(0, total + start) : start
        var e = end < 0 ? max(0, total + end) : end
        if start < 0 && end < 0 && start > end { return nil }
        e = min(e, total - 1)
        s = max(s, 0)
        guard s <= e, total > 0 else { return nil }
        return bits ? Int(s)...Int(e) : Int(s * 8)...Int(e * 8 + 7)
    }

    /// Parses [start end [BYTE|BIT]] from `i`; nil after replying an error. `requireEnd`:
    /// BITCOUNT needs both indexes, BITPOS only start.
    static func rangeArgs(_ ctx: inout CommandContext, _ a: [[UInt8]], from i: Int, endOptional: Bool) -> (start: Int64, end: Int64?, bits: Bool)?? {
        guard i < a.count else { return .some(nil) }
        guard let start = Numbers.int64(a[i]) else { ctx.reply.error(Errors.notInteger); return nil }
        guard i + 1 < a.count else {
            if endOptional { return .some((start, nil, false)) }
            ctx.reply.error(Errors.syntax)
            return nil
        }
        guard let end = Numbers.int64(a[i + 1]) else { ctx.reply.error(Errors.notInteger); return nil }
        var bits = false
        if i + 2 < a.count {
            switch a[i + 2].lowercasedASCII {
            case "bit": bits = true
            case "byte": bits = false
            default: ctx.reply.error(Errors.syntax); return nil
            }
            guard i + 3 == a.count else { ctx.reply.error(Errors.syntax); return nil }
        }
        return .some((start, end, bits))
    }

    static func isSet(_ bytes: [UInt8], _ bit: Int) -> Bool { bytes[bit >> 3] & (UInt8(0x80) >> UInt8(bit & 7)) != 0 }

    static func bitcount(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let range = rangeArgs(&ctx, a, from: 2, endOptional: false) else { return }
        let (ok, v) = StringCommands.readString(&ctx, a[1])
        guard ok else { return }
        let bytes = v?.bytes ?? []
        guard let (start, end, bits) = range else { return ctx.reply.integer(bytes.reduce(0) { $0 + $1.nonzeroBitCount }) }
        guard let r = bitRange(start: start, end: end!, bits: bits, length: bytes.count) else { return ctx.reply.integer(0) }
        ctx.reply.integer(r.filter { isSet(bytes, $0) }.count)
    }

    static func bitpos(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard a[2] == [UInt8(ascii: "0")] || a[2] == [UInt8(ascii: "1")] else { return ctx.reply.error("ERR The bit argument must be 1 or 0.") }
        let wanted = a[2][0] == UInt8(ascii: "1")
        guard let range = rangeArgs(&ctx, a, from: 3, endOptional: true) else { return }
        let (ok, v) = StringCommands.readString(&ctx, a[1])
        guard ok else { return }
        guard let v else { return ctx.reply.integer(wanted ? -1 : 0) }
        let bytes = v.bytes
        let endGiven = range?.end != nil
        let r = bitRange(start: range?.start ?? 0, end: range?.end ?? -1, bits: range?.bits ?? false, length: bytes.count)
        guard let r else { return ctx.reply.integer(-1) }
        if let hit = r.first(where: { isSet(bytes, $0) == wanted }) { return ctx.reply.integer(hit) }
        // Looking for a clear bit past a run of set ones with no end given: the string is
        // treated as padded with zeros, so the answer is the first bit after it.
        ctx.reply.integer(!wanted && !endGiven ? r.upperBound + 1 : -1)
    }

    static func bitop(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let op = a[1].lowercasedASCII
        guard ["and", "or", "xor", "not"].contains(op) else { return ctx.reply.error(Errors.syntax) }
        if op == "not" && a.count != 4 { return ctx.reply.error("ERR BITOP NOT must be called with a single source key.") }
        var sources: [[UInt8]] = []
        for k in a.dropFirst(3) {
            switch ctx.lookupRead(k) {
            case nil: sources.append([])
            case .string(let v)?: sources.append(v.bytes)
            default: return ctx.reply.error(Errors.wrongType)
            }
        }
        let length = sources.map(\.count).max() ?? 0
        var out = [UInt8](repeating: 0, count: length)
        for i in 0..<length {
            let bytes = sources.map { i < $0.count ? $0[i] : 0 }
            switch op {
            case "and": out[i] = bytes.reduce(0xFF, &)
            case "or": out[i] = bytes.reduce(0, |)
            case "xor": out[i] = bytes.reduce(0, ^)
            default: out[i] = ~bytes[0]
            }
        }
        ctx.storeResult(Key(a[2]), length > 0 ? .string(ByteString(out)) : nil, event: (.string, "set"))
        ctx.reply.integer(length)
    }
}
