import RESP

/// LMPOP, ZMPOP and their blocking forms BLMPOP, BZMPOP; ZRANGESTORE.
enum MultiPopCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("lmpop", -4, [.write], group: "list", "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.", .server { ctx, s, c, a in
            mpop(&ctx, s, c, a, numkeysAt: 1, zset: false, timeout: nil)
        }),
        CommandSpec("zmpop", -4, [.write], group: "sorted-set", "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.", .server { ctx, s, c, a in
            mpop(&ctx, s, c, a, numkeysAt: 1, zset: true, timeout: nil)
        }),
        CommandSpec("blmpop", -5, [.write, .noscript], group: "list", "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", .server { ctx, s, c, a in
            mpop(&ctx, s, c, a, numkeysAt: 2, zset: false, timeout: a[1])
        }),
        CommandSpec("bzmpop", -5, [.write, .noscript], group: "sorted-set", "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", .server { ctx, s, c, a in
            mpop(&ctx, s, c, a, numkeysAt: 2, zset: true, timeout: a[1])
        }),
        CommandSpec("zrangestore", -5, [.write, .denyoom], keys: (1, 2, 1), group: "sorted-set", "Stores a range of members from sorted set in a key.", .data(zrangestore)),
    ]

    /// [B]LMPOP [timeout] numkeys key [key ...] LEFT|RIGHT [COUNT count], and ZMPOP's MIN|MAX.
    static func mpop(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]], numkeysAt: Int, zset: Bool, timeout: [UInt8]?) {
        var deadline: Int64?
        if let timeout {
            guard let d = BlockingCommands.deadline(&ctx, s, timeout) else { return }
            deadline = d
        }
        guard let n = Numbers.int64(a[numkeysAt]), n > 0 else { return ctx.reply.error("ERR numkeys should be greater than 0") }
        guard n < Int64(a.count) else { return ctx.reply.error(Errors.syntax) }
        let whereAt = numkeysAt + 1 + Int(n)
        guard whereAt < a.count else { return ctx.reply.error(Errors.syntax) }
        let keys = Array(a[(numkeysAt + 1)..<whereAt])
        let side = a[whereAt].lowercasedASCII
        let first: Bool
        switch (side, zset) {
        case ("left", false), ("min", true): first = true
        case ("right", false), ("max", true): first = false
        default: return ctx.reply.error(Errors.syntax)
        }
        var count = 1, sawCount = false
        var i = whereAt + 1
        while i < a.count {
            guard a[i].lowercasedASCII == "count", i + 1 < a.count, !sawCount else { return ctx.reply.error(Errors.syntax) }
            sawCount = true
            guard let k = Numbers.int64(a[i + 1]), k > 0 else { return ctx.reply.error("ERR count should be greater than 0") }
            count = Int(min(k, Int64(Int32.max)))
            i += 2
        }
        for k in keys {
            if zset {
                switch ctx.readZSet(k) {
                case .wrongType: return ctx.reply.error(Errors.wrongType)
                case .found(let z) where z.count > 0: return popZSet(&ctx, k, min: first, count: count)
                default: continue
                }
            } else {
                switch ctx.readList(k) {
                case .wrongType: return ctx.reply.error(Errors.wrongType)
                case .found(let l) where l.count > 0: return popList(&ctx, k, left: first, count: count)
                default: continue
                }
            }
        }
        if timeout == nil || c.inExec { return ctx.reply.nullArray() }
        let kind: KeyBlock.Kind = zset ? .zsetMultiPop(min: first, count: count) : .listMultiPop(left: first, count: count)
        s.blockOnKeys(c, KeyBlock(kind: kind, keys: keys), deadlineMs: deadline)
    }

    /// Pops up to `count` from a non-empty list: [key, [elements]]; propagated as LPOP/RPOP key count.
    static func popList(_ ctx: inout CommandContext, _ key: [UInt8], left: Bool, count: Int) {
        let k = Key(key)
        let r = ctx.modifyList(k, create: false) { l -> [[UInt8]] in
            var out: [[UInt8]] = []
            while out.count < count, let v = left ? l.popFront() : l.popBack() { out.append(v) }
            return out
        }
        guard case .found(let values) = r, !values.isEmpty else { return ctx.reply.nullArray() }
        ctx.changed(k)
        ctx.notify(.list, left ? "lpop" : "rpop", k)
        ctx.propagate(as: [Array((left ? "LPOP" : "RPOP").utf8), key, Array(String(values.count).utf8)])
        ctx.reply.arrayHeader(2)
        ctx.reply.bulk(key)
        ctx.reply.arrayHeader(values.count)
        for v in values { ctx.reply.bulk(v) }
    }

    /// Pops up to `count` from a non-empty sorted set: [key, [[member, score] ...]]; replicas
    /// get ZREM of the members.
    static func popZSet(_ ctx: inout CommandContext, _ key: [UInt8], min: Bool, count: Int) {
        let k = Key(key)
        let r = ctx.modifyZSet(k, create: false) { z in min ? z.popMin(count) : z.popMax(count) }
        guard case .found(let popped) = r, !popped.isEmpty else { return ctx.reply.nullArray() }
        ctx.changed(k)
        ctx.notify(.zset, min ? "zpopmin" : "zpopmax", k)
        ctx.propagate(as: [Array("ZREM".utf8), key] + popped.map(\.member))
        ctx.reply.arrayHeader(2)
        ctx.reply.bulk(key)
        ctx.reply.arrayHeader(popped.count)
        for e in popped {
            ctx.reply.arrayHeader(2)
            ctx.reply.bulk(e.member)
            ctx.reply.double(e.score)
        }
    }

    /// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
    static func zrangestore(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let (picked, _) = SortedSetCommands.select(&ctx, Array(a.dropFirst()), allowWithScores: false) else { return }
        var z = SortedSet()
        for e in picked { z.set(e.member, score: e.score) }
        ctx.storeResult(Key(a[1]), picked.isEmpty ? nil : .zset(z), event: (.zset, "zrangestore"))
        ctx.reply.integer(picked.count)
    }
}
