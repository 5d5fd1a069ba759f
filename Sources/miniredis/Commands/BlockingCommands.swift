import RESP

/// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BZPOPMIN, BZPOPMAX: served at once when a key has data,
/// otherwise the client blocks until a write gives one of its keys data or the timeout passes
/// (Server/BlockedKeys.swift). Inside MULTI they never block (nil when there is nothing), as in
/// Redis.
enum BlockingCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("blpop", -3, [.write, .noscript], keys: (1, -2, 1), group: "list", "Removes and returns the first element in a list. Blocks until an element is available otherwise.", .server { ctx, s, c, a in
            pop(&ctx, s, c, a, left: true)
        }),
        CommandSpec("brpop", -3, [.write, .noscript], keys: (1, -2, 1), group: "list", "Removes and returns the last element in a list. Blocks until an element is available otherwise.", .server { ctx, s, c, a in
            pop(&ctx, s, c, a, left: false)
        }),
        CommandSpec("blmove", 6, [.write, .denyoom, .noscript], keys: (1, 2, 1), group: "list", "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise.", .server(blmove)),
        CommandSpec("brpoplpush", 4, [.write, .denyoom, .noscript], keys: (1, 2, 1), group: "list", "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise.", .server { ctx, s, c, a in
            move(&ctx, s, c, [Array("LMOVE".utf8), a[1], a[2], Array("RIGHT".utf8), Array("LEFT".utf8)], fromLeft: false, toLeft: true, timeout: a[3])
        }),
        CommandSpec("bzpopmin", -3, [.write, .noscript, .fast], keys: (1, -2, 1), group: "sorted-set", "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise.", .server { ctx, s, c, a in
            zpop(&ctx, s, c, a, min: true)
        }),
        CommandSpec("bzpopmax", -3, [.write, .noscript, .fast], keys: (1, -2, 1), group: "sorted-set", "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member is available otherwise.", .server { ctx, s, c, a in
            zpop(&ctx, s, c, a, min: false)
        }),
    ]

    /// The deadline for a timeout in seconds (fractions allowed; 0: forever), or nil after
    /// replying Redis's error.
    static func deadline(_ ctx: inout CommandContext, _ s: Server, _ text: [UInt8]) -> Int64?? {
        guard let seconds = Numbers.double(text), !seconds.isNaN else {
            ctx.reply.error("ERR timeout is not a float or out of range")
            return nil
        }
        guard seconds >= 0 else {
            ctx.reply.error("ERR timeout is negative")
            return nil
        }
        guard seconds.isFinite, seconds * 1000 < 9.2e15 else {
            ctx.reply.error("ERR timeout is out of range")
            return nil
        }
        let ms = Int64((seconds * 1000).rounded(.up))
        return .some(ms == 0 ? nil : s.nowMs + ms)
    }

    static func popList(_ ctx: inout CommandContext, _ key: [UInt8], left: Bool) {
        let k = Key(key)
        let r = ctx.modifyList(k, create: false) { l in left ? l.popFront() : l.popBack() }
        guard case .found(let v?) = r else { return ctx.reply.nullArray() }
        ctx.changed(k)
        ctx.notify(.list, left ? "lpop" : "rpop", k)
        ctx.reply.arrayHeader(2)
        ctx.reply.bulk(key)
        ctx.reply.bulk(v)
    }

    static func popZSet(_ ctx: inout CommandContext, _ key: [UInt8], min: Bool) {
        let k = Key(key)
        let r = ctx.modifyZSet(k, create: false) { z in min ? z.popMin(1) : z.popMax(1) }
        guard case .found(let popped) = r, let e = popped.first else { return ctx.reply.nullArray() }
        ctx.changed(k)
        ctx.notify(.zset, min ? "zpopmin" : "zpopmax", k)
        ctx.propagate(as: [Array("ZREM".utf8), key, e.member])
        ctx.reply.arrayHeader(3)
        ctx.reply.bulk(key)
        ctx.reply.bulk(e.member)
        ctx.reply.double(e.score)
    }

    static func pop(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]], left: Bool) {
        guard let deadline = deadline(&ctx, s, a[a.count - 1]) else { return }
        let keys = Array(a[1..<(a.count - 1)])
        for k in keys {
            switch ctx.readList(k) {
            case .wrongType: return ctx.reply.error(Errors.wrongType)
            case .found(let l) where l.count > 0:
                ctx.propagate(as: [Array((left ? "LPOP" : "RPOP").utf8), k])
                return popList(&ctx, k, left: left)
            default: continue
            }
        }
        if c.inExec { return ctx.reply.nullArray() }
        s.blockOnKeys(c, KeyBlock(kind: .listPop(left: left), keys: keys), deadlineMs: deadline)
    }

    static func blmove(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let from = a[3].lowercasedASCII, to = a[4].lowercasedASCII
        guard ["left", "right"].contains(from), ["left", "right"].contains(to) else { return ctx.reply.error(Errors.syntax) }
        move(&ctx, s, c, Array(a[0...4]), fromLeft: from == "left", toLeft: to == "left", timeout: a[5])
    }

    static func move(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ lmove: [[UInt8]], fromLeft: Bool, toLeft: Bool, timeout: [UInt8]) {
        guard let deadline = deadline(&ctx, s, timeout) else { return }
        switch ctx.readList(lmove[1]) {
        case .wrongType: return ctx.reply.error(Errors.wrongType)
        case .found(let l) where l.count > 0:
            ctx.propagate(as: [Array("LMOVE".utf8)] + lmove.dropFirst())
            return ListEditCommands.move(&ctx, lmove, fromLeft: fromLeft, toLeft: toLeft)
        default: break
        }
        if c.inExec { return ctx.reply.nullBulk() }
        s.blockOnKeys(c, KeyBlock(kind: .listMove(fromLeft: fromLeft, toLeft: toLeft, destination: lmove[2]), keys: [lmove[1]]), deadlineMs: deadline)
    }

    static func zpop(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]], min: Bool) {
        guard let deadline = deadline(&ctx, s, a[a.count - 1]) else { return }
        let keys = Array(a[1..<(a.count - 1)])
        for k in keys {
            switch ctx.readZSet(k) {
            case .wrongType: return ctx.reply.error(Errors.wrongType)
            case .found(let z) where z.count > 0: return popZSet(&ctx, k, min: min)
            default: continue
            }
        }
        if c.inExec { return ctx.reply.nullArray() }
        s.blockOnKeys(c, KeyBlock(kind: .zsetPop(min: min), keys: keys), deadlineMs: deadline)
    }
}
