import RESP

enum SortedSetCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("zadd", -4, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "sorted-set", "Adds one or more members to a sorted set, or updates their scores.", .data(zadd)),
        CommandSpec("zincrby", 4, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "sorted-set", "Increments the score of a member in a sorted set.", .data(zincrby)),
        CommandSpec("zrange", -4, [.readonly], keys: (1, 1, 1), group: "sorted-set", "Returns members in a sorted set within a range of indexes.", .data(zrange)),
        CommandSpec("zscore", 3, [.readonly, .fast], keys: (1, 1, 1), group: "sorted-set", "Returns the score of a member in a sorted set.", .data(zscore)),
        CommandSpec("zrank", 3, [.readonly, .fast], keys: (1, 1, 1), group: "sorted-set", "Returns the index of a member in a sorted set ordered by ascending scores.", .data(zrank)),
        CommandSpec("zrem", -3, [.write, .fast], keys: (1, 1, 1), group: "sorted-set", "Removes one or more members from a sorted set.", .data(zrem)),
        CommandSpec("zcard", 2, [.readonly, .fast], keys: (1, 1, 1), group: "sorted-set", "Returns the number of members in a sorted set.", .data(zcard)),
        CommandSpec("zpopmin", -2, [.write, .fast], keys: (1, 1, 1), group: "sorted-set", "Returns the lowest-scoring members from a sorted set after removing them.", .data(zpopmin)),
    ]

    /// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
    static func zadd(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        var nx = false, xx = false, gt = false, lt = false, ch = false, incr = false
        var i = 2
        optionLoop: while i < a.count {
            switch a[i].lowercasedASCII {
            case "nx": nx = true
            case "xx": xx = true
            case "gt": gt = true
            case "lt": lt = true
            case "ch": ch = true
            case "incr": incr = true
            default: break optionLoop
            }
            i += 1
        }
        let pairs = a.count - i
        guard pairs > 0, pairs % 2 == 0 else { return ctx.reply.error(Errors.syntax) }
        if nx && xx { return ctx.reply.error("ERR XX and NX options at the same time are not compatible") }
        if (gt && nx) || (lt && nx) || (gt && lt) {
            return ctx.reply.error("ERR GT, LT, and/or NX options at the same time are not compatible")
        }
        if incr && pairs > 2 { return ctx.reply.error("ERR INCR option supports a single increment-element pair") }
        var elements: [(Double, [UInt8])] = []
        for j in stride(from: i, to: a.count, by: 2) {
            guard let score = Numbers.double(a[j]) else { return ctx.reply.error(Errors.notFloat) }
            elements.append((score, a[j + 1]))
        }
        let key = Key(a[1])
        var nanResult = false
        var incrResult: Double?
        let r = ctx.modifyZSet(key, create: !xx) { z -> (added: Int, changed: Int) in
            var added = 0, changed = 0
            for (score, member) in elements {
                let current = z.score(Key(member))
                if current == nil && xx { continue }
                if current != nil && nx { continue }
                var newScore = score
                if incr, let cur = current {
                    newScore = cur + score
                    if newScore.isNaN { nanResult = true; return (0, 0) }
                }
                if let cur = current {
                    if (gt && newScore <= cur) || (lt && newScore >= cur) { continue }
                    if newScore != cur {
                        z.set(member, score: newScore)
                        changed += 1
                    }
                } else {
                    z.set(member, score: newScore)
                    added += 1
                }
                if incr { incrResult = newScore }
            }
            return (added, changed)
        }
        switch r {
        case .missing:
            incr ? ctx.reply.nullBulk() : ctx.reply.integer(0)
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .found(let (added, changed)):
            if nanResult { return ctx.reply.error("ERR resulting score is not a number (NaN)") }
            if added + changed > 0 {
                ctx.changed(key)
                ctx.notify(.zset, incr ? "zincr" : "zadd", key)
            }
            if incr {
                if let v = incrResult { ctx.reply.double(v) } else { ctx.reply.nullBulk() }
            } else {
                ctx.reply.integer(ch ? added + changed : added)
            }
        }
    }

    static func zincrby(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let delta = Numbers.double(a[2]) else { return ctx.reply.error(Errors.notFloat) }
        let key = Key(a[1])
        var nan = false
        let r = ctx.modifyZSet(key, create: true) { z -> Double in
            let v = (z.score(Key(a[3])) ?? 0) + delta
            if v.isNaN { nan = true; return v }
            z.set(a[3], score: v)
            return v
        }
        switch r {
        case .missing: ctx.reply.nullBulk()
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .found(let v):
            if nan { return ctx.reply.error("ERR resulting score is not a number (NaN)") }
            ctx.changed(key)
            ctx.notify(.zset, "zincr", key)
            ctx.reply.double(v)
        }
    }

    /// ZRANGE key start stop [BYSCORE] [REV] [LIMIT offset count] [WITHSCORES]
    static func zrange(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let (picked, withScores) = select(&ctx, a, allowWithScores: true) else { return }
        writeScored(&ctx, picked, withScores: withScores)
    }

    /// ZRANGE's selection: `a` is ZRANGE's arguments (key at 1, bounds at 2 and 3, options
    /// after). The picked members in reply order and WITHSCORES, or nil after replying an error;
    /// a missing key picks nothing. ZRANGESTORE uses it with WITHSCORES refused.
    static func select(_ ctx: inout CommandContext, _ a: [[UInt8]], allowWithScores: Bool) -> ([(score: Double, member: [UInt8])], Bool)? {
        var byScore = false, byLex = false, rev = false, withScores = false
        var limit: (offset: Int, count: Int)?
        var i = 4
        while i < a.count {
            switch a[i].lowercasedASCII {
            case "byscore": byScore = true
            case "rev": rev = true
            case "withscores" where allowWithScores: withScores = true
            case "limit":
                guard i + 2 < a.count, let o = Numbers.int64(a[i + 1]), let n = Numbers.int64(a[i + 2]) else {
                    ctx.reply.error(Errors.syntax)
                    return nil
                }
                limit = (Int(o), Int(n))
                i += 2
            case "bylex": byLex = true
            default:
                ctx.reply.error(Errors.syntax)
                return nil
            }
            i += 1
        }
        if byScore && byLex { ctx.reply.error(Errors.syntax); return nil }
        if limit != nil && !byScore && !byLex {
            ctx.reply.error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
            return nil
        }
        if withScores && byLex {
            ctx.reply.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
            return nil
        }
        func limited(_ items: [(score: Double, member: [UInt8])]) -> [(score: Double, member: [UInt8])] {
            var matches = rev ? items.reversed() : items
            if let (offset, count) = limit {
                if offset < 0 { return [] }
                matches = Array(matches.dropFirst(offset))
                if count >= 0 { matches = Array(matches.prefix(count)) }
            }
            return matches
        }
        if byLex {
            guard let lo = LexBound(a[rev ? 3 : 2]), let hi = LexBound(a[rev ? 2 : 3]) else {
                ctx.reply.error("ERR min or max not valid string range item")
                return nil
            }
            guard let z = zsetOrEmpty(&ctx, a[1]) else { return nil }
            return (limited(z.ordered.filter { lo.allowsAbove($0.member) && hi.allowsBelow($0.member) }), withScores)
        }
        if byScore {
            guard let lo = ScoreBound(a[rev ? 3 : 2]), let hi = ScoreBound(a[rev ? 2 : 3]) else {
                ctx.reply.error("ERR min or max is not a float")
                return nil
            }
            guard let z = zsetOrEmpty(&ctx, a[1]) else { return nil }
            return (limited(z.ordered.filter { lo.allowsAbove($0.score) && hi.allowsBelow($0.score) }), withScores)
        }
        guard let start = Numbers.int64(a[2]), let stop = Numbers.int64(a[3]) else {
            ctx.reply.error(Errors.notInteger)
            return nil
        }
        guard let z = zsetOrEmpty(&ctx, a[1]) else { return nil }
        guard let r = ListCommands.range(start: start, stop: stop, count: z.count) else { return ([], withScores) }
        let n = z.count
        return (r.map { rev ? z.ordered[n - 1 - $0] : z.ordered[$0] }, withScores)
    }

    /// The sorted set (empty for a missing key), or nil after replying WRONGTYPE.
    private static func zsetOrEmpty(_ ctx: inout CommandContext, _ key: [UInt8]) -> SortedSet? {
        switch ctx.readZSet(key) {
        case .missing: return SortedSet()
        case .wrongType:
            ctx.reply.error(Errors.wrongType)
            return nil
        case .found(let z): return z
        }
    }

    /// Members with scores: flat in RESP2, [member, score] pairs in RESP3.
    static func writeScored(_ ctx: inout CommandContext, _ items: [(score: Double, member: [UInt8])], withScores: Bool) {
        if withScores && ctx.reply.protocolVersion >= 3 {
            ctx.reply.arrayHeader(items.count)
            for e in items {
                ctx.reply.arrayHeader(2)
                ctx.reply.bulk(e.member)
                ctx.reply.double(e.score)
            }
            return
        }
        ctx.reply.arrayHeader(withScores ? items.count * 2 : items.count)
        for e in items {
            ctx.reply.bulk(e.member)
            if withScores { ctx.reply.double(e.score) }
        }
    }

    static func zscore(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        switch ctx.readZSet(a[1]) {
        case .missing: ctx.reply.nullBulk()
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .found(let z):
            if let v = z.score(Key(a[2])) { ctx.reply.double(v) } else { ctx.reply.nullBulk() }
        }
    }

    static func zrank(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        switch ctx.readZSet(a[1]) {
        case .missing: ctx.reply.nullBulk()
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .found(let z):
            if let r = z.rank(a[2]) { ctx.reply.integer(r) } else { ctx.reply.nullBulk() }
        }
    }

    static func zrem(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let key = Key(a[1])
        let r = ctx.modifyZSet(key, create: false) { z -> Int in
            var n = 0
            for m in a.dropFirst(2) where z.remove(m) { n += 1 }
            return n
        }
        ctx.replyChangedCount(key, r, event: (.zset, "zrem"))
    }

    static func zcard(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        ctx.replyInteger(ctx.readZSet(a[1])) { z in z.count }
    }

    static func zpopmin(_ ctx: inout CommandContext, _ a: [[UInt8]]) { zpop(&ctx, a, min: true) }

    /// ZPOPMIN / ZPOPMAX; replicas get ZREM of the members taken.
    static func zpop(_ ctx: inout CommandContext, _ a: [[UInt8]], min: Bool) {
        guard a.count <= 3 else { return ctx.reply.error(Errors.syntax) }
        var count = 1
        if a.count == 3 {
            guard let n = Numbers.int64(a[2]) else { return ctx.reply.error(Errors.notInteger) }
            guard n >= 0 else { return ctx.reply.error("ERR value is out of range, must be positive") }
            count = Int(Swift.min(n, Int64(Int32.max)))
        }
        let key = Key(a[1])
        let r = ctx.modifyZSet(key, create: false) { z in min ? z.popMin(count) : z.popMax(count) }
        switch r {
        case .missing: ctx.reply.arrayHeader(0)
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .found(let popped):
            if !popped.isEmpty {
                ctx.changed(key)
                ctx.notify(.zset, min ? "zpopmin" : "zpopmax", key)
                ctx.propagate(as: [Array("ZREM".utf8), a[1]] + popped.map(\.member))
            }
            // Without COUNT the reply is one flat pair even in RESP3, as Redis replies.
            if a.count == 2 {
                ctx.reply.arrayHeader(popped.count * 2)
                for e in popped { ctx.reply.bulk(e.member); ctx.reply.double(e.score) }
            } else {
                writeScored(&ctx, popped, withScores: true)
            }
        }
    }
}

