import RESP

enum SetCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("sadd", -3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "set", "Adds one or more members to a set.", .data(sadd)),
        CommandSpec("srem", -3, [.write, .fast], keys: (1, 1, 1), group: "set", "Removes one or more members from a set.", .data(srem)),
        CommandSpec("smembers", 2, [.readonly], keys: (1, 1, 1), group: "set", "Returns all members of a set.", .data(smembers)),
        CommandSpec("sismember", 3, [.readonly, .fast], keys: (1, 1, 1), group: "set", "Determines whether a member belongs to a set.", .data(sismember)),
        CommandSpec("scard", 2, [.readonly, .fast], keys: (1, 1, 1), group: "set", "Returns the number of members in a set.", .data(scard)),
        CommandSpec("spop", -2, [.write, .fast], keys: (1, 1, 1), group: "set", "Returns one or more random members from a set after removing them.", .data(spop)),
    ]

    static func sadd(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let key = Key(a[1])
        let r = ctx.modifySet(key, create: true) { set -> Int in
            var added = 0
            for m in a.dropFirst(2) where set.insert(Key(m), ()) { added += 1 }
            return added
        }
        guard case .found(let added) = r else { return ctx.reply.error(Errors.wrongType) }
        if added > 0 {
            ctx.changed(key)
            ctx.notify(.set, "sadd", key)
        }
        ctx.reply.integer(added)
    }

    static func srem(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let key = Key(a[1])
        let r = ctx.modifySet(key, create: false) { set -> Int in
            var removed = 0
            for m in a.dropFirst(2) where set.remove(Key(m)) != nil { removed += 1 }
            return removed
        }
        ctx.replyChangedCount(key, r, event: (.set, "srem"))
    }

    static func smembers(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        switch ctx.readSet(a[1]) {
        case .missing: ctx.reply.setHeader(0)
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .found(let set):
            ctx.reply.setHeader(set.count)
            // Redis keeps a small set of integers as a sorted intset and lists it in order;
            // clients and tests see that order, so it is kept here too.
            if set.count <= ctx.intsetLimit, let sorted = integersInOrder(set) {
                for n in sorted { ctx.reply.bulk(Array(String(n).utf8)) }
                return
            }
            set.forEach { k, _ in ctx.reply.bulk(k.bytes) }
        }
    }

    /// The members as integers in ascending order, or nil when one is not an integer in its
    /// canonical form (Redis's intset admits only those).
    static func integersInOrder(_ set: HashTable<Void>) -> [Int64]? {
        var numbers: [Int64] = []
        numbers.reserveCapacity(set.count)
        var all = true
        set.forEach { k, _ in
            guard all else { return }
            let bytes = k.bytes
            if bytes.count <= 20, let n = Numbers.int64(bytes), String(n).utf8.elementsEqual(bytes) { numbers.append(n) } else { all = false }
        }
        return all ? numbers.sorted() : nil
    }

    static func sismember(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        ctx.replyInteger(ctx.readSet(a[1])) { set in set.contains(Key(a[2])) ? 1 : 0 }
    }

    static func scard(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        ctx.replyInteger(ctx.readSet(a[1])) { set in set.count }
    }

    /// SPOP key [count]. Replicas get SREM of the chosen members, so they remove the same ones.
    static func spop(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard a.count <= 3 else { return ctx.reply.error(Errors.syntax) }
        var count: Int?
        if a.count == 3 {
            guard let n = Numbers.int64(a[2]), n >= 0 else { return ctx.reply.error("ERR value is out of range, must be positive") }
            count = Int(Swift.min(n, Int64(Int32.max)))
        }
        let key = Key(a[1])
        var rng = ctx.rng
        let r = ctx.modifySet(key, create: false) { set -> [[UInt8]] in
            var out: [[UInt8]] = []
            for _ in 0..<(count ?? 1) {
                guard let (m, _) = set.randomEntry(using: &rng) else { break }
                set.remove(m)
                out.append(m.bytes)
            }
            return out
        }
        switch r {
        case .missing: count == nil ? ctx.reply.nullBulk() : ctx.reply.setHeader(0)
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .found(let popped):
            if !popped.isEmpty {
                ctx.changed(key)
                ctx.notify(.set, "spop", key)
                ctx.propagate(as: [Array("SREM".utf8), a[1]] + popped)
            }
            if count == nil {
                ctx.reply.bulk(popped.first)
            } else {
                ctx.reply.setHeader(popped.count)
                for m in popped { ctx.reply.bulk(m) }
            }
        }
    }
}
