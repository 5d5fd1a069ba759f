import RESP

/// HRANDFIELD and ZRANDMEMBER, with SRANDMEMBER's count rule: a positive count gives distinct
/// entries (at most all), a negative one |count| entries that may repeat.
enum RandomMemberCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("hrandfield", -2, [.readonly], keys: (1, 1, 1), group: "hash", "Returns one or more random fields from a hash.", .data(hrandfield)),
        CommandSpec("zrandmember", -2, [.readonly], keys: (1, 1, 1), group: "sorted-set", "Returns one or more random members from a sorted set.", .data(zrandmember)),
    ]

    /// The count and WITH* flag, or nil after replying an error.
    static func options(_ ctx: inout CommandContext, _ a: [[UInt8]], with word: String) -> (count: Int64?, with: Bool)? {
        guard a.count <= 4 else {
            ctx.reply.error(Errors.syntax)
            return nil
        }
        guard a.count >= 3 else { return (nil, false) }
        guard let n = Numbers.int64(a[2]) else {
            ctx.reply.error(Errors.notInteger)
            return nil
        }
        var with = false
        if a.count == 4 {
            guard a[3].lowercasedASCII == word else {
                ctx.reply.error(Errors.syntax)
                return nil
            }
            with = true
        }
        // Redis refuses counts whose doubled size would overflow with WITH*.
        guard n >= -(Int64(1) << 62), !(with && n < -(Int64(Int32.max))) else {
            ctx.reply.error("ERR value is out of range")
            return nil
        }
        return (n, with)
    }

    /// Indexes into `size` entries per the count rule.
    static func pick<G: RandomNumberGenerator>(_ count: Int64, size: Int, using rng: inout G) -> [Int] {
        if count < 0 { return (0..<Int(min(-count, 1 << 30))).map { _ in Int.random(in: 0..<size, using: &rng) } }
        var all = Array(0..<size)
        if Int64(size) <= count { return all }
        all.shuffle(using: &rng)
        return Array(all.prefix(Int(count)))
    }

    static func hrandfield(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let (count, with) = options(&ctx, a, with: "withvalues") else { return }
        var rng = ctx.rng
        switch ctx.readHash(a[1]) {
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .missing: count == nil ? ctx.reply.nullBulk() : ctx.reply.arrayHeader(0)
        case .found(let h):
            let entries = h.entries
            guard let count else { return ctx.reply.bulk(entries.randomElement(using: &rng)!.key.bytes) }
            let chosen = pick(count, size: entries.count, using: &rng).map { entries[$0] }
            if with && ctx.reply.protocolVersion >= 3 {
                ctx.reply.arrayHeader(chosen.count)
                for e in chosen { ctx.reply.arrayHeader(2); ctx.reply.bulk(e.key.bytes); ctx.reply.bulk(e.value) }
            } else {
                ctx.reply.arrayHeader(with ? chosen.count * 2 : chosen.count)
                for e in chosen {
                    ctx.reply.bulk(e.key.bytes)
                    if with { ctx.reply.bulk(e.value) }
                }
            }
        }
    }

    static func zrandmember(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let (count, with) = options(&ctx, a, with: "withscores") else { return }
        var rng = ctx.rng
        switch ctx.readZSet(a[1]) {
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .missing: count == nil ? ctx.reply.nullBulk() : ctx.reply.arrayHeader(0)
        case .found(let z):
            guard let count else { return ctx.reply.bulk(z.ordered.randomElement(using: &rng)!.member) }
            let chosen = pick(count, size: z.count, using: &rng).map { z.ordered[$0] }
            SortedSetCommands.writeScored(&ctx, chosen, withScores: with)
        }
    }
}
