import RESP

enum StringCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("get", 2, [.readonly, .fast], keys: (1, 1, 1), group: "string", "Returns the string value of a key.", .data(get)),
        CommandSpec("set", -3, [.write, .denyoom], keys: (1, 1, 1), group: "string", "Sets the string value of a key, ignoring its type.", .data(set)),
        CommandSpec("setnx", 3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "string", "Set the string value of a key only when the key doesn't exist.", .data(setnx)),
        CommandSpec("setex", 4, [.write, .denyoom], keys: (1, 1, 1), group: "string", "Sets the string value and expiration time of a key.", .data { ctx, a in setex(&ctx, a, unitMs: 1000) }),
        CommandSpec("psetex", 4, [.write, .denyoom], keys: (1, 1, 1), group: "string", "Sets the string value and expiration time in milliseconds of a key.", .data { ctx, a in setex(&ctx, a, unitMs: 1) }),
        CommandSpec("getdel", 2, [.write, .fast], keys: (1, 1, 1), group: "string", "Returns the string value of a key after deleting the key.", .data(getdel)),
        CommandSpec("getex", -2, [.write, .fast], keys: (1, 1, 1), group: "string", "Returns the string value of a key after setting its expiration time.", .data(getex)),
        CommandSpec("getset", 3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "string", "Returns the previous string value of a key after setting it to a new value.", .data(getset)),
        CommandSpec("mget", -2, [.readonly, .fast], keys: (1, -1, 1), group: "string", "Atomically returns the string values of one or more keys.", .data(mget)),
        CommandSpec("mset", -3, [.write, .denyoom], keys: (1, -1, 2), group: "string", "Atomically creates or modifies the string values of one or more keys.", .data { ctx, a in mset(&ctx, a, onlyNew: false) }),
        CommandSpec("msetnx", -3, [.write, .denyoom], keys: (1, -1, 2), group: "string", "Atomically modifies the string values of one or more keys only when all keys don't exist.", .data { ctx, a in mset(&ctx, a, onlyNew: true) }),
        CommandSpec("incr", 2, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "string", "Increments the integer value of a key by one.", .data { ctx, a in incr(&ctx, a[1], by: 1) }),
        CommandSpec("decr", 2, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "string", "Decrements the integer value of a key by one.", .data { ctx, a in incr(&ctx, a[1], by: -1) }),
        CommandSpec("incrby", 3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "string", "Increments the integer value of a key by a number.", .data { ctx, a in
            guard let n = Numbers.int64(a[2]) else { return ctx.reply.error(Errors.notInteger) }
            incr(&ctx, a[1], by: n)
        }),
        CommandSpec("decrby", 3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "string", "Decrements a number from the integer value of a key.", .data { ctx, a in
            guard let n = Numbers.int64(a[2]), n != Int64.min else { return ctx.reply.error(Errors.notInteger) }
            incr(&ctx, a[1], by: -n)
        }),
        CommandSpec("incrbyfloat", 3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "string", "Increment the floating point value of a key by a number.", .data(incrbyfloat)),
        CommandSpec("append", 3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "string", "Appends a string to the value of a key.", .data(append)),
        CommandSpec("strlen", 2, [.readonly, .fast], keys: (1, 1, 1), group: "string", "Returns the length of a string value.", .data(strlen)),
        CommandSpec("getrange", 4, [.readonly], keys: (1, 1, 1), group: "string", "Returns a substring of the string stored at a key.", .data(getrange)),
        CommandSpec("substr", 4, [.readonly], keys: (1, 1, 1), group: "string", "Returns a substring from a string value.", .data(getrange)),
        CommandSpec("setrange", 4, [.write, .denyoom], keys: (1, 1, 1), group: "string", "Overwrites a part of a string value with another by an offset.", .data(setrange)),
    ]

    /// The string at a key for a read: nil when missing; the error already replied on WRONGTYPE.
    static func readString(_ ctx: inout CommandContext, _ key: [UInt8]) -> (found: Bool, value: ByteString?) {
        switch ctx.lookupRead(key) {
        case nil: return (true, nil)
        case .string(let v)?: return (true, v)
        default:
            ctx.reply.error(Errors.wrongType)
            return (false, nil)
        }
    }

    static func get(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let (ok, v) = readString(&ctx, a[1])
        guard ok else { return }
        ctx.reply.bulk(v)
    }

    /// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL]
    static func set(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        var nx = false, xx = false, get = false, keepTTL = false
        var expireAtMs: Int64?
        var expirySet = false
        var i = 3
        while i < a.count {
            let opt = a[i].lowercasedASCII
            let hasNext = i + 1 < a.count
            switch opt {
            case "nx" where !xx: nx = true
            case "xx" where !nx: xx = true
            case "get": get = true
            case "keepttl" where !expirySet: keepTTL = true
            case "ex", "px", "exat", "pxat":
                guard hasNext, !expirySet, !keepTTL else { return ctx.reply.error(Errors.syntax) }
                guard let n = Numbers.int64(a[i + 1]) else { return ctx.reply.error(Errors.notInteger) }
                guard n > 0 else { return ctx.reply.error("ERR invalid expire time in 'set' command") }
                guard let at = absoluteExpiry(n, unit: opt, now: ctx.unixMs) else {
                    return ctx.reply.error("ERR invalid expire time in 'set' command")
                }
                expireAtMs = at
                expirySet = true
                i += 1
            default:
                return ctx.reply.error(Errors.syntax)
            }
            i += 1
        }
        let key = Key(a[1])
        // A plain SET overwrites whatever is there: no need to look it up first.
        let existing = (nx || xx || get) ? ctx.lookupWrite(key) : nil
        if get {
            switch existing {
            case nil: break
            case .string?: break
            default: return ctx.reply.error(Errors.wrongType)
            }
        }
        if (nx && existing != nil) || (xx && existing == nil) {
            if get, case .string(let old)? = existing { ctx.reply.bulk(old) } else { ctx.reply.nullBulk() }
            return
        }
        let db = ctx.db
        ctx.store(key, .string(ByteString(a[2])))
        if let at = expireAtMs {
            db.setExpire(key, atMs: at)
        } else if !keepTTL {
            db.removeExpire(key)
        }
        ctx.changed(key)
        ctx.notify(.string, "set", key)
        if expireAtMs != nil { ctx.notify(.generic, "expire", key) }
        // Relative expiries travel as absolute ones, so a replica that applies the write late
        // still expires the key at the same moment (Redis 7 does the same).
        if let at = expireAtMs {
            var args: [[UInt8]] = [Array("SET".utf8), a[1], a[2]]
            if nx { args.append(Array("NX".utf8)) }
            if xx { args.append(Array("XX".utf8)) }
            if get { args.append(Array("GET".utf8)) }
            args.append(Array("PXAT".utf8))
            args.append(Array(String(at).utf8))
            ctx.propagate(as: args)
        }
        if get {
            if case .string(let old)? = existing { ctx.reply.bulk(old) } else { ctx.reply.nullBulk() }
        } else {
            ctx.reply.ok()
        }
    }

    /// Converts an expiry argument to Unix milliseconds; nil on overflow.
    static func absoluteExpiry(_ n: Int64, unit: String, now: Int64) -> Int64? {
        switch unit {
        case "ex":
            let (ms, o) = n.multipliedReportingOverflow(by: 1000)
            guard !o else { return nil }
            let (at, o2) = ms.addingReportingOverflow(now)
            return o2 ? nil : at
        case "px":
            let (at, o) = n.addingReportingOverflow(now)
            return o ? nil : at
        case "exat":
            let (ms, o) = n.multipliedReportingOverflow(by: 1000)
            return o ? nil : ms
        default:
            return n
        }
    }

    static func setnx(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let key = Key(a[1])
        if ctx.lookupWrite(key) != nil { return ctx.reply.integer(0) }
        ctx.store(key, .string(ByteString(a[2])))
        ctx.changed(key)
        ctx.notify(.string, "set", key)
        ctx.reply.integer(1)
    }

    static func setex(_ ctx: inout CommandContext, _ a: [[UInt8]], unitMs: Int64) {
        guard let n = Numbers.int64(a[2]) else { return ctx.reply.error(Errors.notInteger) }
        let name = unitMs == 1000 ? "setex" : "psetex"
        guard n > 0, let at = absoluteExpiry(n, unit: unitMs == 1000 ? "ex" : "px", now: ctx.unixMs) else {
            return ctx.reply.error("ERR invalid expire time in '\(name)' command")
        }
        let key = Key(a[1])
        _ = ctx.lookupWrite(key)
        ctx.store(key, .string(ByteString(a[3])))
        ctx.db.setExpire(key, atMs: at)
        ctx.changed(key)
        ctx.notify(.string, "set", key)
        ctx.notify(.generic, "expire", key)
        ctx.propagate(as: [Array("SET".utf8), a[1], a[3], Array("PXAT".utf8), Array(String(at).utf8)])
        ctx.reply.ok()
    }

    static func getdel(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let (ok, v) = readString(&ctx, a[1])
        guard ok else { return }
        if let v {
            ctx.db.delete(Key(a[1]))
            ctx.changed(Key(a[1]))
            ctx.notify(.generic, "del", Key(a[1]))
            ctx.propagate(as: [Array("DEL".utf8), a[1]])
            ctx.reply.bulk(v)
        } else {
            ctx.reply.nullBulk()
        }
    }

    /// GETEX key [EX s|PX ms|EXAT ts|PXAT ms-ts|PERSIST]
    static func getex(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        var expireAtMs: Int64?
        var persist = false
        var i = 2
        while i < a.count {
            let opt = a[i].lowercasedASCII
            switch opt {
            case "persist" where expireAtMs == nil && !persist: persist = true
            case "ex", "px", "exat", "pxat":
                guard i + 1 < a.count, expireAtMs == nil, !persist else { return ctx.reply.error(Errors.syntax) }
                guard let n = Numbers.int64(a[i + 1]) else { return ctx.reply.error(Errors.notInteger) }
                guard n > 0, let at = absoluteExpiry(n, unit: opt, now: ctx.unixMs) else {
                    return ctx.reply.error("ERR invalid expire time in 'getex' command")
                }
                expireAtMs = at
                i += 1
            default: return ctx.reply.error(Errors.syntax)
            }
            i += 1
        }
        let (ok, v) = readString(&ctx, a[1])
        guard ok else { return }
        guard let v else { return ctx.reply.nullBulk() }
        let key = Key(a[1])
        if let at = expireAtMs {
            if at <= ctx.unixMs {
                ctx.db.delete(key)
                ctx.propagate(as: [Array("DEL".utf8), a[1]])
                ctx.notify(.generic, "del", key)
            } else {
                ctx.db.setExpire(key, atMs: at)
                ctx.propagate(as: [Array("PEXPIREAT".utf8), a[1], Array(String(at).utf8)])
                ctx.notify(.generic, "expire", key)
            }
            ctx.changed(key)
        } else if persist, ctx.db.removeExpire(key) {
            ctx.propagate(as: [Array("PERSIST".utf8), a[1]])
            ctx.changed(key)
            ctx.notify(.generic, "persist", key)
        }
        ctx.reply.bulk(v)
    }

    static func getset(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let (ok, v) = readString(&ctx, a[1])
        guard ok else { return }
        let key = Key(a[1])
        ctx.store(key, .string(ByteString(a[2])))
        ctx.db.removeExpire(key)
        ctx.changed(key)
        ctx.notify(.string, "set", key)
        ctx.reply.bulk(v)
    }

    static func mget(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        ctx.reply.arrayHeader(a.count - 1)
        for k in a.dropFirst() {
            if case .string(let v)? = ctx.lookupRead(k) { ctx.reply.bulk(v) } else { ctx.reply.nullBulk() }
        }
    }

    static func mset(_ ctx: inout CommandContext, _ a: [[UInt8]], onlyNew: Bool) {
        guard a.count % 2 == 1 else { return ctx.reply.error(Errors.arity(onlyNew ? "msetnx" : "mset")) }
        if onlyNew {
            for i in stride(from: 1, to: a.count, by: 2) where ctx.lookupWrite(Key(a[i])) != nil {
                return ctx.reply.integer(0)
            }
        }
        let db = ctx.db
        for i in stride(from: 1, to: a.count, by: 2) {
            let key = Key(a[i])
            ctx.store(key, .string(ByteString(a[i + 1])))
            db.removeExpire(key)
            ctx.changed(key)
            ctx.notify(.string, "set", key)
        }
        onlyNew ? ctx.reply.integer(1) : ctx.reply.ok()
    }

    static func incr(_ ctx: inout CommandContext, _ keyBytes: [UInt8], by delta: Int64) {
        let key = Key(keyBytes)
        ctx.expireIfNeeded(key)
        // An existing key is read and rewritten through one lookup (INCR is one of the commands
        // benchmarks hammer: a lookup and then a store hashed the key twice).
        enum Outcome { case stored(Int64), wrongType, notInteger, overflow }
        let db = ctx.db
        let existing: Outcome? = db.modify(key) { value in
            guard case .string(let v) = value else { return .wrongType }
            guard let n = v.withUnsafeBytes({ Numbers.int64($0) }) else { return .notInteger }
            let (result, overflow) = n.addingReportingOverflow(delta)
            guard !overflow else { return .overflow }
            value = .string(ByteString(decimal: result))
            return .stored(result)
        }
        let result: Int64
        switch existing {
        case .stored(let n)?: result = n
        case .wrongType?: return ctx.reply.error(Errors.wrongType)
        case .notInteger?: return ctx.reply.error(Errors.notInteger)
        case .overflow?: return ctx.reply.error(Errors.overflow)
        case nil:
            result = delta
            ctx.store(key, .string(ByteString(decimal: delta)))
        }
        ctx.changed(key)
        ctx.notify(.string, "incrby", key)
        ctx.reply.integer(result)
    }

    static func incrbyfloat(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let key = Key(a[1])
        guard let delta = Numbers.double(a[2]) else { return ctx.reply.error(Errors.notFloat) }
        var current = 0.0
        switch ctx.lookupWrite(key) {
        case nil: break
        case .string(let v)?:
            guard let d = Numbers.double(v.bytes) else { return ctx.reply.error(Errors.notFloat) }
            current = d
        default: return ctx.reply.error(Errors.wrongType)
        }
        let result = current + delta
        guard result.isFinite else { return ctx.reply.error("ERR increment would produce NaN or Infinity") }
        let text = Array(Numbers.formatIncr(result).utf8)
        ctx.store(key, .string(ByteString(text)))
        ctx.changed(key)
        ctx.notify(.string, "incrbyfloat", key)
        // Replicas get the result, not the increment, so float rounding cannot make them drift.
        ctx.propagate(as: [Array("SET".utf8), a[1], text, Array("KEEPTTL".utf8)])
        ctx.reply.bulk(text)
    }

    /// Redis caps string growth at proto-max-bulk-len.
    static func checkSize(_ ctx: inout CommandContext, _ size: Int) -> Bool {
        if Int64(size) > ctx.maxBulkLength {
            ctx.reply.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
            return false
        }
        return true
    }

    static func append(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let key = Key(a[1])
        let db = ctx.db
        switch ctx.lookupWrite(key) {
        case nil:
            ctx.store(key, .string(ByteString(a[2])))
            ctx.changed(key)
            ctx.notify(.string, "append", key)
            ctx.reply.integer(a[2].count)
        case .string(let v)?:
            guard checkSize(&ctx, v.count + a[2].count) else { return }
            var newLength = 0
            _ = db.modify(key) { value in
                guard case .string(var current) = value else { return }
                // Take the string out so its array is uniquely referenced and grows in place.
                value = .string(.empty)
                current.append(a[2])
                newLength = current.count
                value = .string(current)
            }
            ctx.changed(key)
            ctx.notify(.string, "append", key)
            ctx.reply.integer(newLength)
        default:
            ctx.reply.error(Errors.wrongType)
        }
    }

    static func strlen(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let (ok, v) = readString(&ctx, a[1])
        guard ok else { return }
        ctx.reply.integer(v?.count ?? 0)
    }

    static func getrange(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard var start = Numbers.int64(a[2]), var end = Numbers.int64(a[3]) else { return ctx.reply.error(Errors.notInteger) }
        let (ok, v) = readString(&ctx, a[1])
        guard ok else { return }
        guard let v, !v.isEmpty else { return ctx.reply.bulk([UInt8]()) }
        let bytes = v.bytes
        let n = Int64(v.count)
        if start < 0 && end < 0 && start > end { return ctx.reply.bulk([UInt8]()) }
        if start < 0 { start = Swift.max(0, n + start) }
        if end < 0 { end = Swift.max(0, n + end) }
        end = Swift.min(end, n - 1)
        guard start <= end else { return ctx.reply.bulk([UInt8]()) }
        ctx.reply.bulk(bytes[Int(start)...Int(end)])
    }

    static func setrange(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let offset = Numbers.int64(a[2]) else { return ctx.reply.error(Errors.notInteger) }
        guard offset >= 0 else { return ctx.reply.error("ERR offset is out of range") }
        let key = Key(a[1])
        var bytes: [UInt8]
        switch ctx.lookupWrite(key) {
        case nil: bytes = []
        case .string(let v)?: bytes = v.bytes
        default: return ctx.reply.error(Errors.wrongType)
        }
        let value = a[3]
        if value.isEmpty {
            // Nothing to write: Redis does not create the key.
            return ctx.reply.integer(bytes.count)
        }
        // offset + length may not overflow: a huge offset is over the limit, not a trap.
        let (size, overflow) = Int(offset).addingReportingOverflow(value.count)
        guard !overflow, checkSize(&ctx, size) else {
            if overflow { ctx.reply.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)") }
            return
        }
        let end = Int(offset) + value.count
        if bytes.count < end { bytes.append(contentsOf: repeatElement(0, count: end - bytes.count)) }
        bytes.replaceSubrange(Int(offset)..<end, with: value)
        ctx.store(key, .string(ByteString(bytes)))
        ctx.changed(key)
        ctx.notify(.string, "setrange", key)
        ctx.reply.integer(bytes.count)
    }
}
