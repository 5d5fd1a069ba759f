import RESP

enum KeyCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("del", -2, [.write], keys: (1, -1, 1), group: "generic", "Deletes one or more keys.", .data(del)),
        CommandSpec("unlink", -2, [.write, .fast], keys: (1, -1, 1), group: "generic", "Asynchronously deletes one or more keys.", .data(del)),
        CommandSpec("exists", -2, [.readonly, .fast], keys: (1, -1, 1), group: "generic", "Determines whether one or more keys exist.", .data(exists)),
        CommandSpec("type", 2, [.readonly, .fast], keys: (1, 1, 1), group: "generic", "Determines the type of value stored at a key.", .data(type)),
        CommandSpec("keys", 2, [.readonly], group: "generic", "Returns all key names that match a pattern.", .data(keys)),
        CommandSpec("scan", -2, [.readonly], group: "generic", "Iterates over the key names in the database.", .data(scan)),
        CommandSpec("rename", 3, [.write], keys: (1, 2, 1), group: "generic", "Renames a key and overwrites the destination.", .data { ctx, a in rename(&ctx, a, onlyNew: false) }),
        CommandSpec("renamenx", 3, [.write, .fast], keys: (1, 2, 1), group: "generic", "Renames a key only when the target key name doesn't exist.", .data { ctx, a in rename(&ctx, a, onlyNew: true) }),
        CommandSpec("expire", -3, [.write, .fast], keys: (1, 1, 1), group: "generic", "Sets the expiration time of a key in seconds.", .data { ctx, a in expire(&ctx, a, unit: "ex") }),
        CommandSpec("pexpire", -3, [.write, .fast], keys: (1, 1, 1), group: "generic", "Sets the expiration time of a key in milliseconds.", .data { ctx, a in expire(&ctx, a, unit: "px") }),
        CommandSpec("expireat", -3, [.write, .fast], keys: (1, 1, 1), group: "generic", "Sets the expiration time of a key to a Unix timestamp.", .data { ctx, a in expire(&ctx, a, unit: "exat") }),
        CommandSpec("pexpireat", -3, [.write, .fast], keys: (1, 1, 1), group: "generic", "Sets the expiration time of a key to a Unix milliseconds timestamp.", .data { ctx, a in expire(&ctx, a, unit: "pxat") }),
        CommandSpec("ttl", 2, [.readonly, .fast], keys: (1, 1, 1), group: "generic", "Returns the expiration time in seconds of a key.", .data { ctx, a in ttl(&ctx, a, divisor: 1000, absolute: false) }),
        CommandSpec("pttl", 2, [.readonly, .fast], keys: (1, 1, 1), group: "generic", "Returns the expiration time in milliseconds of a key.", .data { ctx, a in ttl(&ctx, a, divisor: 1, absolute: false) }),
        CommandSpec("expiretime", 2, [.readonly, .fast], keys: (1, 1, 1), group: "generic", "Returns the expiration time of a key as a Unix timestamp.", .data { ctx, a in ttl(&ctx, a, divisor: 1000, absolute: true) }),
        CommandSpec("pexpiretime", 2, [.readonly, .fast], keys: (1, 1, 1), group: "generic", "Returns the expiration time of a key as a Unix milliseconds timestamp.", .data { ctx, a in ttl(&ctx, a, divisor: 1, absolute: true) }),
        CommandSpec("persist", 2, [.write, .fast], keys: (1, 1, 1), group: "generic", "Removes the expiration time of a key.", .data(persist)),
        CommandSpec("randomkey", 1, [.readonly], group: "generic", "Returns a random key name from the database.", .data(randomkey)),
    ]

    static func del(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        var removed = 0
        let db = ctx.db
        for k in a.dropFirst() {
            let key = Key(k)
            ctx.expireIfNeeded(key)
            if db.delete(key) {
                removed += 1
                ctx.changed(key)
                ctx.notify(.generic, "del", key)
            }
        }
        ctx.reply.integer(removed)
    }

    static func exists(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        var n = 0
        for k in a.dropFirst() where ctx.lookupRead(k) != nil { n += 1 }
        ctx.reply.integer(n)
    }

    static func type(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let name = ctx.lookupRead(a[1])?.typeName ?? "none"
        ctx.reply.simple(name)
    }

    static func keys(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let pattern = a[1]
        let all = pattern == [UInt8(ascii: "*")]
        let now = ctx.unixMs
        let db = ctx.db
        var out: [[UInt8]] = []
        db.dict.forEach { key, _ in
            if db.isExpired(key, nowMs: now) { return }
            if all || Glob.match(pattern, key.bytes) { out.append(key.bytes) }
        }
        ctx.reply.arrayHeader(out.count)
        for k in out { ctx.reply.bulk(k) }
    }

    /// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
    static func scan(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let cursor = UInt64(a[1].utf8Text) else { return ctx.reply.error("ERR invalid cursor") }
        guard let opts = ScanOptions.parse(a, from: 2, allowType: true, reply: &ctx.reply) else { return }
        let db = ctx.db
        let now = ctx.unixMs
        var found: [[UInt8]] = []
        let next = db.dict.scan(cursor: cursor, count: opts.count) { key, value in
            if db.isExpired(key, nowMs: now) { return }
            if let p = opts.pattern, !Glob.match(p, key.bytes) { return }
            if let t = opts.type, value.typeName != t { return }
            found.append(key.bytes)
        }
        ctx.reply.arrayHeader(2)
        ctx.reply.bulk(String(next))
        ctx.reply.arrayHeader(found.count)
        for k in found { ctx.reply.bulk(k) }
    }

    static func rename(_ ctx: inout CommandContext, _ a: [[UInt8]], onlyNew: Bool) {
        let src = Key(a[1]), dst = Key(a[2])
        guard let value = ctx.lookupWrite(src) else { return ctx.reply.error(Errors.noSuchKey) }
        let db = ctx.db
        if src == dst {
            return onlyNew ? ctx.reply.integer(0) : ctx.reply.ok()
        }
        if onlyNew && ctx.lookupWrite(dst) != nil { return ctx.reply.integer(0) }
        let expiry = db.expireAt(src)
        db.delete(src)
        db.delete(dst)
        ctx.store(dst, value)
        if let expiry { db.setExpire(dst, atMs: expiry) }
        ctx.changed(src)
        ctx.changed(dst)
        ctx.notify(.generic, "rename_from", src)
        ctx.notify(.generic, "rename_to", dst)
        onlyNew ? ctx.reply.integer(1) : ctx.reply.ok()
    }

    /// EXPIRE key n [NX|XX|GT|LT]
    static func expire(_ ctx: inout CommandContext, _ a: [[UInt8]], unit: String) {
        guard let n = Numbers.int64(a[2]) else { return ctx.reply.error(Errors.notInteger) }
        var nx = false, xx = false, gt = false, lt = false
        for opt in a.dropFirst(3) {
            switch opt.lowercasedASCII {
            case "nx": nx = true
            case "xx": xx = true
            case "gt": gt = true
            case "lt": lt = true
            default: return ctx.reply.error("ERR Unsupported option \(opt.utf8Text)")
            }
        }
        if nx && (xx || gt || lt) { return ctx.reply.error("ERR NX and XX, GT or LT options at the same time are not compatible") }
        if gt && lt { return ctx.reply.error("ERR GT and LT options at the same time are not compatible") }
        let name = ["ex": "expire", "px": "pexpire", "exat": "expireat", "pxat": "pexpireat"][unit]!
        guard let at = StringCommands.absoluteExpiry(n, unit: unit, now: ctx.unixMs) else {
            return ctx.reply.error("ERR invalid expire time in '\(name)' command")
        }
        let key = Key(a[1])
        guard ctx.lookupWrite(key) != nil else { return ctx.reply.integer(0) }
        let db = ctx.db
        let current = db.expireAt(key)
        if nx && current != nil { return ctx.reply.integer(0) }
        if xx && current == nil { return ctx.reply.integer(0) }
        // A key without a TTL counts as an infinite one for GT and LT.
        if gt, current == nil || at <= current! { return ctx.reply.integer(0) }
        if lt, let cur = current, at >= cur { return ctx.reply.integer(0) }
        if at <= ctx.unixMs && ctx.isMaster {
            db.delete(key)
            ctx.changed(key)
            ctx.notify(.generic, "del", key)
            ctx.propagate(as: [Array("DEL".utf8), a[1]])
        } else {
            db.setExpire(key, atMs: at)
            ctx.changed(key)
            ctx.notify(.generic, "expire", key)
            ctx.propagate(as: [Array("PEXPIREAT".utf8), a[1], Array(String(at).utf8)])
        }
        ctx.reply.integer(1)
    }

    static func ttl(_ ctx: inout CommandContext, _ a: [[UInt8]], divisor: Int64, absolute: Bool) {
        guard ctx.lookupRead(a[1]) != nil else { return ctx.reply.integer(-2) }
        guard let at = ctx.db.expireAt(Key(a[1])) else { return ctx.reply.integer(-1) }
        if absolute { return ctx.reply.integer(at / divisor) }
        let left = Swift.max(0, at - ctx.unixMs)
        // TTL rounds to the nearest second as Redis does ((ttl+500)/1000).
        ctx.reply.integer(divisor == 1 ? left : (left + 500) / 1000)
    }

    static func persist(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let key = Key(a[1])
        guard ctx.lookupWrite(key) != nil, ctx.db.removeExpire(key) else { return ctx.reply.integer(0) }
        ctx.changed(key)
        ctx.notify(.generic, "persist", key)
        ctx.reply.integer(1)
    }

    static func randomkey(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let db = ctx.db
        // Bounded tries so a database full of expired keys cannot loop forever.
        for _ in 0..<100 {
            guard let (key, _) = db.dict.randomEntry(using: &ctx.rng) else { return ctx.reply.nullBulk() }
            if ctx.expireIfNeeded(key) { continue }
            return ctx.reply.bulk(key.bytes)
        }
        ctx.reply.nullBulk()
    }
}

/// MATCH / COUNT / TYPE options shared by SCAN and its relatives.
struct ScanOptions {
    var pattern: [UInt8]?
    var count = 10
    var type: String?

    static func parse(_ a: [[UInt8]], from start: Int, allowType: Bool, reply: inout ReplySink) -> ScanOptions? {
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
