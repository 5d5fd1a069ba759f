import RESP

enum StringCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("get", 2, [.readonly, .fast], keys: (1, 1, 1), group: "string", "Returns the string value of a key.", get),
        CommandSpec("set", -3, [.write, .denyoom], keys: (1, 1, 1), group: "string", "Sets the string value of a key, ignoring its type.", set),
        CommandSpec("setnx", 3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "string", "Set the string value of a key only when the key doesn't exist.", setnx),
        CommandSpec("setex", 4, [.write, .denyoom], keys: (1, 1, 1), group: "string", "Sets the string value and expiration time of a key.", { s, c, a in setex(s, c, a, unitMs: 1000) }),
        CommandSpec("psetex", 4, [.write, .denyoom], keys: (1, 1, 1), group: "string", "Sets the string value and expiration time in milliseconds of a key.", { s, c, a in setex(s, c, a, unitMs: 1) }),
        CommandSpec("getdel", 2, [.write, .fast], keys: (1, 1, 1), group: "string", "Returns the string value of a key after deleting the key.", getdel),
        CommandSpec("getex", -2, [.write, .fast], keys: (1, 1, 1), group: "string", "Returns the string value of a key after setting its expiration time.", getex),
        CommandSpec("getset", 3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "string", "Returns the previous string value of a key after setting it to a new value.", getset),
        CommandSpec("mget", -2, [.readonly, .fast], keys: (1, -1, 1), group: "string", "Atomically returns the string values of one or more keys.", mget),
        CommandSpec("mset", -3, [.write, .denyoom], keys: (1, -1, 2), group: "string", "Atomically creates or modifies the string values of one or more keys.", { s, c, a in mset(s, c, a, onlyNew: false) }),
        CommandSpec("msetnx", -3, [.write, .denyoom], keys: (1, -1, 2), group: "string", "Atomically modifies the string values of one or more keys only when all keys don't exist.", { s, c, a in mset(s, c, a, onlyNew: true) }),
        CommandSpec("incr", 2, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "string", "Increments the integer value of a key by one.", { s, c, a in incr(s, c, a[1], by: 1) }),
        CommandSpec("decr", 2, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "string", "Decrements the integer value of a key by one.", { s, c, a in incr(s, c, a[1], by: -1) }),
        CommandSpec("incrby", 3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "string", "Increments the integer value of a key by a number.", { s, c, a in
            guard let n = Numbers.int64(a[2]) else { return c.reply.error(Errors.notInteger) }
            incr(s, c, a[1], by: n)
        }),
        CommandSpec("decrby", 3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "string", "Decrements a number from the integer value of a key.", { s, c, a in
            guard let n = Numbers.int64(a[2]), n != Int64.min else { return c.reply.error(Errors.notInteger) }
            incr(s, c, a[1], by: -n)
        }),
        CommandSpec("incrbyfloat", 3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "string", "Increment the floating point value of a key by a number.", incrbyfloat),
        CommandSpec("append", 3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "string", "Appends a string to the value of a key.", append),
        CommandSpec("strlen", 2, [.readonly, .fast], keys: (1, 1, 1), group: "string", "Returns the length of a string value.", strlen),
        CommandSpec("getrange", 4, [.readonly], keys: (1, 1, 1), group: "string", "Returns a substring of the string stored at a key.", getrange),
        CommandSpec("substr", 4, [.readonly], keys: (1, 1, 1), group: "string", "Returns a substring from a string value.", getrange),
        CommandSpec("setrange", 4, [.write, .denyoom], keys: (1, 1, 1), group: "string", "Overwrites a part of a string value with another by an offset.", setrange),
    ]

    /// The string at a key for a read: nil when missing; the error already replied on WRONGTYPE.
    static func readString(_ s: Server, _ c: Client, _ key: [UInt8]) -> (found: Bool, value: ByteString?) {
        switch s.lookupRead(c, key) {
        case nil: return (true, nil)
        case .string(let v)?: return (true, v)
        default:
            c.reply.error(Errors.wrongType)
            return (false, nil)
        }
    }

    static func get(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let (ok, v) = readString(s, c, a[1])
        guard ok else { return }
        c.reply.bulk(v)
    }

    /// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL]
    static func set(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
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
                guard hasNext, !expirySet, !keepTTL else { return c.reply.error(Errors.syntax) }
                guard let n = Numbers.int64(a[i + 1]) else { return c.reply.error(Errors.notInteger) }
                guard n > 0 else { return c.reply.error("ERR invalid expire time in 'set' command") }
                guard let at = absoluteExpiry(n, unit: opt, now: s.unixMs) else {
                    return c.reply.error("ERR invalid expire time in 'set' command")
                }
                expireAtMs = at
                expirySet = true
                i += 1
            default:
                return c.reply.error(Errors.syntax)
            }
            i += 1
        }
        let key = Key(a[1])
        // A plain SET overwrites whatever is there: no need to look it up first.
        let existing = (nx || xx || get) ? s.lookupWrite(c, key) : nil
        if get {
            switch existing {
            case nil: break
            case .string?: break
            default: return c.reply.error(Errors.wrongType)
            }
        }
        if (nx && existing != nil) || (xx && existing == nil) {
            if get, case .string(let old)? = existing { c.reply.bulk(old) } else { c.reply.nullBulk() }
            return
        }
        let db = c.db
        db.dict[key] = .string(ByteString(a[2]))
        if let at = expireAtMs {
            db.setExpire(key, atMs: at)
        } else if !keepTTL {
            db.removeExpire(key)
        }
        s.keyChanged(c, key)
        // Relative expiries travel as absolute ones, so a replica that applies the write late
        // still expires the key at the same moment (Redis 7 does the same).
        if let at = expireAtMs {
            var args: [[UInt8]] = [Array("SET".utf8), a[1], a[2]]
            if nx { args.append(Array("NX".utf8)) }
            if xx { args.append(Array("XX".utf8)) }
            if get { args.append(Array("GET".utf8)) }
            args.append(Array("PXAT".utf8))
            args.append(Array(String(at).utf8))
            s.propagateOverride = [args]
        }
        if get {
            if case .string(let old)? = existing { c.reply.bulk(old) } else { c.reply.nullBulk() }
        } else {
            c.reply.ok()
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

    static func setnx(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let key = Key(a[1])
        if s.lookupWrite(c, key) != nil { return c.reply.integer(0) }
        c.db.dict[key] = .string(ByteString(a[2]))
        s.keyChanged(c, key)
        c.reply.integer(1)
    }

    static func setex(_ s: Server, _ c: Client, _ a: [[UInt8]], unitMs: Int64) {
        guard let n = Numbers.int64(a[2]) else { return c.reply.error(Errors.notInteger) }
        let name = unitMs == 1000 ? "setex" : "psetex"
        guard n > 0, let at = absoluteExpiry(n, unit: unitMs == 1000 ? "ex" : "px", now: s.unixMs) else {
            return c.reply.error("ERR invalid expire time in '\(name)' command")
        }
        let key = Key(a[1])
        _ = s.lookupWrite(c, key)
        c.db.dict[key] = .string(ByteString(a[3]))
        c.db.setExpire(key, atMs: at)
        s.keyChanged(c, key)
        s.propagateOverride = [[Array("SET".utf8), a[1], a[3], Array("PXAT".utf8), Array(String(at).utf8)]]
        c.reply.ok()
    }

    static func getdel(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let (ok, v) = readString(s, c, a[1])
        guard ok else { return }
        if let v {
            c.db.delete(Key(a[1]))
            s.keyChanged(c, Key(a[1]))
            s.propagateOverride = [[Array("DEL".utf8), a[1]]]
            c.reply.bulk(v)
        } else {
            c.reply.nullBulk()
        }
    }

    /// GETEX key [EX s|PX ms|EXAT ts|PXAT ms-ts|PERSIST]
    static func getex(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        var expireAtMs: Int64?
        var persist = false
        var i = 2
        while i < a.count {
            let opt = a[i].lowercasedASCII
            switch opt {
            case "persist" where expireAtMs == nil && !persist: persist = true
            case "ex", "px", "exat", "pxat":
                guard i + 1 < a.count, expireAtMs == nil, !persist else { return c.reply.error(Errors.syntax) }
                guard let n = Numbers.int64(a[i + 1]) else { return c.reply.error(Errors.notInteger) }
                guard n > 0, let at = absoluteExpiry(n, unit: opt, now: s.unixMs) else {
                    return c.reply.error("ERR invalid expire time in 'getex' command")
                }
                expireAtMs = at
                i += 1
            default: return c.reply.error(Errors.syntax)
            }
            i += 1
        }
        let (ok, v) = readString(s, c, a[1])
        guard ok else { return }
        guard let v else { return c.reply.nullBulk() }
        let key = Key(a[1])
        if let at = expireAtMs {
            if at <= s.unixMs {
                c.db.delete(key)
                s.propagateOverride = [[Array("DEL".utf8), a[1]]]
            } else {
                c.db.setExpire(key, atMs: at)
                s.propagateOverride = [[Array("PEXPIREAT".utf8), a[1], Array(String(at).utf8)]]
            }
            s.keyChanged(c, key)
        } else if persist, c.db.removeExpire(key) {
            s.propagateOverride = [[Array("PERSIST".utf8), a[1]]]
            s.keyChanged(c, key)
        }
        c.reply.bulk(v)
    }

    static func getset(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let (ok, v) = readString(s, c, a[1])
        guard ok else { return }
        let key = Key(a[1])
        c.db.dict[key] = .string(ByteString(a[2]))
        c.db.removeExpire(key)
        s.keyChanged(c, key)
        c.reply.bulk(v)
    }

    static func mget(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        c.reply.arrayHeader(a.count - 1)
        for k in a.dropFirst() {
            if case .string(let v)? = s.lookupRead(c, k) { c.reply.bulk(v) } else { c.reply.nullBulk() }
        }
    }

    static func mset(_ s: Server, _ c: Client, _ a: [[UInt8]], onlyNew: Bool) {
        guard a.count % 2 == 1 else { return c.reply.error(Errors.arity(onlyNew ? "msetnx" : "mset")) }
        if onlyNew {
            for i in stride(from: 1, to: a.count, by: 2) where s.lookupWrite(c, Key(a[i])) != nil {
                return c.reply.integer(0)
            }
        }
        let db = c.db
        for i in stride(from: 1, to: a.count, by: 2) {
            let key = Key(a[i])
            db.dict[key] = .string(ByteString(a[i + 1]))
            db.removeExpire(key)
            s.keyChanged(c, key)
        }
        onlyNew ? c.reply.integer(1) : c.reply.ok()
    }

    static func incr(_ s: Server, _ c: Client, _ keyBytes: [UInt8], by delta: Int64) {
        let key = Key(keyBytes)
        var current: Int64 = 0
        switch s.lookupWrite(c, key) {
        case nil: break
        case .string(let v)?:
            guard let n = Numbers.int64(v.bytes) else { return c.reply.error(Errors.notInteger) }
            current = n
        default: return c.reply.error(Errors.wrongType)
        }
        let (result, overflow) = current.addingReportingOverflow(delta)
        guard !overflow else { return c.reply.error(Errors.overflow) }
        let db = c.db
        let newValue = Value.string(ByteString(Array(String(result).utf8)))
        if db.dict.modify(key, { $0 = newValue }) == nil {
            db.dict[key] = newValue
        }
        s.keyChanged(c, key)
        c.reply.integer(result)
    }

    static func incrbyfloat(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let key = Key(a[1])
        guard let delta = Numbers.double(a[2]) else { return c.reply.error(Errors.notFloat) }
        var current = 0.0
        switch s.lookupWrite(c, key) {
        case nil: break
        case .string(let v)?:
            guard let d = Numbers.double(v.bytes) else { return c.reply.error(Errors.notFloat) }
            current = d
        default: return c.reply.error(Errors.wrongType)
        }
        let result = current + delta
        guard result.isFinite else { return c.reply.error("ERR increment would produce NaN or Infinity") }
        let text = Array(Numbers.formatIncr(result).utf8)
        c.db.dict[key] = .string(ByteString(text))
        s.keyChanged(c, key)
        // Replicas get the result, not the increment, so float rounding cannot make them drift.
        s.propagateOverride = [[Array("SET".utf8), a[1], text, Array("KEEPTTL".utf8)]]
        c.reply.bulk(text)
    }

    /// Redis caps string growth at proto-max-bulk-len.
    static func checkSize(_ s: Server, _ c: Client, _ size: Int) -> Bool {
        if Int64(size) > s.config.protoMaxBulkLen {
            c.reply.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
            return false
        }
        return true
    }

    static func append(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let key = Key(a[1])
        let db = c.db
        switch s.lookupWrite(c, key) {
        case nil:
            db.dict[key] = .string(ByteString(a[2]))
            s.keyChanged(c, key)
            c.reply.integer(a[2].count)
        case .string(let v)?:
            guard checkSize(s, c, v.count + a[2].count) else { return }
            var newLength = 0
            _ = db.dict.modify(key) { value in
                guard case .string(var current) = value else { return }
                // Take the string out so its array is uniquely referenced and grows in place.
                value = .string(.empty)
                current.append(a[2])
                newLength = current.count
                value = .string(current)
            }
            s.keyChanged(c, key)
            c.reply.integer(newLength)
        default:
            c.reply.error(Errors.wrongType)
        }
    }

    static func strlen(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let (ok, v) = readString(s, c, a[1])
        guard ok else { return }
        c.reply.integer(v?.count ?? 0)
    }

    static func getrange(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard var start = Numbers.int64(a[2]), var end = Numbers.int64(a[3]) else { return c.reply.error(Errors.notInteger) }
        let (ok, v) = readString(s, c, a[1])
        guard ok else { return }
        guard let v, !v.isEmpty else { return c.reply.bulk([UInt8]()) }
        let bytes = v.bytes
        let n = Int64(v.count)
        if start < 0 && end < 0 && start > end { return c.reply.bulk([UInt8]()) }
        if start < 0 { start = Swift.max(0, n + start) }
        if end < 0 { end = Swift.max(0, n + end) }
        end = Swift.min(end, n - 1)
        guard start <= end else { return c.reply.bulk([UInt8]()) }
        c.reply.bulk(bytes[Int(start)...Int(end)])
    }

    static func setrange(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard let offset = Numbers.int64(a[2]) else { return c.reply.error(Errors.notInteger) }
        guard offset >= 0 else { return c.reply.error("ERR offset is out of range") }
        let key = Key(a[1])
        var bytes: [UInt8]
        switch s.lookupWrite(c, key) {
        case nil: bytes = []
        case .string(let v)?: bytes = v.bytes
        default: return c.reply.error(Errors.wrongType)
        }
        let value = a[3]
        if value.isEmpty {
            // Nothing to write: Redis does not create the key.
            return c.reply.integer(bytes.count)
        }
        guard checkSize(s, c, Int(offset) + value.count) else { return }
        let end = Int(offset) + value.count
        if bytes.count < end { bytes.append(contentsOf: repeatElement(0, count: end - bytes.count)) }
        bytes.replaceSubrange(Int(offset)..<end, with: value)
        c.db.dict[key] = .string(ByteString(bytes))
        s.keyChanged(c, key)
        c.reply.integer(bytes.count)
    }
}
