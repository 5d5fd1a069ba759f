import RESP
import ServerKit

/// Error texts shared by many commands, exactly as Redis words them.
enum Errors {
    static let wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"
    static let notInteger = "ERR value is not an integer or out of range"
    static let notFloat = "ERR value is not a valid float"
    static let syntax = "ERR syntax error"
    static let overflow = "ERR increment or decrement would overflow"
    static let noAuth = "NOAUTH Authentication required."
    static let readOnly = "READONLY You can't write against a read only replica."
    static let noReplicas = "NOREPLICAS Not enough good replicas to write."
    static let masterDown = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."
    static let outOfRangeIndex = "ERR index out of range"
    static let noSuchKey = "ERR no such key"
    static let loading = "LOADING Redis is loading the dataset in memory"

    static func arity(_ name: String) -> String { "ERR wrong number of arguments for '\(name)' command" }

    /// Redis's text for DEBUG refused by enable-debug-command.
    static let debugNotAllowed = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server."

    /// `command` is the name the client used (a renamed command's help is under its new name,
    /// as redis-server says "Try XCONFIG HELP.").
    static func unknownSubcommand(_ sub: [UInt8], _ command: String) -> String {
        "ERR unknown subcommand '\(String(decoding: sub.prefix(128), as: UTF8.self))'. Try \(command.uppercased()) HELP."
    }
}

extension Server {
    /// Runs one command for a client: checks (arity, auth, context, replica rules), queues it in
    /// a transaction, or calls its handler and propagates what it changed.
    func execute(_ c: Client, _ args: [[UInt8]]) {
        stats.totalCommands += 1
        guard let spec = commands.lookup(args[0]) else {
            c.multiFailed = c.multiQueue != nil
            let text = RedisCompat.unknownCommand(args)
            countError(ErrorStats.pack(text), 1)
            c.reply.error(bytes: text)
            c.scheduleWrite()
            return
        }
        c.lastCommandName = spec.name
        guard spec.arityOK(args.count) else {
            c.multiFailed = c.multiQueue != nil
            c.reply.error(Errors.arity(spec.name))
            countRejection(spec, "ERR")
            c.scheduleWrite()
            return
        }
        // Before authentication, as Redis checks CMD_PROTECTED right after the arity.
        if spec.flags.contains(.protected) && !config.enableDebugCommand.allows(localClient: c.isLocal) {
            c.multiFailed = c.multiQueue != nil
            c.reply.error(Errors.debugNotAllowed)
            countRejection(spec, Errors.debugNotAllowed)
            c.scheduleWrite()
            return
        }
        if !c.authenticated && !spec.flags.contains(.noAuth) {
            c.multiFailed = c.multiQueue != nil
            c.reply.error(Errors.noAuth)
            countRejection(spec, Errors.noAuth)
            c.scheduleWrite()
            return
        }
        if !aclUsers.everyoneMayRun && refusedByACL(c, spec, args) { return }
        if c.resp == 2 && c.subscriptionCount > 0, let refusal = PubSub.contextRefusal(command: spec.name, arguments: args, protocolVersion: 2, subscribed: true) {
            c.reply.error(refusal)
            countRejection(spec, refusal)
            c.scheduleWrite()
            return
        }
        // (The AOF's replaying client, which counts as our master, runs everything.)
        if persistence.loading && !spec.flags.contains(.loading) && c.kind != .master {
            c.multiFailed = c.multiQueue != nil
            c.reply.error(Errors.loading)
            countRejection(spec, Errors.loading)
            c.scheduleWrite()
            return
        }
        // Over maxmemory, keys are evicted before any command runs; a command that may grow
        // memory (and an EXEC of one) is refused when nothing can be evicted. Our master's
        // stream is never refused: a replica leaves eviction to its master.
        if config.maxmemory > 0 && c.kind != .master && performEvictions() == .failed && deniedOnOOM(spec, c) {
            c.multiFailed = c.multiQueue != nil
            c.reply.error(Server.oomError)
            countRejection(spec, Server.oomError)
            c.scheduleWrite()
            return
        }
        if c.multiQueue != nil && !["exec", "discard", "multi", "watch", "quit", "reset"].contains(spec.name) {
            if let refusal = refusal(for: spec, client: c) {
                c.multiFailed = true
                c.reply.error(refusal)
                countRejection(spec, refusal)
            } else {
                c.multiQueue!.append(args)
                c.reply.simple("QUEUED")
            }
            c.scheduleWrite()
            return
        }
        if postponeIfPaused(c, spec, args) { return }
        if let refusal = refusal(for: spec, client: c) {
            c.reply.error(refusal)
            countRejection(spec, refusal)
            c.scheduleWrite()
            return
        }
        timedCall(spec, c, args)
        flushPropagation()
        if !readyKeys.isEmpty { serveBlockedClients() }
        c.lastWriteOffset = replication.masterReplOffset
        c.scheduleWrite()
    }

