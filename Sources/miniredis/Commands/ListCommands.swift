import RESP

enum ListCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("lpush", -3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "list", "Prepends one or more elements to a list.", .data { ctx, a in push(&ctx, a, front: true, onlyExisting: false) }),
        CommandSpec("rpush", -3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "list", "Appends one or more elements to a list.", .data { ctx, a in push(&ctx, a, front: false, onlyExisting: false) }),
        CommandSpec("lpushx", -3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "list", "Prepends one or more elements to a list only when the list exists.", .data { ctx, a in push(&ctx, a, front: true, onlyExisting: true) }),
        CommandSpec("rpushx", -3, [.write, .denyoom, .fast], keys: (1, 1, 1), group: "list", "Appends an element to a list only when the list exists.", .data { ctx, a in push(&ctx, a, front: false, onlyExisting: true) }),
        CommandSpec("lpop", -2, [.write, .fast], keys: (1, 1, 1), group: "list", "Returns the first elements in a list after removing it.", .data { ctx, a in pop(&ctx, a, front: true) }),
        CommandSpec("rpop", -2, [.write, .fast], keys: (1, 1, 1), group: "list", "Returns and removes the last elements of a list.", .data { ctx, a in pop(&ctx, a, front: false) }),
        CommandSpec("llen", 2, [.readonly, .fast], keys: (1, 1, 1), group: "list", "Returns the length of a list.", .data(llen)),
        CommandSpec("lrange", 4, [.readonly], keys: (1, 1, 1), group: "list", "Returns a range of elements from a list.", .data(lrange)),
        CommandSpec("lindex", 3, [.readonly], keys: (1, 1, 1), group: "list", "Returns an element from a list by its index.", .data(lindex)),
    ]

    static func push(_ ctx: inout CommandContext, _ a: [[UInt8]], front: Bool, onlyExisting: Bool) {
        let key = Key(a[1])
        let r = ctx.modifyList(key, create: !onlyExisting) { l -> Int in
            for v in a.dropFirst(2) {
                if front { l.pushFront(v) } else { l.pushBack(v) }
            }
            return l.count
        }
        switch r {
        case .missing: ctx.reply.integer(0)
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .found(let n):
            ctx.changed(key)
            ctx.notify(.list, front ? "lpush" : "rpush", key)
            ctx.reply.integer(n)
        }
    }

    static func pop(_ ctx: inout CommandContext, _ a: [[UInt8]], front: Bool) {
        guard a.count <= 3 else { return ctx.reply.error(Errors.arity(front ? "lpop" : "rpop")) }
        var count: Int?
        if a.count == 3 {
            guard let n = Numbers.int64(a[2]), n >= 0 else {
                return ctx.reply.error("ERR value is out of range, must be positive")
            }
            count = Int(Swift.min(n, Int64(Int32.max)))
        }
        let key = Key(a[1])
        let r = ctx.modifyList(key, create: false) { l -> [[UInt8]] in
            var out: [[UInt8]] = []
            for _ in 0..<(count ?? 1) {
                guard let v = front ? l.popFront() : l.popBack() else { break }
                out.append(v)
            }
            return out
        }
        switch r {
        case .missing: count == nil ? ctx.reply.nullBulk() : ctx.reply.nullArray()
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .found(let values):
            if !values.isEmpty {
                ctx.changed(key)
                ctx.notify(.list, front ? "lpop" : "rpop", key)
            }
            if count == nil {
                ctx.reply.bulk(values.first)
            } else {
                ctx.reply.arrayHeader(values.count)
                for v in values { ctx.reply.bulk(v) }
            }
        }
    }

    static func llen(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        ctx.replyInteger(ctx.readList(a[1])) { $0.count }
    }

    /// Redis's index normalisation for ranges: negatives count from the end, clamped.
    static func range(start: Int64, stop: Int64, count: Int) -> ClosedRange<Int>? {
        let n = Int64(count)
        var s = start < 0 ? n + start : start
        var e = stop < 0 ? n + stop : stop
        if s < 0 { s = 0 }
        if s > e || s >= n { return nil }
        if e >= n { e = n - 1 }
        return Int(s)...Int(e)
    }

    static func lrange(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let start = Numbers.int64(a[2]), let stop = Numbers.int64(a[3]) else { return ctx.reply.error(Errors.notInteger) }
        switch ctx.readList(a[1]) {
        case .missing: ctx.reply.arrayHeader(0)
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .found(let l):
            guard let r = range(start: start, stop: stop, count: l.count) else { return ctx.reply.arrayHeader(0) }
            ctx.reply.arrayHeader(r.count)
            for i in r { ctx.reply.bulk(l[i]) }
        }
    }

    static func lindex(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard let index = Numbers.int64(a[2]) else { return ctx.reply.error(Errors.notInteger) }
        switch ctx.readList(a[1]) {
        case .missing: ctx.reply.nullBulk()
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .found(let l):
            let i = index < 0 ? Int64(l.count) + index : index
            guard i >= 0 && i < Int64(l.count) else { return ctx.reply.nullBulk() }
            ctx.reply.bulk(l[Int(i)])
        }
    }
}
