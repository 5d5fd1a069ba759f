import RESP

/// TOUCH and COPY.
enum KeyCopyCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("touch", -2, [.readonly, .fast], keys: (1, -1, 1), group: "generic", "Returns the number of existing keys out of those specified after updating the time they were last accessed.", .data(touch)),
        CommandSpec("copy", -3, [.write, .denyoom], keys: (1, 2, 1), group: "generic", "Copies the value of a key to a new key.", .server(copy)),
        CommandSpec("move", 3, [.write, .fast], keys: (1, 1, 1), group: "generic", "Moves a key to another database.", .server(move)),
        CommandSpec("swapdb", 3, [.write, .fast], group: "server", "Swaps two Redis databases.", .server(swapdb)),
    ]

    /// SWAPDB a b: every client of database a sees b's keys and the reverse. Transactions that
    /// watch a key of either are aborted, and clients blocked on a key that now has data are
    /// served, as in Redis.
    static func swapdb(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard let x = Numbers.int64(a[1]) else { return ctx.reply.error("ERR invalid first DB index") }
        guard let y = Numbers.int64(a[2]) else { return ctx.reply.error("ERR invalid second DB index") }
        guard x >= 0, y >= 0, x < Int64(s.databases.count), y < Int64(s.databases.count) else {
            return ctx.reply.error("ERR DB index is out of range")
        }
        let first = s.databases[Int(x)], second = s.databases[Int(y)]
        if first !== second {
            first.swapContents(with: second)
            s.touchAllWatched(first)
            s.touchAllWatched(second)
            for wk in s.keyWaiters.keys where wk.db == first.id || wk.db == second.id { s.readyKeys.append(wk) }
        }
        ctx.effects.dirty += 1
        ctx.reply.ok()
    }

    /// MOVE key db: only when the key is not in the target database; its expiry goes with it.
    static func move(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard let n = Numbers.int64(a[2]) else { return ctx.reply.error(Errors.notInteger) }
        guard n >= 0, n < Int64(s.databases.count) else { return ctx.reply.error("ERR DB index is out of range") }
        let target = s.databases[Int(n)]
        guard target !== ctx.db else { return ctx.reply.error("ERR source and destination objects are the same") }
        let key = Key(a[1])
        guard let value = ctx.lookupWrite(key) else { return ctx.reply.integer(0) }
        if target.isExpired(key, nowMs: ctx.unixMs), s.replication.isMaster { target.delete(key) }
        guard !target.dict.contains(key) else { return ctx.reply.integer(0) }
        let expiry = ctx.db.expireAt(key)
        ctx.db.delete(key)
        ctx.changed(key)
        // Published here, not through the context, so it comes before the target's move_to.
        s.notifyKeyspace(.generic, "move_from", db: ctx.db.id, key)
        let isNew = target.set(key, value)
        if let expiry { target.setExpire(key, atMs: expiry) }
        s.touchWatched(target, key)
        if isNew { s.notifyKeyspace(.new, "new", db: target.id, key) }
        s.notifyKeyspace(.generic, "move_to", db: target.id, key)
        ctx.reply.integer(1)
    }

    /// Counts the keys that exist; each lookup records an access (LRU/LFU), which is the point.
    static func touch(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        var n = 0
        for k in a.dropFirst() where ctx.lookupRead(k) != nil { n += 1 }
        ctx.reply.integer(n)
    }

    /// COPY source destination [DB index] [REPLACE]: the value and its expiry; the destination
    /// may be in another database.
    static func copy(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        var target = ctx.db
        var replace = false
        var i = 3
        while i < a.count {
            switch a[i].lowercasedASCII {
            case "replace": replace = true
            case "db" where i + 1 < a.count:
                guard let n = Numbers.int64(a[i + 1]) else { return ctx.reply.error(Errors.notInteger) }
                guard n >= 0, n < Int64(s.databases.count) else { return ctx.reply.error("ERR DB index is out of range") }
                target = s.databases[Int(n)]
                i += 1
            default: return ctx.reply.error(Errors.syntax)
            }
            i += 1
        }
        let src = Key(a[1]), dst = Key(a[2])
        if src == dst && target === ctx.db { return ctx.reply.error("ERR source and destination objects are the same") }
        guard let value = ctx.lookupWrite(src) else { return ctx.reply.integer(0) }
        let expiry = ctx.db.expireAt(src)
        let now = ctx.unixMs
        // An expired destination counts as missing.
        if target.isExpired(dst, nowMs: now), s.replication.isMaster { target.delete(dst) }
        if target.dict.contains(dst) {
            guard replace else { return ctx.reply.integer(0) }
            target.delete(dst)
        }
        if target === ctx.db {
            ctx.store(dst, value)
            if let expiry { target.setExpire(dst, atMs: expiry) }
            ctx.changed(dst)
            ctx.notify(.generic, "copy_to", dst)
        } else {
            // Another database: its keyspace, WATCHes and events are the server's to update; the
            // command is still propagated as called (replicas run the same COPY ... DB n).
            let isNew = target.set(dst, value)
            if let expiry { target.setExpire(dst, atMs: expiry) }
            s.touchWatched(target, dst)
            if isNew { s.notifyKeyspace(.new, "new", db: target.id, dst) }
            s.notifyKeyspace(.generic, "copy_to", db: target.id, dst)
            ctx.effects.dirty += 1
        }
        ctx.reply.integer(1)
    }
}