    /// Whether `spec` is refused when memory is over maxmemory and nothing can be evicted.
    func deniedOnOOM(_ spec: CommandSpec, _ c: Client) -> Bool {
        if spec.flags.contains(.denyoom) { return true }
        guard spec.name == "exec", let queued = c.multiQueue else { return false }
        return queued.contains { commands.lookup($0[0])?.flags.contains(.denyoom) == true }
    }

    /// Why a command may not run now for this client, or nil.
    func refusal(for spec: CommandSpec, client c: Client) -> String? {
        let isWrite = spec.flags.contains(.write)
        // As redis-server, before the replica checks and for PING too: a node that cannot save
        // answers its monitors' PINGs with MISCONF, so a sentinel sees it SDOWN (07-down-conditions).
        if (isWrite || spec.name == "ping") && persistence.refusesWrites && c.kind != .master {
            return "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error."
        }
        if isWrite && !replication.isMaster && config.replicaReadOnly && c.kind != .master {
            return Errors.readOnly
        }
        if !replication.isMaster && !config.replicaServeStaleData && !replication.linkUp && !spec.flags.contains(.stale) && c.kind != .master {
            return Errors.masterDown
        }
        if isWrite && replication.isMaster && config.minReplicasToWrite > 0 && replication.goodReplicaCount() < config.minReplicasToWrite {
            return Errors.noReplicas
        }
        if isWrite && c.kind != .master && isFenced {
            return Server.fencedError
        }
        return nil
    }

    /// Queues a command for replicas and the AOF. Commands queued while one top-level command
    /// runs leave together, wrapped in MULTI/EXEC when there are several, so replicas apply
    /// them atomically as Redis 7 does.
    func propagate(dbIndex: Int, _ args: [[UInt8]]) {
        if persistence.loading { return }
        pendingPropagation.append((dbIndex, args))
    }

    func flushPropagation() {
        guard !pendingPropagation.isEmpty else { return }
        if pendingPropagation.count == 1 {
            // The common case takes its one element out and clears the buffer it still owns
            // alone: copying the array first made the clear allocate a new buffer per write.
            let (dbIndex, args) = pendingPropagation[0]
            pendingPropagation.removeAll(keepingCapacity: true)
            replication.feed(dbIndex: dbIndex, args)
            persistence.feedAOF(dbIndex: dbIndex, args)
            return
        }
        let batch = pendingPropagation
        pendingPropagation.removeAll(keepingCapacity: true)
        let db = batch[0].0
        replication.feed(dbIndex: db, [Array("MULTI".utf8)])
        persistence.feedAOF(dbIndex: db, [Array("MULTI".utf8)])
        for (d, a) in batch {
            replication.feed(dbIndex: d, a)
            persistence.feedAOF(dbIndex: d, a)
        }
        replication.feed(dbIndex: db, [Array("EXEC".utf8)])
        persistence.feedAOF(dbIndex: db, [Array("EXEC".utf8)])
    }

    // MARK: WATCH

    func touchWatched(_ db: Database, _ key: Key) {
        guard let watching = db.watchers[key] else { return }
        for w in watching { w.watchDirty = true }
    }

    func touchAllWatched(_ db: Database) {
        for watching in db.watchers.values {
            for w in watching { w.watchDirty = true }
        }
    }

    func unwatchAll(_ c: Client) {
        for (dbIndex, key) in c.watchedKeys {
            let db = databases[dbIndex]
            db.watchers[key]?.removeAll { $0 === c }
            if db.watchers[key]?.isEmpty == true { db.watchers[key] = nil }
        }
        c.watchedKeys = []
        c.watchDirty = false
    }

    // MARK: Blocking (WAIT)

    func unblockTimedOut(now: Int64) {
        for c in Array(clients.values) where c.blocked != nil {
            if c.blocked?.keys != nil { timeOutKeyBlocked(c, now: now) } else { replication.checkWait(c, now: now) }
        }
    }

    /// Resumes a client that was blocked: its reply is written and its buffered input runs.
    func unblock(_ c: Client) {
        c.blocked = nil
        c.scheduleWrite()
        if c.input.hasUnread || c.input.parser.isMidCommand { processInput(c) }
    }
}
