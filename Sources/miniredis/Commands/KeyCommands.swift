import RESP

enum KeyCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("del", -2, [.write], keys: (1, -1, 1), group: "generic", "Deletes one or more keys.", del),
        CommandSpec("unlink", -2, [.write, .fast], keys: (1, -1, 1), group: "generic", "Asynchronously deletes one or more keys.", del),
        CommandSpec("exists", -2, [.readonly, .fast], keys: (1, -1, 1), group: "generic", "Determines whether one or more keys exist.", exists),
        CommandSpec("type", 2, [.readonly, .fast], keys: (1, 1, 1), group: "generic", "Determines the type of value stored at a key.", type),
        CommandSpec("keys", 2, [.readonly], group: "generic", "Returns all key names that match a pattern.", keys),
        CommandSpec("scan", -2, [.readonly], group: "generic", "Iterates over the key names in the database.", scan),
        CommandSpec("rename", 3, [.write], keys: (1, 2, 1), group: "generic", "Renames a key and overwrites the destination.", { s, c, a in rename(s, c, a, onlyNew: false) }),
        CommandSpec("renamenx", 3, [.write, .fast], keys: (1, 2, 1), group: "generic", "Renames a key only when the target key name doesn't exist.", { s, c, a in rename(s, c, a, onlyNew: true) }),
        CommandSpec("expire", -3, [.write, .fast], keys: (1, 1, 1), group: "generic", "Sets the expiration time of a key in seconds.", { s, c, a in expire(s, c, a, unit: "ex") }),
        CommandSpec("pexpire", -3, [.write, .fast], keys: (1, 1, 1), group: "generic", "Sets the expiration time of a key in milliseconds.", { s, c, a in expire(s, c, a, unit: "px") }),
        CommandSpec("expireat", -3, [.write, .fast], keys: (1, 1, 1), group: "generic", "Sets the expiration time of a key to a Unix timestamp.", { s, c, a in expire(s, c, a, unit: "exat") }),
        CommandSpec("pexpireat", -3, [.write, .fast], keys: (1, 1, 1), group: "generic", "Sets the expiration time of a key to a Unix milliseconds timestamp.", { s, c, a in expire(s, c, a, unit: "pxat") }),
        CommandSpec("ttl", 2, [.readonly, .fast], keys: (1, 1, 1), group: "generic", "Returns the expiration time in seconds of a key.", { s, c, a in ttl(s, c, a, divisor: 1000, absolute: false) }),
        CommandSpec("pttl", 2, [.readonly, .fast], keys: (1, 1, 1), group: "generic", "Returns the expiration time in milliseconds of a key.", { s, c, a in ttl(s, c, a, divisor: 1, absolute: false) }),
        CommandSpec("expiretime", 2, [.readonly, .fast], keys: (1, 1, 1), group: "generic", "Returns the expiration time of a key as a Unix timestamp.", { s, c, a in ttl(s, c, a, divisor: 1000, absolute: true) }),
        CommandSpec("pexpiretime", 2, [.readonly, .fast], keys: (1, 1, 1), group: "generic", "Returns the expiration time of a key as a Unix milliseconds timestamp.", { s, c, a in ttl(s, c, a, divisor: 1, absolute: true) }),
        CommandSpec("persist", 2, [.write, .fast], keys: (1, 1, 1), group: "generic", "Removes the expiration time of a key.", persist),
        CommandSpec("randomkey", 1, [.readonly], group: "generic", "Returns a random key name from the database.", randomkey),
    ]

    static func del(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        var removed = 0
        let db = c.db
        for k in a.dropFirst() {
            let key = Key(k)
            s.expireIfNeeded(db, key, client: c)
            if db.delete(key) {
                removed += 1
                s.keyChanged(c, key)
            }
        }
        c.reply.integer(removed)
    }

    static func exists(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        var n = 0
        for k in a.dropFirst() where s.lookupRead(c, k) != nil { n += 1 }
        c.reply.integer(n)
    }

    static func type(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let name = s.lookupRead(c, a[1])?.typeName ?? "none"
        c.reply.simple(name)
    }

    static func keys(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let pattern = a[1]
        let all = pattern == [UInt8(ascii: "*")]
        let now = s.unixMs
        let db = c.db
        var out: [[UInt8]] = []
        db.dict.forEach { key, _ in
            if db.isExpired(key, nowMs: now) { return }
            if all || Glob.match(pattern, key.bytes) { out.append(key.bytes) }
        }
        c.reply.arrayHeader(out.count)
        for k in out { c.reply.bulk(k) }
    }

    /// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
    static func scan(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard let cursor = UInt64(a[1].utf8Text) else { return c.reply.error("ERR invalid cursor") }
        guard let opts = ScanOptions.parse(a, from: 2, allowType: true, reply: &c.reply) else { return }
        let db = c.db
        let now = s.unixMs
        var found: [[UInt8]] = []
        let next = db.dict.scan(cursor: cursor, count: opts.count) { key, value in
            if db.isExpired(key, nowMs: now) { return }
            if let p = opts.pattern, !Glob.match(p, key.bytes) { return }
            if let t = opts.type, value.typeName != t { return }
            found.append(key.bytes)
        }
        c.reply.arrayHeader(2)
        c.reply.bulk(String(next))
        c.reply.arrayHeader(found.count)
        for k in found { c.reply.bulk(k) }
    }

    static func rename(_ s: Server, _ c: Client, _ a: [[UInt8]], onlyNew: Bool) {
        let src = Key(a[1]), dst = Key(a[2])
        guard let value = s.lookupWrite(c, src) else { return c.reply.error(Errors.noSuchKey) }
        let db = c.db
        if src == dst {
            return onlyNew ? c.reply.integer(0) : c.reply.ok()
        }
        if onlyNew && s.lookupWrite(c, dst) != nil { return c.reply.integer(0) }
        let expiry = db.expireAt(src)
        db.delete(src)
        db.delete(dst)
        db.dict[dst] = value
        if let expiry { db.setExpire(dst, atMs: expiry) }
        s.keyChanged(c, src)
        s.keyChanged(c, dst)
        onlyNew ? c.reply.integer(1) : c.reply.ok()
    }

    /// EXPIRE key n [NX|XX|GT|LT]
    static func expire(_ s: Server, _ c: Client, _ a: [[UInt8]], unit: String) {
        guard let n = Numbers.int64(a[2]) else { return c.reply.error(Errors.notInteger) }
        var nx = false, xx = false, gt = false, lt = false
        for opt in a.dropFirst(3) {
            switch opt.lowercasedASCII {
            case "nx": nx = true
            case "xx": xx = true
            case "gt": gt = true
            case "lt": lt = true
            default: return c.reply.error("ERR Unsupported option \(opt.utf8Text)")
            }
        }
        if nx && (xx || gt || lt) { return c.reply.error("ERR NX and XX, GT or LT options at the same time are not compatible") }
        if gt && lt { return c.reply.error("ERR GT and LT options at the same time are not compatible") }
        let name = ["ex": "expire", "px": "pexpire", "exat": "expireat", "pxat": "pexpireat"][unit]!
        guard let at = StringCommands.absoluteExpiry(n, unit: unit, now: s.unixMs) else {
            return c.reply.error("ERR invalid expire time in '\(name)' command")
        }
        let key = Key(a[1])
        guard s.lookupWrite(c, key) != nil else { return c.reply.integer(0) }
        let db = c.db
        let current = db.expireAt(key)
        if nx && current != nil { return c.reply.integer(0) }
        if xx && current == nil { return c.reply.integer(0) }
        // A key without a TTL counts as an infinite one for GT and LT.
        if gt, current == nil || at <= current! { return c.reply.integer(0) }
        if lt, let cur = current, at >= cur { return c.reply.integer(0) }
        if at <= s.unixMs && s.replication.isMaster {
            db.delete(key)
            s.keyChanged(c, key)
            s.propagateOverride = [[Array("DEL".utf8), a[1]]]
        } else {
            db.setExpire(key, atMs: at)
            s.keyChanged(c, key)
            s.propagateOverride = [[Array("PEXPIREAT".utf8), a[1], Array(String(at).utf8)]]
        }
        c.reply.integer(1)
    }

    static func ttl(_ s: Server, _ c: Client, _ a: [[UInt8]], divisor: Int64, absolute: Bool) {
        guard s.lookupRead(c, a[1]) != nil else { return c.reply.integer(-2) }
        guard let at = c.db.expireAt(Key(a[1])) else { return c.reply.integer(-1) }
        if absolute { return c.reply.integer(at / divisor) }
        let left = Swift.max(0, at - s.unixMs)
        // TTL rounds to the nearest second as Redis does ((ttl+500)/1000).
        c.reply.integer(divisor == 1 ? left : (left + 500) / 1000)
    }

    static func persist(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let key = Key(a[1])
        guard s.lookupWrite(c, key) != nil, c.db.removeExpire(key) else { return c.reply.integer(0) }
        s.keyChanged(c, key)
        c.reply.integer(1)
    }

    static func randomkey(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let db = c.db
        // Bounded tries so a database full of expired keys cannot loop forever.
        for _ in 0..<100 {
            guard let (key, _) = db.dict.randomEntry(using: &s.rng) else { return c.reply.nullBulk() }
            if s.expireIfNeeded(db, key, client: c) { continue }
            return c.reply.bulk(key.bytes)
        }
        c.reply.nullBulk()
    }
}

/// MATCH / COUNT / TYPE options shared by SCAN and its relatives.
struct ScanOptions {
    var pattern: [UInt8]?
    var count = 10
    var type: String?

    static func parse(_ a: [[UInt8]], from start: Int, allowType: Bool, reply: inout RESPWriter) -> ScanOptions? {
        var o = ScanOptions()
        var i = start
        while i < a.count {
            let opt = a[i].lowercasedASCII
            guard i + 1 < a.count else { reply.error(Errors.syntax); return nil }
            switch opt {
            case "match":
                o.pattern = a[i + 1] == [UInt8(ascii: "*")] ? nil : a[i + 1]
            case "count":
                guard let n = Numbers.int64(a[i + 1]) else { reply.error(Errors.notInteger); return nil }
                guard n >= 1 else { reply.error(Errors.syntax); return nil }
                o.count = Int(Swift.min(n, 1 << 30))
            case "type" where allowType:
                o.type = a[i + 1].lowercasedASCII
            default:
                reply.error(Errors.syntax)
                return nil
            }
            i += 2
        }
        return o
    }
}
