import RESP

enum SetCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("sadd", -3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "set", "Adds one or more members to a set.", sadd),
        CommandSpec("srem", -3, [.write, .fast], keys: (1, 1, 1), group: "set", "Removes one or more members from a set.", srem),
        CommandSpec("smembers", 2, [.readonly], keys: (1, 1, 1), group: "set", "Returns all members of a set.", smembers),
        CommandSpec("sismember", 3, [.readonly, .fast], keys: (1, 1, 1), group: "set", "Determines whether a member belongs to a set.", sismember),
        CommandSpec("scard", 2, [.readonly, .fast], keys: (1, 1, 1), group: "set", "Returns the number of members in a set.", scard),
        CommandSpec("spop", -2, [.write, .fast], keys: (1, 1, 1), group: "set", "Returns one or more random members from a set after removing them.", spop),
    ]

    static func sadd(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let key = Key(a[1])
        let r = s.modifySet(c, key, create: true) { set -> Int in
            var added = 0
            for m in a.dropFirst(2) where set.insert(Key(m), ()) { added += 1 }
            return added
        }
        guard case .found(let added) = r else { return c.reply.error(Errors.wrongType) }
        if added > 0 { s.keyChanged(c, key) }
        c.reply.integer(added)
    }

    static func srem(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let key = Key(a[1])
        let r = s.modifySet(c, key, create: false) { set -> Int in
            var removed = 0
            for m in a.dropFirst(2) where set.remove(Key(m)) != nil { removed += 1 }
            return removed
        }
        s.replyChangedCount(c, key, r)
    }

    static func smembers(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        switch s.readSet(c, a[1]) {
        case .missing: c.reply.setHeader(0)
        case .wrongType: c.reply.error(Errors.wrongType)
        case .found(let set):
            c.reply.setHeader(set.count)
            set.forEach { k, _ in c.reply.bulk(k.bytes) }
        }
    }

    static func sismember(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        s.replyInteger(c, s.readSet(c, a[1])) { set in set.contains(Key(a[2])) ? 1 : 0 }
    }

    static func scard(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        s.replyInteger(c, s.readSet(c, a[1])) { set in set.count }
    }

    /// SPOP key [count]. Replicas get SREM of the chosen members, so they remove the same ones.
    static func spop(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard a.count <= 3 else { return c.reply.error(Errors.syntax) }
        var count: Int?
        if a.count == 3 {
            guard let n = Numbers.int64(a[2]), n >= 0 else { return c.reply.error("ERR value is out of range, must be positive") }
            count = Int(Swift.min(n, Int64(Int32.max)))
        }
        let key = Key(a[1])
        var rng = s.rng
        let r = s.modifySet(c, key, create: false) { set -> [[UInt8]] in
            var out: [[UInt8]] = []
            for _ in 0..<(count ?? 1) {
                guard let (m, _) = set.randomEntry(using: &rng) else { break }
                set.remove(m)
                out.append(m.bytes)
            }
            return out
        }
        switch r {
        case .missing: count == nil ? c.reply.nullBulk() : c.reply.setHeader(0)
        case .wrongType: c.reply.error(Errors.wrongType)
        case .found(let popped):
            if !popped.isEmpty {
                s.keyChanged(c, key)
                s.propagateOverride = [[Array("SREM".utf8), a[1]] + popped]
            }
            if count == nil {
                c.reply.bulk(popped.first)
            } else {
                c.reply.setHeader(popped.count)
                for m in popped { c.reply.bulk(m) }
            }
        }
    }
}
