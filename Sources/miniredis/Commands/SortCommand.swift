import RESP

/// SORT and SORT_RO: list, set and sorted-set elements ordered numerically or (ALPHA) by bytes,
/// optionally by weights read through BY pattern (`weight_*`, `hash_*->field`, or a pattern
/// without `*`: no sorting), returning elements or GET pattern lookups (`#` is the element),
/// with LIMIT, and STORE into a list.
enum SortCommand {
    static let specs: [CommandSpec] = [
        CommandSpec("sort", -2, [.write, .denyoom], keys: (1, 1, 1), group: "generic", "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.", .data { ctx, a in sort(&ctx, a, readOnly: false) }),
        CommandSpec("sort_ro", -2, [.readonly], keys: (1, 1, 1), group: "generic", "Returns the sorted elements of a list, a set, or a sorted set.", .data { ctx, a in sort(&ctx, a, readOnly: true) }),
    ]

    /// The value a pattern names for an element: a string key, or a hash field with `->`.
    static func lookup(_ ctx: inout CommandContext, _ pattern: [UInt8], _ element: [UInt8]) -> [UInt8]? {
        if pattern == [UInt8(ascii: "#")] { return element }
        guard let star = pattern.firstIndex(of: UInt8(ascii: "*")) else { return nil }
        // "key_*->field": the arrow is looked for after the star, and needs a field after it.
        var keyPart = pattern[...], field: [UInt8]?
        var j = star + 1
        while j + 2 < pattern.count {
            if pattern[j] == UInt8(ascii: "-") && pattern[j + 1] == UInt8(ascii: ">") {
                keyPart = pattern[..<j]
                field = Array(pattern[(j + 2)...])
                break
            }
            j += 1
        }
        let name = Array(keyPart[..<star]) + element + Array(keyPart[(star + 1)...])
        switch ctx.lookupRead(name) {
        case .string(let s)? where field == nil: return s.bytes
        case .hash(let h)?: return field.flatMap { h[Key($0)] }
        default: return nil
        }
    }

    static func sort(_ ctx: inout CommandContext, _ a: [[UInt8]], readOnly: Bool) {
        var by: [UInt8]?, gets: [[UInt8]] = [], store: [UInt8]?
        var desc = false, alpha = false
        var limit: (Int, Int)?
        var i = 2
        while i < a.count {
            let word = a[i].lowercasedASCII
            let more = a.count - i - 1
            switch word {
            case "asc": desc = false
            case "desc": desc = true
            case "alpha": alpha = true
            case "limit" where more >= 2:
                guard let o = Numbers.int64(a[i + 1]), let n = Numbers.int64(a[i + 2]) else { return ctx.reply.error(Errors.notInteger) }
                limit = (Int(clamping: o), Int(clamping: n))
                i += 2
            case "store" where more >= 1 && !readOnly:
                store = a[i + 1]
                i += 1
            case "by" where more >= 1:
                by = a[i + 1]
                i += 1
            case "get" where more >= 1:
                gets.append(a[i + 1])
                i += 1
            default: return ctx.reply.error(Errors.syntax)
            }
            i += 1
        }
        var elements: [[UInt8]]
        var isSet = false
        switch ctx.lookupRead(a[1]) {
        case nil: elements = []
        case .list(let l)?: elements = l.elements
        case .set(let s)?:
            elements = s.entries.map(\.key.bytes)
            isSet = true
        case .zset(let z)?: elements = z.ordered.map(\.member)
        default: return ctx.reply.error(Errors.wrongType)
        }
        var sortIt = !(by.map { !$0.contains(UInt8(ascii: "*")) } ?? false)
        // A set's order is its hash table's: when the result is stored (and so replicated), it is
        // sorted anyway, as Redis does, so the replica stores the same list.
        if !sortIt && isSet && store != nil { sortIt = true; alpha = true }
        if sortIt {
            var keyed: [(element: [UInt8], weight: [UInt8]?, score: Double)] = []
            keyed.reserveCapacity(elements.count)
            for e in elements {
                let weight = by.map { lookup(&ctx, $0, e) } ?? e
                var score = 0.0
                if !alpha, let w = weight {
                    guard let d = Numbers.double(w) else { return ctx.reply.error("ERR One or more scores can't be converted into double") }
                    score = d
                }
                keyed.append((e, weight, score))
            }
            keyed.sort { x, y in
                var order: Int
                if alpha {
                    let (p, q) = (x.weight ?? [], y.weight ?? [])
                    order = p == q ? 0 : (p.lexicographicallyPrecedes(q) ? -1 : 1)
                } else {
                    order = x.score == y.score ? 0 : (x.score < y.score ? -1 : 1)
                }
                // Ties break on the elements' bytes, so the order is deterministic, as in Redis.
                if order == 0 { order = x.element == y.element ? 0 : (x.element.lexicographicallyPrecedes(y.element) ? -1 : 1) }
                return desc ? order > 0 : order < 0
            }
            elements = keyed.map(\.element)
        } else if desc {
            elements.reverse()
        }
        if let (offset, count) = limit {
            let start = max(0, offset)
            elements = start >= elements.count ? [] : Array(elements[start...].prefix(count < 0 ? elements.count : count))
        }
        let rows: [[UInt8]?] = gets.isEmpty ? elements.map { $0 } : elements.flatMap { e in gets.map { lookup(&ctx, $0, e) } }
        guard let store else {
            ctx.reply.arrayHeader(rows.count)
            for r in rows { ctx.reply.bulk(r) }
            return
        }
        ctx.storeResult(Key(store), rows.isEmpty ? nil : .list(Deque(rows.map { $0 ?? [] })), event: (.list, "sortstore"))
        ctx.reply.integer(rows.count)
    }
}
