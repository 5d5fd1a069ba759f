
enum TransactionCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("multi", 1, [.noscript, .loading, .stale, .fast, .allowBusy], group: "transactions", "Starts a transaction.", .server(multi)),
        CommandSpec("exec", 1, [.noscript, .loading, .stale, .skipSlowlog], group: "transactions", "Executes all commands in a transaction.", .server(exec)),
        CommandSpec("discard", 1, [.noscript, .loading, .stale, .fast, .allowBusy], group: "transactions", "Discards a transaction.", .server(discard)),
        CommandSpec("watch", -2, [.noscript, .loading, .stale, .fast, .allowBusy], keys: (1, -1, 1), group: "transactions", "Monitors changes to keys to determine the execution of a transaction.", .server(watch)),
        CommandSpec("unwatch", 1, [.noscript, .loading, .stale, .fast, .allowBusy], group: "transactions", "Forgets about watched keys of a transaction.", .server(unwatch)),
    ]

    static func multi(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard c.multiQueue == nil else { return ctx.reply.error("ERR MULTI calls can not be nested") }
        c.multiQueue = []
        c.multiFailed = false
        ctx.reply.ok()
    }

    static func exec(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard let queue = c.multiQueue else { return ctx.reply.error("ERR EXEC without MULTI") }
        c.multiQueue = nil
        defer { s.unwatchAll(c) }
        if c.multiFailed {
            c.multiFailed = false
            return ctx.reply.error("EXECABORT Transaction discarded because of previous errors.")
        }
        if c.watchDirty { return ctx.reply.nullArray() }
        // A transaction is one instant: fencing is decided once, so a lease running out midway
        // cannot apply (and propagate) half of it.
        s.fenceDecision = s.isFenced
        c.inExec = true
        defer {
            s.fenceDecision = nil
            c.inExec = false
        }
        ctx.reply.arrayHeader(queue.count)
        for args in queue {
            // Rules that depend on the server's state are checked again at EXEC time.
            guard let spec = s.commands.lookup(args[0]) else { continue }
            // So is the ACL (a user may have lost a permission since the command was queued).
            if let refusal = s.refusal(for: spec, client: c) ?? s.aclRefusalAtExec(c, spec, args) {
                ctx.reply.error(refusal)
                continue
            }
            s.timedCall(spec, c, args)
        }
    }

    static func discard(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard c.multiQueue != nil else { return ctx.reply.error("ERR DISCARD without MULTI") }
        c.multiQueue = nil
        c.multiFailed = false
        s.unwatchAll(c)
        ctx.reply.ok()
    }

    static func watch(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard c.multiQueue == nil else { return ctx.reply.error("ERR WATCH inside MULTI is not allowed") }
        for k in a.dropFirst() {
            let key = Key(k)
            if c.watchedKeys.contains(where: { $0.db == c.dbIndex && $0.key == key }) { continue }
            c.watchedKeys.append((c.dbIndex, key))
            c.db.watchers[key, default: []].append(c)
        }
        ctx.reply.ok()
    }

    static func unwatch(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        s.unwatchAll(c)
        ctx.reply.ok()
    }
}
