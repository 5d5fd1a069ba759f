import RESP

/// LSET, LREM, LTRIM, LINSERT, LPOS, LMOVE, RPOPLPUSH.
enum ListEditCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("lset", 4, [.write, .denyoom], keys: (1, 1, 1), group: "list", "Sets the value of an element in a list by its index.", .data(lset)),
        CommandSpec("lrem", 4, [.write], keys: (1, 1, 1), group: "list", "Removes elements from a list.", .data(lrem)),
        CommandSpec("ltrim", 4, [.write], keys: (1, 1, 1), group: "list", "Removes elements from both ends a list.", .data(ltrim)),
        CommandSpec("linsert", 5, [.write, .denyoom], keys: (1, 1, 1), group: "list", "Inserts an element before or after another element in a list.", .data(linsert)),
        CommandSpec("lpos", -3, [.readonly], keys: (1, 1, 1), group: "list", "Returns the index of matching elements in a list.", .data(lpos)),
        CommandSpec("lmove", 5, [.write, .denyoom], keys: (1, 2, 1), group: "list", "Returns an element after popping it from one list and pushing it to another.", .data(lmove)),
        CommandSpec("rpoplpush", 3, [.write, .denyoom], keys: (1, 2, 1), group: "list", "Returns the last element of a list after removing and pushing it to another list.", .data { ctx, a in
            move(&ctx, a, fromLeft: false, toLeft: true)
        }),
    ]

    static func lset(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let index = Numbers.int64(a[2]) else { return ctx.reply.error(Errors.notInteger) }
        let key = Key(a[1])
        let r = ctx.modifyList(key, create: false) { l -> Bool in
            let i = index < 0 ? Int64(l.count) + index : index
            guard i >= 0, i < Int64(l.count) else { return false }
            l[Int(i)] = a[3]
            return true
        }
        switch r {
        case .missing: ctx.reply.error(Errors.noSuchKey)
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .found(false): ctx.reply.error(Errors.outOfRangeIndex)
        case .found(true):
            ctx.changed(key)
            ctx.notify(.list, "lset", key)
            ctx.reply.ok()
        }
    }

    /// LREM key count element: count > 0 from the head, < 0 from the tail, 0 all.
    static func lrem(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let count = Numbers.int64(a[2]) else { return ctx.reply.error(Errors.notInteger) }
        let key = Key(a[1])
        let r = ctx.modifyList(key, create: false) { l -> Int in
            var elements = l.elements
            var removed = 0
            let limit = count == 0 ? Int.max : Int(min(count.magnitude, UInt64(Int.max)))
            if count >= 0 {
                var kept: [[UInt8]] = []
                for e in elements {
                    if removed < limit && e == a[3] { removed += 1 } else { kept.append(e) }
                }
                elements = kept
            } else {
                var kept: [[UInt8]] = []
                for e in elements.reversed() {
                    if removed < limit && e == a[3] { removed += 1 } else { kept.append(e) }
                }
                elements = kept.reversed()
            }
            if removed > 0 { l = Deque(elements) }
            return removed
        }
        ctx.replyChangedCount(key, r, event: (.list, "lrem"))
    }

    static func ltrim(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let start = Numbers.int64(a[2]), let stop = Numbers.int64(a[3]) else { return ctx.reply.error(Errors.notInteger) }
        let key = Key(a[1])
        let r = ctx.modifyList(key, create: false) { l -> Bool in
            let n = l.count
            guard let range = ListCommands.range(start: start, stop: stop, count: n) else {
                let had = n > 0
                while l.popBack() != nil {}
                return had
            }
            let dropHead = range.lowerBound, dropTail = n - 1 - range.upperBound
            for _ in 0..<dropHead { _ = l.popFront() }
            for _ in 0..<dropTail { _ = l.popBack() }
            return true
        }
        switch r {
        case .missing: ctx.reply.ok()
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .found:
            // Redis counts LTRIM as a change and notifies it even when nothing was cut.
            ctx.changed(key)
            ctx.notify(.list, "ltrim", key)
            ctx.reply.ok()
        }
    }

    static func linsert(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let where_ = a[2].lowercasedASCII
        guard where_ == "before" || where_ == "after" else { return ctx.reply.error(Errors.syntax) }
        let key = Key(a[1])
        let r = ctx.modifyList(key, create: false) { l -> Int in
            var elements = l.elements
            guard let i = elements.firstIndex(of: a[3]) else { return -1 }
            elements.insert(a[4], at: where_ == "before" ? i : i + 1)
            l = Deque(elements)
            return elements.count
        }
        switch r {
        case .missing: ctx.reply.integer(0)
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .found(let n):
            if n > 0 {
                ctx.changed(key)
                ctx.notify(.list, "linsert", key)
            }
            ctx.reply.integer(n)
        }
    }

    /// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
    static func lpos(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        var rank: Int64 = 1, count: Int64?, maxlen: Int64 = 0
        var i = 3
        while i < a.count {
            guard i + 1 < a.count else { return ctx.reply.error(Errors.syntax) }
            guard let n = Numbers.int64(a[i + 1]) else { return ctx.reply.error(Errors.notInteger) }
            switch a[i].lowercasedASCII {
            case "rank":
                guard n != 0, n != Int64.min else {
                    return ctx.reply.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
                }
                rank = n
            case "count":
                guard n >= 0 else { return ctx.reply.error("ERR COUNT can't be negative") }
                count = n
            case "maxlen":
                guard n >= 0 else { return ctx.reply.error("ERR MAXLEN can't be negative") }
                maxlen = n
            default: return ctx.reply.error(Errors.syntax)
            }
            i += 2
        }
        let list: Deque<[UInt8]>
        switch ctx.readList(a[1]) {
        case .wrongType: return ctx.reply.error(Errors.wrongType)
        case .missing: return count == nil ? ctx.reply.nullBulk() : ctx.reply.arrayHeader(0)
        case .found(let l): list = l
        }
        var matches: [Int] = []
        var skip = Int(rank.magnitude) - 1
        let wanted = count.map { $0 == 0 ? Int.max : Int($0) } ?? 1
        let n = list.count
        let scanned = maxlen == 0 ? n : min(n, Int(maxlen))
        for step in 0..<scanned {
            let index = rank > 0 ? step : n - 1 - step
            guard list[index] == a[2] else { continue }
            if skip > 0 { skip -= 1; continue }
            matches.append(index)
            if matches.count >= wanted { break }
        }
        if count == nil { return matches.first.map { ctx.reply.integer($0) } ?? ctx.reply.nullBulk() }
        ctx.reply.arrayHeader(matches.count)
        for m in matches { ctx.reply.integer(m) }
    }

    static func lmove(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let from = a[3].lowercasedASCII, to = a[4].lowercasedASCII
        guard ["left", "right"].contains(from), ["left", "right"].contains(to) else { return ctx.reply.error(Errors.syntax) }
        move(&ctx, a, fromLeft: from == "left", toLeft: to == "left")
    }

    /// Pops from one end of `a[1]` and pushes to one end of `a[2]` (the same list rotates).
    static func move(_ ctx: inout CommandContext, _ a: [[UInt8]], fromLeft: Bool, toLeft: Bool) {
        let src = Key(a[1]), dst = Key(a[2])
        let srcList = ctx.readList(a[1])
        if case .wrongType = srcList { return ctx.reply.error(Errors.wrongType) }
        guard case .found = srcList else { return ctx.reply.nullBulk() }
        if case .wrongType = ctx.readList(a[2]) { return ctx.reply.error(Errors.wrongType) }
        guard case .found(let list) = srcList, list.count > 0 else { return ctx.reply.nullBulk() }
        // Pushed first, then popped: Redis's event order (the push, the pop, then the source's
        // del if it emptied), and a list rotating onto itself comes out right either way.
        let element = fromLeft ? list[0] : list[list.count - 1]
        _ = ctx.modifyList(dst, create: true) { l in toLeft ? l.pushFront(element) : l.pushBack(element) }
        ctx.changed(dst)
        ctx.notify(.list, toLeft ? "lpush" : "rpush", dst)
        _ = ctx.modifyList(src, create: false) { l in fromLeft ? l.popFront() : l.popBack() }
        ctx.changed(src)
        ctx.notify(.list, fromLeft ? "lpop" : "rpop", src)
        ctx.reply.bulk(element)
    }
}
