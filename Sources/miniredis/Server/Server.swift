import ACL
import Glibc
import RESP
import Runtime
import ServerKit

/// The data node: owns the event loop, the listeners, every client and the keyspace. Everything
/// runs on the loop's thread, as in Redis: commands execute to completion, in order, with no
/// locks around data.
final class Server {
    var config: ServerConfig
    let configFile: String?
    let loop: EventLoop
    let log: Logger
    var databases: [Database]
    var clients: [Int64: Client] = [:]
    var pendingWrites: [Client] = []
    var listeners: [Listener] = []
    /// OpenSSL contexts: the TLS port's, and the one of links we open (tls-replication).
    var tlsServer: TLSContext?
    var tlsClient: TLSContext?
    var nextClientID: Int64 = 1
    /// The command table with the config's rename-command lines applied.
    let commands: CommandTable
    let runID: String
    let startedAtMs: Int64
    var shuttingDown = false
    var exitCode: Int32 = 0

    /// Writes since the last successful save (Redis's `dirty`).
    var dirty: Int64 = 0
    var lastSaveUnix: Int64
    var lastSaveOK = true
    var lastBgsaveStatus = "ok"
    var stats = Stats()
    let evictor = Evictor()
    /// Host names (a replicaof by name) resolved off the loop.
    let resolver = HostResolver()
    /// Clients blocked on keys, by key, oldest first; keys written since that may serve them.
    var keyWaiters: [WaitKey: [Client]] = [:]
    /// Clients in MONITOR mode.
    var monitors: [Client] = []
    var readyKeys: [WaitKey] = []
    var slowLog = SlowLog()
    /// Per command, by CommandSpec.id (INFO commandstats), and per error code (errorstats).
    var commandStats: [CommandStat] = []
    var errorStats: [String: Int64] = [:]
    /// Settings read per command, cached from `config` (reading through the whole struct per
    /// command retained and released its every array and string).
    var timesCommands = true
    var activeKeyspaceEvents: KeyspaceEvents = []
    var latency = LatencyMonitor()
    /// set-max-intset-entries, parsed once (commands read it per call).
    var intsetLimit = 512
    /// An eviction pass ran out of time with memory still over maxmemory: the cron goes on.
    var evictionRunning = false
    /// The most memory counted since start (INFO's used_memory_peak).
    var usedMemoryPeak = 0
    var pubsub = PubSubRegistry<Client>()
    /// The ACL's users (requirepass sets the `default` one's password) and its log.
    var aclUsers = ACLUsers(catalog: Server.aclCatalog)
    var aclLog = ACLLog(extendedFields: false)
    var newConnectionsAuthenticated: Bool { aclUsers.newConnectionsAuthenticated }
    var replication: Replication!
    let fencing = Fencing()
    var pause = ClientPause()
    /// Set while EXEC runs: the fencing state decided at its start (Fencing.swift).
    var fenceDecision: Bool?
    var signalWatcher: SignalWatcher?
    var persistence: Persistence!
    /// Commands to send to replicas and the AOF once the running command returns.
    var pendingPropagation: [(Int, [[UInt8]])] = []

