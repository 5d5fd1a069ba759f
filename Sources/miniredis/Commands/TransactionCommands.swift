
enum TransactionCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("multi", 1, [.noscript, .loading, .stale, .fast, .allowBusy], group: "transactions", "Starts a transaction.", multi),
        CommandSpec("exec", 1, [.noscript, .loading, .stale], group: "transactions", "Executes all commands in a transaction.", exec),
        CommandSpec("discard", 1, [.noscript, .loading, .stale, .fast, .allowBusy], group: "transactions", "Discards a transaction.", discard),
        CommandSpec("watch", -2, [.noscript, .loading, .stale, .fast, .allowBusy], keys: (1, -1, 1), group: "transactions", "Monitors changes to keys to determine the execution of a transaction.", watch),
        CommandSpec("unwatch", 1, [.noscript, .loading, .stale, .fast, .allowBusy], group: "transactions", "Forgets about watched keys of a transaction.", unwatch),
    ]

    static func multi(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard c.multiQueue == nil else { return c.reply.error("ERR MULTI calls can not be nested") }
        c.multiQueue = []
        c.multiFailed = false
        c.reply.ok()
    }

    static func exec(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard let queue = c.multiQueue else { return c.reply.error("ERR EXEC without MULTI") }
        c.multiQueue = nil
        defer { s.unwatchAll(c) }
        if c.multiFailed {
            c.multiFailed = false
            return c.reply.error("EXECABORT Transaction discarded because of previous errors.")
        }
        if c.watchDirty { return c.reply.nullArray() }
        // A transaction is one instant: fencing is decided once, so a lease running out midway
        // cannot apply (and propagate) half of it.
        s.fenceDecision = s.isFenced
        c.inExec = true
        defer {
            s.fenceDecision = nil
            c.inExec = false
        }
        c.reply.arrayHeader(queue.count)
        for args in queue {
            // Rules that depend on the server's state are checked again at EXEC time.
            guard let spec = s.commands.lookup(args[0]) else { continue }
            if let refusal = s.refusal(for: spec, client: c) {
                c.reply.error(refusal)
                continue
            }
            s.call(spec, c, args)
        }
    }

    static func discard(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard c.multiQueue != nil else { return c.reply.error("ERR DISCARD without MULTI") }
        c.multiQueue = nil
        c.multiFailed = false
        s.unwatchAll(c)
        c.reply.ok()
    }

    static func watch(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard c.multiQueue == nil else { return c.reply.error("ERR WATCH inside MULTI is not allowed") }
        for k in a.dropFirst() {
            let key = Key(k)
            if c.watchedKeys.contains(where: { $0.db == c.dbIndex && $0.key == key }) { continue }
            c.watchedKeys.append((c.dbIndex, key))
            c.db.watchers[key, default: []].append(c)
        }
        c.reply.ok()
    }

    static func unwatch(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        s.unwatchAll(c)
        c.reply.ok()
    }
}
