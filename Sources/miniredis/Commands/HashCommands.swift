import RESP

enum HashCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("hset", -4, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "hash", "Creates or modifies the value of a field in a hash.", .data { ctx, a in hset(&ctx, a, legacy: false) }),
        CommandSpec("hmset", -4, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "hash", "Sets the values of multiple fields.", .data { ctx, a in hset(&ctx, a, legacy: true) }),
        CommandSpec("hsetnx", 4, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "hash", "Sets the value of a field in a hash only when the field doesn't exist.", .data(hsetnx)),
        CommandSpec("hget", 3, [.readonly, .fast], keys: (1, 1, 1), group: "hash", "Returns the value of a field in a hash.", .data(hget)),
        CommandSpec("hmget", -3, [.readonly, .fast], keys: (1, 1, 1), group: "hash", "Returns the values of all fields in a hash.", .data(hmget)),
        CommandSpec("hdel", -3, [.write, .fast], keys: (1, 1, 1), group: "hash", "Deletes one or more fields and their values from a hash.", .data(hdel)),
        CommandSpec("hgetall", 2, [.readonly], keys: (1, 1, 1), group: "hash", "Returns all fields and values in a hash.", .data { ctx, a in hdump(&ctx, a, fields: true, values: true) }),
        CommandSpec("hkeys", 2, [.readonly], keys: (1, 1, 1), group: "hash", "Returns all fields in a hash.", .data { ctx, a in hdump(&ctx, a, fields: true, values: false) }),
        CommandSpec("hvals", 2, [.readonly], keys: (1, 1, 1), group: "hash", "Returns all values in a hash.", .data { ctx, a in hdump(&ctx, a, fields: false, values: true) }),
        CommandSpec("hlen", 2, [.readonly, .fast], keys: (1, 1, 1), group: "hash", "Returns the number of fields in a hash.", .data(hlen)),
        CommandSpec("hstrlen", 3, [.readonly, .fast], keys: (1, 1, 1), group: "hash", "Returns the length of the value of a field.", .data(hstrlen)),
        CommandSpec("hexists", 3, [.readonly, .fast], keys: (1, 1, 1), group: "hash", "Determines whether a field exists in a hash.", .data(hexists)),
        CommandSpec("hincrby", 4, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "hash", "Increments the integer value of a field in a hash by a number.", .data(hincrby)),
        CommandSpec("hincrbyfloat", 4, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "hash", "Increments the floating point value of a field by a number.", .data(hincrbyfloat)),
    ]

    static func hset(_ ctx: inout CommandContext, _ a: [[UInt8]], legacy: Bool) {
        guard a.count % 2 == 0 else { return ctx.reply.error(Errors.arity(legacy ? "hmset" : "hset")) }
        let key = Key(a[1])
        let r = ctx.modifyHash(key, create: true) { h -> Int in
            var added = 0
            for i in stride(from: 2, to: a.count, by: 2) where h.insert(Key(a[i]), a[i + 1]) { added += 1 }
            return added
        }
        guard case .found(let added) = r else { return ctx.reply.error(Errors.wrongType) }
        ctx.changed(key)
        ctx.notify(.hash, "hset", key)
        legacy ? ctx.reply.ok() : ctx.reply.integer(added)
    }

    static func hsetnx(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let key = Key(a[1])
        let r = ctx.modifyHash(key, create: true) { h -> Bool in
            if h.contains(Key(a[2])) { return false }
            h.insert(Key(a[2]), a[3])
            return true
        }
        guard case .found(let added) = r else { return ctx.reply.error(Errors.wrongType) }
        if added {
            ctx.changed(key)
            ctx.notify(.hash, "hset", key)
        }
        ctx.reply.integer(added ? 1 : 0)
    }

    static func hget(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        switch ctx.readHash(a[1]) {
        case .missing: ctx.reply.nullBulk()
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .found(let h): ctx.reply.bulk(h[Key(a[2])])
        }
    }

    static func hmget(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let lookup = ctx.readHash(a[1])
        if case .wrongType = lookup { return ctx.reply.error(Errors.wrongType) }
        ctx.reply.arrayHeader(a.count - 2)
        for f in a.dropFirst(2) {
            if case .found(let h) = lookup { ctx.reply.bulk(h[Key(f)]) } else { ctx.reply.nullBulk() }
        }
    }

    static func hdel(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let key = Key(a[1])
        let r = ctx.modifyHash(key, create: false) { h -> Int in
            var removed = 0
            for f in a.dropFirst(2) where h.remove(Key(f)) != nil { removed += 1 }
            return removed
        }
        ctx.replyChangedCount(key, r, event: (.hash, "hdel"))
    }

    static func hdump(_ ctx: inout CommandContext, _ a: [[UInt8]], fields: Bool, values: Bool) {
        switch ctx.readHash(a[1]) {
        case .missing:
            fields && values ? ctx.reply.mapHeader(0) : ctx.reply.arrayHeader(0)
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .found(let h):
            if fields && values { ctx.reply.mapHeader(h.count) } else { ctx.reply.arrayHeader(h.count) }
            h.forEach { k, v in
                if fields { ctx.reply.bulk(k.bytes) }
                if values { ctx.reply.bulk(v) }
            }
        }
    }

    static func hlen(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        ctx.replyInteger(ctx.readHash(a[1])) { h in h.count }
    }

    static func hstrlen(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        ctx.replyInteger(ctx.readHash(a[1])) { h in h[Key(a[2])]?.count ?? 0 }
    }

    static func hexists(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        ctx.replyInteger(ctx.readHash(a[1])) { h in h.contains(Key(a[2])) ? 1 : 0 }
    }

    static func hincrby(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let delta = Numbers.int64(a[3]) else { return ctx.reply.error(Errors.notInteger) }
        let key = Key(a[1])
        var failure: String?
        let r = ctx.modifyHash(key, create: true) { h -> Int64 in
            var current: Int64 = 0
            if let v = h[Key(a[2])] {
                guard let n = Numbers.int64(v) else { failure = "ERR hash value is not an integer"; return 0 }
                current = n
            }
            let (sum, overflow) = current.addingReportingOverflow(delta)
            guard !overflow else { failure = Errors.overflow; return 0 }
            h.insert(Key(a[2]), Array(String(sum).utf8))
            return sum
        }
        guard case .found(let value) = r else { return ctx.reply.error(Errors.wrongType) }
        if let failure { return ctx.reply.error(failure) }
        ctx.changed(key)
        ctx.notify(.hash, "hincrby", key)
        ctx.reply.integer(value)
    }

    static func hincrbyfloat(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let delta = Numbers.double(a[3]) else { return ctx.reply.error(Errors.notFloat) }
        let key = Key(a[1])
        var failure: String?
        let r = ctx.modifyHash(key, create: true) { h -> [UInt8] in
            var current = 0.0
            if let v = h[Key(a[2])] {
                guard let d = Numbers.double(v) else { failure = "ERR hash value is not a float"; return [] }
                current = d
            }
            let sum = current + delta
            guard sum.isFinite else { failure = "ERR increment would produce NaN or Infinity"; return [] }
            let text = Array(Numbers.formatIncr(sum).utf8)
            h.insert(Key(a[2]), text)
            return text
        }
        guard case .found(let text) = r else { return ctx.reply.error(Errors.wrongType) }
        if let failure { return ctx.reply.error(failure) }
        ctx.changed(key)
        ctx.notify(.hash, "hincrbyfloat", key)
        ctx.propagate(as: [Array("HSET".utf8), a[1], a[2], text])
        ctx.reply.bulk(text)
    }
}
