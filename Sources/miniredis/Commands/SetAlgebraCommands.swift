import RESP

/// SINTER/SUNION/SDIFF and their STORE forms, SINTERCARD, SMISMEMBER, SRANDMEMBER, SMOVE.
enum SetAlgebraCommands {
    enum Operation { case inter, union, diff }

    static let specs: [CommandSpec] = [
        CommandSpec("sinter", -2, [.readonly], keys: (1, -1, 1), group: "set", "Returns the intersect of multiple sets.", .data { ctx, a in algebra(&ctx, a, .inter, store: false) }),
        CommandSpec("sunion", -2, [.readonly], keys: (1, -1, 1), group: "set", "Returns the union of multiple sets.", .data { ctx, a in algebra(&ctx, a, .union, store: false) }),
        CommandSpec("sdiff", -2, [.readonly], keys: (1, -1, 1), group: "set", "Returns the difference of multiple sets.", .data { ctx, a in algebra(&ctx, a, .diff, store: false) }),
        CommandSpec("sinterstore", -3, [.write, .denyoom], keys: (1, -1, 1), group: "set", "Stores the intersect of multiple sets in a key.", .data { ctx, a in algebra(&ctx, a, .inter, store: true) }),
        CommandSpec("sunionstore", -3, [.write, .denyoom], keys: (1, -1, 1), group: "set", "Stores the union of multiple sets in a key.", .data { ctx, a in algebra(&ctx, a, .union, store: true) }),
        CommandSpec("sdiffstore", -3, [.write, .denyoom], keys: (1, -1, 1), group: "set", "Stores the difference of multiple sets in a key.", .data { ctx, a in algebra(&ctx, a, .diff, store: true) }),
        CommandSpec("sintercard", -3, [.readonly], group: "set", "Returns the number of members of the intersect of multiple sets.", .data(sintercard)),
        CommandSpec("smismember", -3, [.readonly, .fast], keys: (1, 1, 1), group: "set", "Determines whether multiple members belong to a set.", .data(smismember)),
        CommandSpec("srandmember", -2, [.readonly], keys: (1, 1, 1), group: "set", "Get one or multiple random members from a set", .data(srandmember)),
        CommandSpec("smove", 4, [.write, .fast], keys: (1, 2, 1), group: "set", "Moves a member from one set to another.", .data(smove)),
    ]

    /// The sets named (nil for a missing key, which counts as empty), or nil after replying
    /// WRONGTYPE: every key is checked before any work, as Redis checks them.
    static func sets(_ ctx: inout CommandContext, _ keys: ArraySlice<[UInt8]>) -> [HashTable<Void>?]? {
        var out: [HashTable<Void>?] = []
        for k in keys {
            switch ctx.readSet(k) {
            case .missing: out.append(nil)
            case .wrongType:
                ctx.reply.error(Errors.wrongType)
                return nil
            case .found(let s): out.append(s)
            }
        }
        return out
    }

    static func compute(_ op: Operation, _ sets: [HashTable<Void>?]) -> HashTable<Void> {
        var result = HashTable<Void>()
        switch op {
        case .inter:
            guard !sets.contains(where: { $0 == nil }) else { return result }
            let all = sets.map { $0! }
            // Walk the smallest, as Redis does.
            guard let smallest = all.indices.min(by: { all[$0].count < all[$1].count }) else { return result }
            all[smallest].forEach { m, _ in
                if all.indices.allSatisfy({ $0 == smallest || all[$0].contains(m) }) { result.insert(m, ()) }
            }
        case .union:
            for s in sets { s?.forEach { m, _ in result.insert(m, ()) } }
        case .diff:
            guard let first = sets.first, let base = first else { return result }
            base.forEach { m, _ in
                if !sets.dropFirst().contains(where: { $0?.contains(m) == true }) { result.insert(m, ()) }
            }
        }
        return result
    }

    static func algebra(_ ctx: inout CommandContext, _ a: [[UInt8]], _ op: Operation, store: Bool) {
        let keys = store ? a[2...] : a[1...]
        guard let sets = sets(&ctx, keys) else { return }
        let result = compute(op, sets)
        guard store else {
            ctx.reply.setHeader(result.count)
            if result.count <= ctx.intsetLimit, let sorted = SetCommands.integersInOrder(result) {
                for n in sorted { ctx.reply.bulk(Array(String(n).utf8)) }
            } else {
                result.forEach { m, _ in ctx.reply.bulk(m.bytes) }
            }
            return
        }
        let event: StaticString = op == .inter ? "sinterstore" : op == .union ? "sunionstore" : "sdiffstore"
        ctx.storeResult(Key(a[1]), result.count > 0 ? .set(result) : nil, event: (.set, event))
        ctx.reply.integer(result.count)
    }

