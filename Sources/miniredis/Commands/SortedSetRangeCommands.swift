import RESP

/// The older range forms (ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZREVRANGE, answered by ZRANGE's own
/// code), ZCOUNT, ZREMRANGEBYSCORE/BYRANK, ZPOPMAX, ZREVRANK, ZMSCORE.
enum SortedSetRangeCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("zrangebyscore", -4, [.readonly], keys: (1, 1, 1), group: "sorted-set", "Returns members in a sorted set within a range of scores.", .data { ctx, a in
            SortedSetCommands.zrange(&ctx, Array(a[0...3]) + [Array("BYSCORE".utf8)] + a.dropFirst(4))
        }),
        CommandSpec("zrevrangebyscore", -4, [.readonly], keys: (1, 1, 1), group: "sorted-set", "Returns members in a sorted set within a range of scores in reverse order.", .data { ctx, a in
            SortedSetCommands.zrange(&ctx, Array(a[0...3]) + [Array("BYSCORE".utf8), Array("REV".utf8)] + a.dropFirst(4))
        }),
        CommandSpec("zrevrange", -4, [.readonly], keys: (1, 1, 1), group: "sorted-set", "Returns members in a sorted set within a range of indexes in reverse order.", .data { ctx, a in
            // Only WITHSCORES may follow, as in Redis.
            guard a.count == 4 || (a.count == 5 && a[4].lowercasedASCII == "withscores") else { return ctx.reply.error(Errors.syntax) }
            SortedSetCommands.zrange(&ctx, Array(a[0...3]) + [Array("REV".utf8)] + a.dropFirst(4))
        }),
        CommandSpec("zrangebylex", -4, [.readonly], keys: (1, 1, 1), group: "sorted-set", "Returns members in a sorted set within a lexicographical range.", .data { ctx, a in
            SortedSetCommands.zrange(&ctx, Array(a[0...3]) + [Array("BYLEX".utf8)] + a.dropFirst(4))
        }),
        CommandSpec("zrevrangebylex", -4, [.readonly], keys: (1, 1, 1), group: "sorted-set", "Returns members in a sorted set within a lexicographical range in reverse order.", .data { ctx, a in
            SortedSetCommands.zrange(&ctx, Array(a[0...3]) + [Array("BYLEX".utf8), Array("REV".utf8)] + a.dropFirst(4))
        }),
        CommandSpec("zlexcount", 4, [.readonly, .fast], keys: (1, 1, 1), group: "sorted-set", "Returns the number of members in a sorted set within a lexicographical range.", .data(zlexcount)),
        CommandSpec("zremrangebylex", 4, [.write], keys: (1, 1, 1), group: "sorted-set", "Removes members in a sorted set within a lexicographical range.", .data(zremrangebylex)),
        CommandSpec("zcount", 4, [.readonly, .fast], keys: (1, 1, 1), group: "sorted-set", "Returns the count of members in a sorted set that have scores within a range.", .data(zcount)),
        CommandSpec("zremrangebyscore", 4, [.write], keys: (1, 1, 1), group: "sorted-set", "Removes members in a sorted set within a range of scores.", .data(zremrangebyscore)),
        CommandSpec("zremrangebyrank", 4, [.write], keys: (1, 1, 1), group: "sorted-set", "Removes members in a sorted set within a range of indexes.", .data(zremrangebyrank)),
        CommandSpec("zpopmax", -2, [.write, .fast], keys: (1, 1, 1), group: "sorted-set", "Returns the highest-scoring members from a sorted set after removing them.", .data { ctx, a in SortedSetCommands.zpop(&ctx, a, min: false) }),
        CommandSpec("zrevrank", 3, [.readonly, .fast], keys: (1, 1, 1), group: "sorted-set", "Returns the index of a member in a sorted set ordered by descending scores.", .data(zrevrank)),
        CommandSpec("zmscore", -3, [.readonly, .fast], keys: (1, 1, 1), group: "sorted-set", "Returns the score of one or more members in a sorted set.", .data(zmscore)),
    ]

    static func bounds(_ ctx: inout CommandContext, _ a: [[UInt8]]) -> (ScoreBound, ScoreBound)? {
        guard let lo = ScoreBound(a[2]), let hi = ScoreBound(a[3]) else {
            ctx.reply.error("ERR min or max is not a float")
            return nil
        }
        return (lo, hi)
    }

    static func zcount(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let (lo, hi) = bounds(&ctx, a) else { return }
        ctx.replyInteger(ctx.readZSet(a[1])) { z in z.ordered.filter { lo.allowsAbove($0.score) && hi.allowsBelow($0.score) }.count }
    }

    static func zremrangebyscore(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let (lo, hi) = bounds(&ctx, a) else { return }
        let key = Key(a[1])
        let r = ctx.modifyZSet(key, create: false) { z -> Int in
            let doomed = z.ordered.filter { lo.allowsAbove($0.score) && hi.allowsBelow($0.score) }
            for e in doomed { z.remove(e.member) }
            return doomed.count
        }
        ctx.replyChangedCount(key, r, event: (.zset, "zremrangebyscore"))
    }

    static func lexBounds(_ ctx: inout CommandContext, _ a: [[UInt8]]) -> (LexBound, LexBound)? {
        guard let lo = LexBound(a[2]), let hi = LexBound(a[3]) else {
            ctx.reply.error("ERR min or max not valid string range item")
            return nil
        }
        return (lo, hi)
    }

    static func zlexcount(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let (lo, hi) = lexBounds(&ctx, a) else { return }
        ctx.replyInteger(ctx.readZSet(a[1])) { z in z.ordered.filter { lo.allowsAbove($0.member) && hi.allowsBelow($0.member) }.count }
    }

    static func zremrangebylex(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let (lo, hi) = lexBounds(&ctx, a) else { return }
        let key = Key(a[1])
        let r = ctx.modifyZSet(key, create: false) { z -> Int in
            let doomed = z.ordered.filter { lo.allowsAbove($0.member) && hi.allowsBelow($0.member) }
            for e in doomed { z.remove(e.member) }
            return doomed.count
        }
        ctx.replyChangedCount(key, r, event: (.zset, "zremrangebylex"))
    }

    static func zremrangebyrank(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let start = Numbers.int64(a[2]), let stop = Numbers.int64(a[3]) else { return ctx.reply.error(Errors.notInteger) }
        let key = Key(a[1])
        let r = ctx.modifyZSet(key, create: false) { z -> Int in
            guard let range = ListCommands.range(start: start, stop: stop, count: z.count) else { return 0 }
            let doomed = Array(z.ordered[range])
            for e in doomed { z.remove(e.member) }
            return doomed.count
        }
        ctx.replyChangedCount(key, r, event: (.zset, "zremrangebyrank"))
    }

    static func zrevrank(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        switch ctx.readZSet(a[1]) {
        case .missing: ctx.reply.nullBulk()
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .found(let z):
            if let r = z.rank(a[2]) { ctx.reply.integer(z.count - 1 - r) } else { ctx.reply.nullBulk() }
        }
    }

    static func zmscore(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let lookup = ctx.readZSet(a[1])
        if case .wrongType = lookup { return ctx.reply.error(Errors.wrongType) }
        ctx.reply.arrayHeader(a.count - 2)
        for m in a.dropFirst(2) {
            if case .found(let z) = lookup, let s = z.score(Key(m)) { ctx.reply.double(s) } else { ctx.reply.nullBulk() }
        }
    }
}