/// A ZRANGE BYSCORE bound: `1.5`, `(1.5` (exclusive), `-inf`, `+inf`.
/// A ZRANGEBYLEX bound: `-`, `+`, `[member` (inclusive) or `(member` (exclusive).
struct LexBound {
    enum Kind { case min, max, inclusive([UInt8]), exclusive([UInt8]) }
    let kind: Kind

    init?(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return nil }
        switch first {
        case UInt8(ascii: "-") where bytes.count == 1: kind = .min
        case UInt8(ascii: "+") where bytes.count == 1: kind = .max
        case UInt8(ascii: "["): kind = .inclusive(Array(bytes.dropFirst()))
        case UInt8(ascii: "("): kind = .exclusive(Array(bytes.dropFirst()))
        default: return nil
        }
    }

    func allowsAbove(_ m: [UInt8]) -> Bool {
        switch kind {
        case .min: true
        case .max: false
        case .inclusive(let v): !m.lexicographicallyPrecedes(v)
        case .exclusive(let v): v.lexicographicallyPrecedes(m)
        }
    }

    func allowsBelow(_ m: [UInt8]) -> Bool {
        switch kind {
        case .min: false
        case .max: true
        case .inclusive(let v): !v.lexicographicallyPrecedes(m)
        case .exclusive(let v): m.lexicographicallyPrecedes(v)
        }
    }
}

struct ScoreBound {
    let value: Double
    let exclusive: Bool

    init?(_ bytes: [UInt8]) {
        var b = bytes
        exclusive = b.first == UInt8(ascii: "(")
        if exclusive { b.removeFirst() }
        guard let v = Numbers.double(b) else { return nil }
        value = v
    }

    func allowsAbove(_ score: Double) -> Bool { exclusive ? score > value : score >= value }
    func allowsBelow(_ score: Double) -> Bool { exclusive ? score < value : score <= value }
}
