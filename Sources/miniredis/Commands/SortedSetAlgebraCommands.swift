import RESP

/// ZUNION/ZINTER/ZDIFF, their STORE forms, and ZINTERCARD. Plain sets count as sorted sets of
/// score 1, as in Redis.
enum SortedSetAlgebraCommands {
    enum Operation { case union, inter, diff }
    enum Aggregate { case sum, min, max }

    static let specs: [CommandSpec] = [
        CommandSpec("zunionstore", -4, [.write, .denyoom], group: "sorted-set", "Stores the union of multiple sorted sets in a key.", .data { ctx, a in run(&ctx, a, .union, store: true) }),
        CommandSpec("zinterstore", -4, [.write, .denyoom], group: "sorted-set", "Stores the intersect of multiple sorted sets in a key.", .data { ctx, a in run(&ctx, a, .inter, store: true) }),
        CommandSpec("zdiffstore", -4, [.write, .denyoom], group: "sorted-set", "Stores the difference of multiple sorted sets in a key.", .data { ctx, a in run(&ctx, a, .diff, store: true) }),
        CommandSpec("zunion", -3, [.readonly], group: "sorted-set", "Returns the union of multiple sorted sets.", .data { ctx, a in run(&ctx, a, .union, store: false) }),
        CommandSpec("zinter", -3, [.readonly], group: "sorted-set", "Returns the intersect of multiple sorted sets.", .data { ctx, a in run(&ctx, a, .inter, store: false) }),
        CommandSpec("zdiff", -3, [.readonly], group: "sorted-set", "Returns the difference between multiple sorted sets.", .data { ctx, a in run(&ctx, a, .diff, store: false) }),
        CommandSpec("zintercard", -3, [.readonly], group: "sorted-set", "Returns the number of members of the intersect of multiple sorted sets.", .data(zintercard)),
    ]

    /// One input: member -> score, or nil for a missing key.
    static func inputs(_ ctx: inout CommandContext, _ keys: ArraySlice<[UInt8]>) -> [[(member: [UInt8], score: Double)]?]? {
        var out: [[(member: [UInt8], score: Double)]?] = []
        for k in keys {
            switch ctx.lookupRead(k) {
            case nil: out.append(nil)
            case .zset(let z)?: out.append(z.ordered.map { ($0.member, $0.score) })
            case .set(let s)?: out.append(s.entries.map { ($0.key.bytes, 1.0) })
            default:
                ctx.reply.error(Errors.wrongType)
                return nil
            }
        }
        return out
    }

    static func run(_ ctx: inout CommandContext, _ a: [[UInt8]], _ op: Operation, store: Bool) {
        let name = String(decoding: a[0], as: UTF8.self).lowercased()
        let first = store ? 2 : 1
        guard let n = Numbers.int64(a[first]) else { return ctx.reply.error(Errors.notInteger) }
        guard n > 0 else { return ctx.reply.error("ERR at least 1 input key is needed for '\(name)' command") }
        guard n <= a.count - first - 1 else { return ctx.reply.error(Errors.syntax) }
        let keys = a[(first + 1)...(first + Int(n))]
        var weights = [Double](repeating: 1, count: Int(n))
        var aggregate = Aggregate.sum
        var withScores = false
        var i = first + 1 + Int(n)
        while i < a.count {
            switch a[i].lowercasedASCII {
            case "weights" where op != .diff && i + Int(n) < a.count:
                for j in 0..<Int(n) {
                    guard let w = Numbers.double(a[i + 1 + j]) else { return ctx.reply.error("ERR weight value is not a float") }
                    weights[j] = w
                }
                i += Int(n)
            case "aggregate" where op != .diff && i + 1 < a.count:
                switch a[i + 1].lowercasedASCII {
                case "sum": aggregate = .sum
                case "min": aggregate = .min
                case "max": aggregate = .max
                default: return ctx.reply.error(Errors.syntax)
                }
                i += 1
            case "withscores" where !store: withScores = true
            default: return ctx.reply.error(Errors.syntax)
            }
            i += 1
        }
        guard let sets = inputs(&ctx, keys) else { return }
        let result = combine(op, sets, weights: weights, aggregate: aggregate)
        guard store else { return SortedSetCommands.writeScored(&ctx, result.ordered.map { ($0.score, $0.member) }, withScores: withScores) }
        let event: StaticString = op == .union ? "zunionstore" : op == .inter ? "zinterstore" : "zdiffstore"
        ctx.storeResult(Key(a[1]), result.count > 0 ? .zset(result) : nil, event: (.zset, event))
        ctx.reply.integer(result.count)
    }

    static func combine(_ op: Operation, _ sets: [[(member: [UInt8], score: Double)]?], weights: [Double], aggregate: Aggregate) -> SortedSet {
        // Redis's arithmetic: a weighted score that is NaN (0 * inf) is 0, and so is a sum of
        // +inf and -inf.
        func weighted(_ s: Double, _ w: Double) -> Double { let v = s * w; return v.isNaN ? 0 : v }
        func combineScores(_ x: Double, _ y: Double) -> Double {
            switch aggregate {
            case .sum: let v = x + y; return v.isNaN ? 0 : v
            case .min: return Swift.min(x, y)
            case .max: return Swift.max(x, y)
            }
        }
        var scores: [Key: Double] = [:]
        var order: [Key] = []
        switch op {
        case .union:
            for (j, set) in sets.enumerated() {
                for e in set ?? [] {
                    let k = Key(e.member), v = weighted(e.score, weights[j])
                    if let cur = scores[k] { scores[k] = combineScores(cur, v) } else { scores[k] = v; order.append(k) }
                }
            }
        case .inter:
            guard !sets.contains(where: { $0 == nil }) else { break }
            let maps = sets.map { Dictionary($0!.map { (Key($0.member), $0.score) }, uniquingKeysWith: { a, _ in a }) }
            for e in sets[0]! {
                let k = Key(e.member)
                guard maps.allSatisfy({ $0[k] != nil }) else { continue }
                var v = weighted(e.score, weights[0])
                for j in 1..<maps.count { v = combineScores(v, weighted(maps[j][k]!, weights[j])) }
                scores[k] = v
                order.append(k)
            }
        case .diff:
            guard let base = sets[0] else { break }
            let others = sets.dropFirst().compactMap { $0 }.map { Set($0.map { Key($0.member) }) }
            for e in base where !others.contains(where: { $0.contains(Key(e.member)) }) {
                scores[Key(e.member)] = e.score
                order.append(Key(e.member))
            }
        }
        var z = SortedSet()
        for k in order { z.set(k.bytes, score: scores[k]!) }
        return z
    }

    /// ZINTERCARD numkeys key [key ...] [LIMIT limit]
    static func zintercard(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let (keys, limit) = SetAlgebraCommands.intercardArguments(&ctx, a), let sets = inputs(&ctx, keys) else { return }
        let count = combine(.inter, sets, weights: [Double](repeating: 1, count: keys.count), aggregate: .sum).count
        ctx.reply.integer(limit > 0 ? min(limit, count) : count)
    }
}
