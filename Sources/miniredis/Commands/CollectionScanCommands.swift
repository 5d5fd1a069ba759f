import RESP

/// SSCAN, HSCAN, ZSCAN. A value Redis would keep compact (intset or listpack, by the same
/// thresholds as OBJECT ENCODING) is returned whole in one call with cursor 0, as Redis returns
/// it; a larger one is walked with the hash table's reverse-binary cursor, as SCAN is.
enum CollectionScanCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("sscan", -3, [.readonly], keys: (1, 1, 1), group: "set", "Iterates over members of a set.", .server(sscan)),
        CommandSpec("hscan", -3, [.readonly], keys: (1, 1, 1), group: "hash", "Iterates over fields and values of a hash.", .server(hscan)),
        CommandSpec("zscan", -3, [.readonly], keys: (1, 1, 1), group: "sorted-set", "Iterates over members and scores of a sorted set.", .server(zscan)),
    ]

    static func start(_ ctx: inout CommandContext, _ a: [[UInt8]]) -> (UInt64, ScanOptions)? {
        guard let cursor = UInt64(a[2].utf8Text) else {
            ctx.reply.error("ERR invalid cursor")
            return nil
        }
        guard let opts = ScanOptions.parse(a, from: 3, allowType: false, reply: &ctx.reply) else { return nil }
        return (cursor, opts)
    }

    static func reply(_ ctx: inout CommandContext, cursor: UInt64, _ items: [[UInt8]]) {
        ctx.reply.arrayHeader(2)
        ctx.reply.bulk(String(cursor))
        ctx.reply.arrayHeader(items.count)
        for i in items { ctx.reply.bulk(i) }
    }

    static func sscan(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard let (cursor, opts) = start(&ctx, a) else { return }
        let set: HashTable<Void>
        switch ctx.readSet(a[1]) {
        case .wrongType: return ctx.reply.error(Errors.wrongType)
        case .missing: return reply(&ctx, cursor: 0, [])
        case .found(let v): set = v
        }
        func keep(_ m: [UInt8]) -> Bool { opts.pattern.map { Glob.match($0, m) } ?? true }
        let encoding = ObjectCommand.encoding(.set(set), s.config)
        if encoding != "hashtable" {
            let members = encoding == "intset" ? SetCommands.integersInOrder(set)!.map { Array(String($0).utf8) } : set.entries.map(\.key.bytes)
            return reply(&ctx, cursor: 0, members.filter(keep))
        }
        var out: [[UInt8]] = []
        let next = set.scan(cursor: cursor, count: opts.count) { m, _ in if keep(m.bytes) { out.append(m.bytes) } }
        reply(&ctx, cursor: next, out)
    }

    static func hscan(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard let (cursor, opts) = start(&ctx, a) else { return }
        let hash: HashTable<[UInt8]>
        switch ctx.readHash(a[1]) {
        case .wrongType: return ctx.reply.error(Errors.wrongType)
        case .missing: return reply(&ctx, cursor: 0, [])
        case .found(let v): hash = v
        }
        var out: [[UInt8]] = []
        func add(_ k: Key, _ v: [UInt8]) {
            if let p = opts.pattern, !Glob.match(p, k.bytes) { return }
            out.append(k.bytes)
            out.append(v)
        }
        if ObjectCommand.encoding(.hash(hash), s.config) == "listpack" {
            hash.forEach(add)
            return reply(&ctx, cursor: 0, out)
        }
        let next = hash.scan(cursor: cursor, count: opts.count, add)
        reply(&ctx, cursor: next, out)
    }

    static func zscan(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard let (cursor, opts) = start(&ctx, a) else { return }
        let z: SortedSet
        switch ctx.readZSet(a[1]) {
        case .wrongType: return ctx.reply.error(Errors.wrongType)
        case .missing: return reply(&ctx, cursor: 0, [])
        case .found(let v): z = v
        }
        var out: [[UInt8]] = []
        func add(_ member: [UInt8], _ score: Double) {
            if let p = opts.pattern, !Glob.match(p, member) { return }
            out.append(member)
            out.append(Array(RESPWriter.formatDouble(score).utf8))
        }
        if ObjectCommand.encoding(.zset(z), s.config) == "listpack" {
            // A listpack holds members in score order.
            for e in z.ordered { add(e.member, e.score) }
            return reply(&ctx, cursor: 0, out)
        }
        let next = z.scores.scan(cursor: cursor, count: opts.count) { m, score in add(m.bytes, score) }
        reply(&ctx, cursor: next, out)
    }
}