    /// The arguments of SINTERCARD and ZINTERCARD (numkeys key [key ...] [LIMIT limit]): the keys
    /// and the limit (0: none), or nil after replying Redis's error.
    static func intercardArguments(_ ctx: inout CommandContext, _ a: [[UInt8]]) -> (keys: ArraySlice<[UInt8]>, limit: Int)? {
        guard let n = Numbers.int64(a[1]) else { ctx.reply.error(Errors.notInteger); return nil }
        guard n > 0 else { ctx.reply.error("ERR numkeys should be greater than 0"); return nil }
        guard n <= a.count - 2 else { ctx.reply.error("ERR Number of keys can't be greater than number of args"); return nil }
        var limit = 0
        var i = 2 + Int(n)
        while i < a.count {
            guard a[i].lowercasedASCII == "limit", i + 1 < a.count else { ctx.reply.error(Errors.syntax); return nil }
            guard let l = Numbers.int64(a[i + 1]) else { ctx.reply.error(Errors.notInteger); return nil }
            guard l >= 0 else { ctx.reply.error("ERR LIMIT can't be negative"); return nil }
            limit = Int(min(l, Int64(Int.max)))
            i += 2
        }
        return (a[2..<(2 + Int(n))], limit)
    }

    /// SINTERCARD numkeys key [key ...] [LIMIT limit]
    static func sintercard(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let (keys, limit) = intercardArguments(&ctx, a), let sets = sets(&ctx, keys) else { return }
        let count = compute(.inter, sets).count
        ctx.reply.integer(limit > 0 ? min(limit, count) : count)
    }

    static func smismember(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let lookup = ctx.readSet(a[1])
        if case .wrongType = lookup { return ctx.reply.error(Errors.wrongType) }
        ctx.reply.arrayHeader(a.count - 2)
        for m in a.dropFirst(2) {
            if case .found(let s) = lookup, s.contains(Key(m)) { ctx.reply.integer(1) } else { ctx.reply.integer(0) }
        }
    }

    /// SRANDMEMBER key [count]: a positive count gives distinct members, a negative one may repeat.
    static func srandmember(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard a.count <= 3 else { return ctx.reply.error(Errors.syntax) }
        var count: Int64?
        if a.count == 3 {
            guard let n = Numbers.int64(a[2]) else { return ctx.reply.error(Errors.notInteger) }
            guard n > Int64.min / 2 else { return ctx.reply.error("ERR value is out of range") }
            count = n
        }
        var rng = ctx.rng
        switch ctx.readSet(a[1]) {
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .missing: count == nil ? ctx.reply.nullBulk() : ctx.reply.arrayHeader(0)
        case .found(let s):
            guard let count else { return ctx.reply.bulk(s.randomEntry(using: &rng)?.key.bytes) }
            if count < 0 {
                ctx.reply.arrayHeader(Int(-count))
                for _ in 0..<Int(-count) { ctx.reply.bulk(s.randomEntry(using: &rng)!.key.bytes) }
                return
            }
            var members = s.entries.map(\.key)
            if Int64(members.count) > count {
                members.shuffle(using: &rng)
                members = Array(members.prefix(Int(count)))
            }
            ctx.reply.arrayHeader(members.count)
            for m in members { ctx.reply.bulk(m.bytes) }
        }
    }

    static func smove(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let src = Key(a[1]), dst = Key(a[2]), member = Key(a[3])
        // Redis's order: a missing source answers 0 whatever the destination holds.
        let srcSet = ctx.readSet(a[1])
        if case .missing = srcSet { return ctx.reply.integer(0) }
        if case .wrongType = srcSet { return ctx.reply.error(Errors.wrongType) }
        if case .wrongType = ctx.readSet(a[2]) { return ctx.reply.error(Errors.wrongType) }
        guard case .found(let s) = srcSet, s.contains(member) else { return ctx.reply.integer(0) }
        // The same set: nothing moves (Redis answers whether the member is there).
        if src == dst { return ctx.reply.integer(1) }
        _ = ctx.modifySet(src, create: false) { set in set.remove(member) }
        ctx.changed(src)
        ctx.notify(.set, "srem", src)
        let added = ctx.modifySet(dst, create: true) { set in set.insert(member, ()) }
        ctx.changed(dst)
        if case .found(true) = added { ctx.notify(.set, "sadd", dst) }
        ctx.reply.integer(1)
    }
}