    /// Commands read while a client's pending replies exceed this stop being read until it
    /// catches up (see Client.readPaused).
    static let readPauseBytes = 64 * 1024 * 1024
    /// Bytes read from a socket per readable event, as Redis's PROTO_IOBUF_LEN.
    static let readChunk = 16 * 1024
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: Server.readChunk, alignment: 16)

    struct Stats {
        var totalConnections: Int64 = 0
        var totalCommands: Int64 = 0
        var rejectedConnections: Int64 = 0
        var expiredKeys: Int64 = 0
        var keyspaceHits: Int64 = 0
        var keyspaceMisses: Int64 = 0
        var netInputBytes: Int64 = 0
        var netOutputBytes: Int64 = 0
        var pubsubChannelsPublished: Int64 = 0
        var syncFull: Int64 = 0
        var syncPartialOK: Int64 = 0
        var syncPartialErr: Int64 = 0
        var evictedKeys: Int64 = 0
        var totalErrorReplies: Int64 = 0
    }

    init(config: ServerConfig, configFile: String?, log: Logger) throws(SystemError) {
        self.config = config
        self.configFile = configFile
        self.log = log
        do {
            commands = try CommandTable.standard(renamed: config.renamedCommands)
        } catch {
            // ServerConfig.apply checked every rename-command line as it read it: a config
            // that gets here unchecked is a programming error, and running with the command a
            // rename was meant to hide still reachable is not an option.
            preconditionFailure("rename-command: \(error.reason)")
        }
        self.loop = try EventLoop()
        self.databases = (0..<config.databases).map { Database(id: $0) }
        self.runID = Server.randomHex(40)
        self.intsetLimit = config.setMaxIntsetEntries
        self.timesCommands = Server.timesCommands(config)
        self.activeKeyspaceEvents = config.notifyKeyspaceEvents.active
        self.startedAtMs = EventLoop.monotonicMs()
        self.lastSaveUnix = EventLoop.wallClockMs() / 1000
        self.replication = Replication(server: self)
        self.persistence = Persistence(server: self)
    }

    deinit { scratch.deallocate() }

    static func randomHex(_ count: Int) -> String {
        var g = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0..<count).map { _ in digits[Int(g.next() % 16)] })
    }

    var nowMs: Int64 { EventLoop.monotonicMs() }
    var unixMs: Int64 { EventLoop.wallClockMs() }

    // MARK: Start-up

    func start() throws(SystemError) {
        try setUpTLS()
        try listen()
        loop.beforeSleep = { [unowned self] in self.beforeSleep() }
        let cronMs = Int64(Swift.max(1, 1000 / config.hz))
        loop.addTimer(afterMs: cronMs, repeatMs: cronMs) { [unowned self] in self.cron() }
    }

    /// Opens the listeners of the `bind` list on `port` (start-up and CONFIG SET port/bind).
    /// Port 0 opens no TCP listener (then only the Unix socket serves), as in Redis.
    func listen() throws(SystemError) {
        var fds: [(Int32, String?)] = []
        if config.port > 0 {
            fds = try Socket.listenAll(bind: config.bind, port: config.port, backlog: Int32(config.tcpBacklog)).map { ($0, nil) }
        }
        if config.tls.port > 0 {
            do {
                fds += try Socket.listenAll(bind: config.bind, port: config.tls.port, backlog: Int32(config.tcpBacklog)).map { ($0, Self.tlsListenerTag) }
            } catch {
                for (fd, _) in fds { close(fd) }
                throw error
            }
        }
        if !config.unixsocket.isEmpty {
            do {
                fds.append((try Socket.listenUnix(path: config.unixsocket, permissions: config.unixsocketperm, backlog: Int32(config.tcpBacklog)), config.unixsocket))
            } catch {
                for (fd, _) in fds { close(fd) }
                throw error
            }
        }
        guard !fds.isEmpty else { throw SystemError("Configured to not listen anywhere, exiting.", code: EINVAL) }
        for (fd, path) in fds {
            let tls = path == Self.tlsListenerTag
            let l = Listener(fd: fd, server: self, unixPath: tls ? nil : path, tls: tls)
            do { try loop.register(fd, l) } catch { close(fd); throw error }
            listeners.append(l)
        }
    }

    // MARK: Connections

    var acceptPolicy: AcceptPolicy {
        AcceptPolicy(maxClients: config.maxclients, protectedMode: config.protectedMode,
                     passwordSet: !aclUsers.defaultNopass, keepAliveSeconds: Int32(config.tcpKeepalive))
    }

    func accept(on listenerFD: Int32, unixPath: String?, tls: Bool = false) {
        Acceptor.acceptPending(on: listenerFD, policy: acceptPolicy, unixPath: unixPath, connected: { clients.count }, refused: { refusal in
            stats.totalConnections += 1
            if refusal == .maxClients { stats.rejectedConnections += 1 }
        }, adopt: { fd, address, port in
            stats.totalConnections += 1
            var session: TLSConnection?
            if tls, let context = tlsServer {
                do { session = try TLSConnection(context: context, fd: fd) } catch {
                    log.warning("Error accepting a client connection: \(error)")
                    close(fd)
                    return
                }
            }
            let c = Client(id: nextClientID, fd: fd, server: self, address: address, port: port, nowMs: nowMs, tls: session)
            nextClientID += 1
            do {
                try loop.register(fd, c)
            } catch {
                close(fd)
                return
            }
            clients[c.id] = c
        })
    }

    func closeClient(_ c: Client) {
        guard !c.closed else { return }
        c.closed = true
        loop.unregister(c.fd)
        close(c.fd)
        clients[c.id] = nil
        unwatchAll(c)
        removeKeyWaiter(c)
        if c.isMonitor { monitors.removeAll { $0 === c } }
        pubsub.removeAll(c, &c.session.subscriptions)
        replication.clientClosed(c)
    }

    // MARK: Reading and executing

    func readFromClient(_ c: Client) {
        switch c.input.read(from: c.fd, scratch: scratch, tls: c.tls) {
        case .bytes(let n):
            stats.netInputBytes += Int64(n)
            c.lastInteractionMs = nowMs
            if c.kind == .master {
                replication.masterStreamRead(c)
                return
            }
            processInput(c)
        case .wouldBlock:
            return
        case .closed, .failed:
                if let tls = c.tls, let failure = tls.failure {
                    log.warning(tls.established ? "Error reading from client \(c.address):\(c.port): \(failure)"
                                : "Error accepting a client connection: \(failure) (addr=\(c.address):\(c.port))")
                }
                closeClient(c)
        }
    }

    /// Runs every whole command in the client's input, then drops the consumed bytes.
    func processInput(_ c: Client) {
        while !c.closed && !c.closeAfterReply && c.blocked == nil && c.postponed == nil && !c.readPaused {
            let complete: Bool
            do {
                complete = try c.input.nextInPlace()
            } catch {
                replyProtocolError(c, error)
                break
            }
            guard complete else { break }
            if c.input.parser.args.isEmpty { continue }
            execute(c, c.input.parser.args)
            c.input.parser.recycle()
            if c.pendingOutput > Server.readPauseBytes && c.kind == .normal {
                c.readPaused = true
                loop.setInterest(c.fd, read: false, write: loop.isWatchingWrite(c.fd))
            }
        }
        c.input.compact()
        if Int64(c.input.bufferedBytes) > config.clientQueryBufferLimit {
            log.warning("Closing client that reached max query buffer length: \(c.infoLine(nowMs: nowMs)) (qbuf initial bytes: \"\(String(decoding: c.input.query.prefix(64), as: UTF8.self))\")")
            closeClient(c)
        }
    }

    private func replyProtocolError(_ c: Client, _ error: RESPError) {
        log.verbose("Protocol error (\(error.message)) from client: \(c.infoLine(nowMs: nowMs))")
        c.reply.error("ERR \(error.message)")
        c.closeAfterReply = true
        c.scheduleWrite()
    }

    // MARK: Writing

    func beforeSleep() {
        replication.beforeSleep()
        persistence.beforeSleep()
        guard !pendingWrites.isEmpty else { return }
        let batch = pendingWrites
        pendingWrites.removeAll(keepingCapacity: true)
        for c in batch {
            c.inPendingWrites = false
            if !c.closed { writeToClient(c) }
        }
    }

    func writeToClient(_ c: Client) {
        // A reply never leaves before the writes it acknowledges are in the AOF (on disk with
        // appendfsync always). beforeSleep flushes the AOF before writing replies, but a
        // writable event can come in the same epoll batch as the client's readable one (its
        // output was blocked and it has just read some): the reply to a command executed a
        // moment ago then went out before the AOF write, and a kill -9 before beforeSleep lost
        // an acknowledged write (CrashSafetyTests). Redis orders these with AE_BARRIER; a flush
        // here is the same guarantee, and a no-op when nothing is buffered.
        persistence.aof.flush()
        var written = 0
        let result = c.reply.flush(to: c.fd, sentPos: &c.sentPos, written: &written, tls: c.tls)
        stats.netOutputBytes += Int64(written)
        switch result {
        case .drained: break
        case .wouldBlock:
            loop.setInterest(c.fd, read: !c.readPaused, write: true)
            return
        case .failed:
            closeClient(c)
            return
        }
        c.softLimitSinceMs = nil
        if c.replica?.payloadBytes ?? 0 > 0 { c.replica?.payloadBytes = 0 }
        if c.closeAfterReply {
            closeClient(c)
            return
        }
        if c.readPaused {
            c.readPaused = false
            loop.setInterest(c.fd, read: true, write: false)
            if c.input.hasUnread { processInput(c) }
        } else {
            loop.setInterest(c.fd, read: true, write: false)
        }
    }

    /// Applies client-output-buffer-limit for replicas and pub/sub clients: over the hard limit,
    /// or over the soft limit for longer than its seconds, the client is closed (Redis's rule).
    /// Returns false when the client was closed.
    @discardableResult
    func checkOutputLimits(_ c: Client) -> Bool {
        let l: (hard: Int64, soft: Int64, seconds: Int)
        switch c.kind {
        case .replica: l = config.outputLimits.replica
        case .master: return true
        case .normal: l = c.subscriptionCount > 0 ? config.outputLimits.pubsub : config.outputLimits.normal
        }
        let limits = OutputLimit(hard: l.hard, soft: l.soft, softSeconds: l.seconds)
        let used = Int64(c.pendingOutput - (c.replica?.payloadBytes ?? 0))
        let over = limits.isExceeded(used: used, softSinceMs: &c.softLimitSinceMs, nowMs: nowMs)
        if over {
            log.warning("Client \(c.infoLine(nowMs: nowMs)) scheduled to be closed ASAP for overcoming of output buffer limits.")
            closeClient(c)
            return false
        }
        return true
    }

    // MARK: Periodic work

    private var cronTicks = 0

    func cron() {
        cronTicks += 1
        let now = nowMs
        persistence.checkChild()
        tickKeyAccess()
        if evictionRunning { performEvictions() }
        usedMemoryPeak = max(usedMemoryPeak, ServerInfo.usedMemory())
        activeExpire(budgetKeys: 200)
        // Expiry's DELs leave now, not with some client's next command (and not inside its MULTI).
        flushPropagation()
        // Once a second: idle clients, save rules, replication housekeeping.
        if cronTicks % config.hz == 0 {
            if config.timeout > 0 {
                let limit = Int64(config.timeout) * 1000
                for c in Array(clients.values) where c.kind == .normal && c.subscriptionCount == 0 && c.blocked == nil && now - c.lastInteractionMs > limit {
                    log.verbose("Closing idle client")
                    closeClient(c)
                }
            }
            persistence.cronSecond()
        }
        replication.cron()
        unblockTimedOut(now: now)
        checkPauseEnd(now: now)
    }

    /// Deletes keys whose time has come, a bounded number per tick so a mass expiry cannot stall
    /// the loop (the rest wait for the next tick or are expired lazily on access).
    func activeExpire(budgetKeys: Int) {
        // Paused or fenced, the dataset stays still: no DEL is propagated (a fenced master's
        // stream may be a branch that a failover is about to discard).
        guard replication.isMaster, !writesPaused, !isFenced else { return }
        let now = unixMs
        var budget = budgetKeys
        for db in databases where db.expires.count > 0 {
            while budget > 0, let key = db.popDueExpiry(nowMs: now) {
                budget -= 1
                expireKey(db, key)
            }
        }
    }

    /// Removes an expired key and tells replicas and the AOF with a DEL, as Redis does.
    func expireKey(_ db: Database, _ key: Key) {
        guard db.delete(key) else { return }
        stats.expiredKeys += 1
        touchWatched(db, key)
        notifyKeyspace(.expired, "expired", db: db.id, key)
        propagate(dbIndex: db.id, [Array("DEL".utf8), key.bytes])
    }

    // MARK: Shutdown

    /// SHUTDOWN and SIGTERM: save if there are save points (or asked), then stop the loop.
    /// Returns an error text when the save failed (the server keeps running, as Redis does).
    func prepareShutdown(save: Bool?) -> String? {
        log.warning("User requested shutdown...")
        // Never while loading: the dataset is partial, and saving it would replace the file
        // being loaded (Redis skips the save then too).
        let shouldSave = !persistence.loading && (save ?? !config.save.isEmpty)
        if shouldSave {
            log.notice("Saving the final RDB snapshot before exiting.")
            if let err = persistence.saveSync() {
                log.warning("Error trying to save the DB, can't exit.")
                return err
            }
        }
        persistence.shutdown()
        if !config.pidfile.isEmpty { unlink(config.pidfile) }
        if !config.unixsocket.isEmpty {
            log.notice("Removing the unix socket file.")
            unlink(config.unixsocket)
        }
        log.warning("Redis is now ready to exit, bye bye...")
        shuttingDown = true
        for c in Array(clients.values) { writeToClient(c); closeClient(c) }
        loop.stop()
        // Asked while the dataset is loading (a SHUTDOWN or a signal served mid-load): the load
        // would otherwise run to its end first.
        if persistence.loading { exit(0) }
        return nil
    }
}

/// A listening socket: each readable event accepts pending connections.
final class Listener: EventHandler {
    let fd: Int32
    unowned let server: Server
    /// The Unix socket's path, for its listener (nil: TCP).
    let unixPath: String?
    /// The tls-port's listener: its clients speak TLS.
    let tls: Bool
    init(fd: Int32, server: Server, unixPath: String? = nil, tls: Bool = false) {
        self.fd = fd
        self.server = server
        self.unixPath = unixPath
        self.tls = tls
    }
    func readable() { server.accept(on: fd, unixPath: unixPath, tls: tls) }
    func writable() {}
}
