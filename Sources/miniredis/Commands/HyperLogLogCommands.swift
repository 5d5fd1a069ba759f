import RESP

/// PFADD, PFCOUNT, PFMERGE over Redis-format HLL strings (Engine/HyperLogLog.swift).
enum HyperLogLogCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("pfadd", -2, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "hyperloglog", "Adds elements to a HyperLogLog key. Creates the key if it doesn't exist.", .data(pfadd)),
        CommandSpec("pfcount", -2, [.readonly], keys: (1, -1, 1), group: "hyperloglog", "Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).", .data(pfcount)),
        CommandSpec("pfmerge", -2, [.write, .denyoom], keys: (1, -1, 1), group: "hyperloglog", "Merges one or more HyperLogLog values into a single key.", .data(pfmerge)),
    ]

    static let notHLL = "WRONGTYPE Key is not a valid HyperLogLog string value."

    /// The HLL at a key: nil for a missing key, or nil after replying an error.
    static func read(_ ctx: inout CommandContext, _ key: [UInt8], write: Bool) -> (found: Bool, hll: HyperLogLog?) {
        let value = write ? ctx.lookupWrite(Key(key)) : ctx.lookupRead(key)
        switch value {
        case nil: return (true, nil)
        case .string(let s)?:
            guard let h = HyperLogLog(s.bytes) else {
                ctx.reply.error(notHLL)
                return (false, nil)
            }
            return (true, h)
        default:
            ctx.reply.error(Errors.wrongType)
            return (false, nil)
        }
    }

    static func pfadd(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let (ok, existing) = read(&ctx, a[1], write: true)
        guard ok else { return }
        var hll = existing ?? HyperLogLog()
        var changed = existing == nil
        for e in a.dropFirst(2) where hll.add(e) { changed = true }
        if changed {
            let key = Key(a[1])
            ctx.store(key, .string(ByteString(hll.bytes)))
            ctx.changed(key)
            ctx.notify(.string, "pfadd", key)
        }
        ctx.reply.integer(changed ? 1 : 0)
    }

    static func pfcount(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        var merged = HyperLogLog()
        for k in a.dropFirst() {
            let (ok, h) = read(&ctx, k, write: false)
            guard ok else { return }
            if let h { merged.merge(h) }
        }
        ctx.reply.integer(Int64(merged.count))
    }

    static func pfmerge(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        var merged = HyperLogLog()
        for (i, k) in a.dropFirst().enumerated() {
            let (ok, h) = read(&ctx, k, write: i == 0)
            guard ok else { return }
            if let h { merged.merge(h) }
        }
        let key = Key(a[1])
        ctx.store(key, .string(ByteString(merged.bytes)))
        ctx.changed(key)
        ctx.notify(.string, "pfadd", key)
        ctx.reply.ok()
    }
}
