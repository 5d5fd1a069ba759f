import ACL
import Glibc
import SentinelCore
import RESP
import Runtime
import ServerKit

/// The shell around the `Sentinel` state machine: it owns the event loop, the sockets, the
/// timers, the config file and the scripts; it feeds every event to the machine and performs
/// the actions that come back, strictly in order. No protocol decision is taken here.
final class SentinelServer {
    let loop: EventLoop
    /// Host names of instances, resolved off the loop.
    let resolver = HostResolver()
    let log: Logger
    var store: ConfigStore
    var machine: Sentinel
    var shell: ShellConfig { store.shell }
    var links: [LinkID: InstanceLink] = [:]
    var clients: [UInt64: SentinelClient] = [:]
    var pubsub = PubSubRegistry<SentinelClient>()
    /// The ACL's users (requirepass sets the `default` one's password) and its log.
    var aclUsers = ACLUsers(catalog: SentinelServer.aclCatalog, wording: .redis72)
    var aclLog = ACLLog(extendedFields: true)
    /// OpenSSL contexts: tls-port's, and tls-replication's for the links this sentinel opens.
    var tlsServer: TLSContext?
    var tlsClient: TLSContext?
    var newConnectionsAuthenticated: Bool { aclUsers.newConnectionsAuthenticated }
    var nextClientID: UInt64 = 1
    var listeners: [SentinelListener] = []
    let runID: String
    let startedMs = EventLoop.monotonicMs()
    var totalConnections: Int64 = 0
    var totalCommands: Int64 = 0
    lazy var scripts = ScriptRunner(server: self)
    var metrics: MetricsEndpoint?
    /// The HTTP side (metrics, web view, event stream) when `metrics-port` / `http-port` is set.
    var http: HTTPServer?
    var signalWatcher: SignalWatcher?
    /// One read buffer for every socket: reads happen one at a time on the loop's thread, and
    /// a fresh zeroed 16 KB array per read was a tenth of the sentinel's instructions.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16384, alignment: 16)
    /// Events wait here while the actions of an earlier one are performed, so the machine is
    /// never re-entered.
    private var queue: [SentinelEvent] = []
    private var processing = false
    /// The command each client is running, for the ones the machine leaves to the shell.
    private var pendingArgs: [UInt64: [[UInt8]]] = [:]
    /// Group commit: once an event's actions include a persist, they and the actions of every
    /// later event are held until the loop is about to sleep, then performed in order with one
    /// rewrite of the file (`flushHeld`). The machine may take further events meanwhile: its link
    /// ids carry an incarnation, so nothing it hears from a link whose close is held is mistaken
    /// for the new link's; clients whose reply is held read no further command (`awaitingDurable`)
    /// so their replies stay in order.
    private var held = CoalescedActions()
    private var heldClients: [SentinelClient] = []

    init(store: ConfigStore, config: SentinelConfig, log: Logger) throws(SystemError) {
        self.store = store
        self.log = log
        self.loop = try EventLoop()
        var seed = SystemRandomNumberGenerator()
        self.machine = Sentinel(config: config, seed: seed.next(), now: EventLoop.monotonicMs())
        self.runID = String((0..<40).map { _ in Array("0123456789abcdef")[Int(seed.next() % 16)] })
    }

    // MARK: Start-up

    deinit { readBuffer.deallocate() }

    func start() throws(SystemError) {
        // redis-sentinel's first lines, which log scrapers and Redis's test suite look for.
        log.warning("oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo")
        log.warning("Redis version=\(RedisCompat.version), bits=64, commit=00000000, modified=0, pid=\(getpid()), just started")
        log.warning("Configuration loaded")
        (tlsServer, tlsClient) = try shell.tls.contexts()
        // `port 0` with a tls-port: TLS only, as redis-sentinel allows.
        var fds: [(Int32, Bool)] = []
        if shell.port > 0 || shell.tls.port == 0 { fds += try Socket.listenAll(bind: shell.bind, port: shell.port).map { ($0, false) } }
        if shell.tls.port > 0 {
            do { fds += try Socket.listenAll(bind: shell.bind, port: shell.tls.port).map { ($0, true) } } catch {
                for (fd, _) in fds { close(fd) }
                throw error
            }
        }
        for (fd, tls) in fds {
            let l = SentinelListener(fd: fd, server: self, tls: tls)
            do { try loop.register(fd, l) } catch { close(fd); throw error }
            listeners.append(l)
        }
        if shell.metricsPort > 0 {
            metrics = MetricsEndpoint(server: self)
            http = try HTTPServer(server: self, port: shell.metricsPort, host: shell.bind.first.map { $0.hasPrefix("-") ? String($0.dropFirst()) : $0 } ?? "127.0.0.1")
            log.notice("HTTP on port \(shell.metricsPort): GET /metrics (Prometheus), / (web view), /api/state, /events")
        }
        signalWatcher = try SignalWatcher(loop: loop) { [unowned self] sig in
            self.log.warning("Received \(sig == SIGINT ? "SIGINT" : "SIGTERM") scheduling shutdown...")
            self.shutdown()
        }
        // Redis randomises its timer frequency so sentinels started together do not act in
        // lockstep (and split votes); 80-120 ms here.
        var g = SystemRandomNumberGenerator()
        let period = Int64(80 + g.next() % 41)
        loop.addTimer(afterMs: period, repeatMs: period) { [unowned self] in
            self.deliver(.tick(wallClockMs: EventLoop.wallClockMs()))
            self.scripts.poll()
        }
        log.notice("Running mode=sentinel, port=\(shell.port > 0 ? shell.port : shell.tls.port).")
        // As redis-sentinel: the state (its new id first of all) is on disk before it starts.
        if shell.configPath != nil || shell.stateFile != nil {
            if let error = store.persist(machine.snapshot()) {
                log.warning("Can't save the sentinel configuration: \(error)")
            } else {
                log.notice("Sentinel new configuration saved on disk")
            }
        }
        log.warning("Sentinel ID is \(machine.id)")
        for m in machine.snapshot().masters {
            log.warning("+monitor master \(m.name) \(m.address.host) \(m.address.port) quorum \(m.quorum)")
        }
        deliver(.tick(wallClockMs: EventLoop.wallClockMs()))
    }

    func run() {
        loop.beforeSleep = { [unowned self] in self.flushHeld() }
        loop.run()
    }

    func shutdown() {
        log.warning("User requested shutdown...")
        _ = store.persist(machine.snapshot())
        if !shell.pidfile.isEmpty { unlink(shell.pidfile) }
        for c in Array(clients.values) { c.flush() }
        log.warning("Sentinel is now ready to exit, bye bye...")
        loop.stop()
    }

    // MARK: The machine

    func deliver(_ event: SentinelEvent) {
        queue.append(event)
        drain()
    }

    private func drain() {
        guard !processing else { return }
        processing = true
        while !queue.isEmpty {
            let e = queue.removeFirst()
            let batch = machine.handle(e, now: EventLoop.monotonicMs())
            if held.isEmpty && !batch.contains(where: \.isPersist) {
                perform(batch)
            } else {
                hold(batch)
            }
        }
        processing = false
    }

    /// Appends a batch to what is held, its persist folded into the held one (each persist
    /// carries a snapshot of every master, and a loop iteration can hold thousands of events: a
    /// thousand hellos after start-up).
    private func hold(_ batch: [SentinelAction]) {
        for action in batch {
            switch action {
            case .reply(let cid, _), .notHandled(let cid):
                if let c = clients[cid.rawValue], !c.awaitingDurable {
                    c.awaitingDurable = true
                    heldClients.append(c)
                }
            default: break
            }
            held.append(action)
        }
    }

    /// Performs what was held, with its one persist (the last state at the first one's place:
    /// each later snapshot holds everything an earlier one does, so the reasoning of
    /// `coalescingPersists` holds across events as within one), then lets the held clients read on.
    func flushHeld() {
        while !held.isEmpty {
            let actions = held.actions
            held = CoalescedActions()
            processing = true
            perform(actions)
            processing = false
            drain()  // events the actions raised (a connect that failed at once)
            let resumed = heldClients
            heldClients = []
            for c in resumed where !c.closed {
                c.awaitingDurable = false
                c.processInput()
            }
        }
    }

    static let persistFailedError = "ERR Failed to save config file. Check server logs."

    /// Performs actions in order. A batch with persists comes here only through `hold`, which
    /// leaves one.
    private func perform(_ actions: [SentinelAction]) {
        for (index, action) in actions.enumerated() {
            switch action {
            case .connect(let id):
                links[id]?.close()
                do {
                    links[id] = try InstanceLink(id: id, server: self)
                } catch {
                    links[id] = nil
                    queue.append(.connectFailed(id, reason: error.description))
                }
            case .close(let id):
                links.removeValue(forKey: id)?.close()
            case .send(let id, let args):
                links[id]?.send(args)
            case .publish(let notice):
                if notice.kind == .switchMaster, let master = notice.master { metrics?.recordSwitch(master: master) }
                http?.published(channel: notice.channel, message: notice.message)
                publish(channel: notice.channel, message: notice.message)
            case .log(let level, let text):
                log.log(level, text)
            case .persist(let config):
                // SENTINEL CONFIG SET loglevel changes the machine's level and persists; the
                // shell's lines follow it from here on.
                log.level = config.logLevel
                if let error = store.persist(config) {
                    // The contract: nothing that follows a failed persist may happen (a vote
                    // must never be answered before it is durable). Clients waiting for a reply
                    // in this batch get redis-sentinel's error instead, which grants nothing.
                    log.warning("WARNING: Sentinel was not able to save the new configuration on disk!!!: \(error)")
                    for later in actions[(index + 1)...] {
                        switch later {
                        case .reply(let cid, _), .notHandled(let cid):
                            pendingArgs[cid.rawValue] = nil
                            clients[cid.rawValue]?.reply.error(Self.persistFailedError)
                        default: continue
                        }
                    }
                    return
                }
            case .runScript(let job):
                scripts.run(job)
            case .reply(let cid, let value):
                guard let c = clients[cid.rawValue] else { continue }
                pendingArgs[cid.rawValue] = nil
                c.reply.value(value)
            case .notHandled(let cid):
                guard let c = clients[cid.rawValue], let args = pendingArgs.removeValue(forKey: cid.rawValue) else { continue }
                ShellCommands.execute(self, c, args)
            case .candidateRejected, .candidateSelected:
                break
            case .exit(let code):
                log.warning("Exiting with code \(code) (SENTINEL SIMULATE-FAILURE)")
                exit(code)
            }
        }
    }

    // MARK: Links and clients

    func linkEnded(_ link: InstanceLink) {
        if links[link.id] === link { links[link.id] = nil }
    }

    /// redis-sentinel applies tcp-keepalive's default, 300 s, to its clients too.
    static let tcpKeepAliveSeconds: Int32 = 300

    func accept(_ listenerFD: Int32, tls: Bool) {
        let policy = AcceptPolicy(maxClients: shell.maxclients, protectedMode: shell.protectedMode,
                                  passwordSet: !aclUsers.defaultNopass, keepAliveSeconds: Self.tcpKeepAliveSeconds)
        Acceptor.acceptPending(on: listenerFD, policy: policy, connected: { clients.count }, refused: { _ in
            totalConnections += 1
        }, adopt: { fd, address, port in
            totalConnections += 1
            var session: TLSConnection?
            if tls, let context = tlsServer {
                do { session = try TLSConnection(context: context, fd: fd) } catch {
                    log.warning("Error accepting a client connection: \(error)")
                    close(fd)
                    return
                }
            }
            let c = SentinelClient(id: ClientID(nextClientID), fd: fd, server: self, address: address, port: port, tls: session)
            nextClientID += 1
            do { try loop.register(fd, c) } catch { close(fd); return }
            clients[c.id.rawValue] = c
        })
    }

    func closeClient(_ c: SentinelClient) {
        guard !c.closed else { return }
        c.closed = true
        loop.unregister(c.fd)
        close(c.fd)
        clients[c.id.rawValue] = nil
        pendingArgs[c.id.rawValue] = nil
        pubsub.removeAll(c, &c.session.subscriptions)
    }

    /// One command from a client: authentication is checked here; then the machine answers, or
    /// hands it back (`.notHandled`) for the shell's own commands.
    func execute(_ c: SentinelClient, _ args: [[UInt8]]) {
        totalCommands += 1
        let name = args[0].lowercasedASCII
        c.lastCommand = name
        if let error = ShellCommands.precheck(args) {
            c.reply.error(bytes: error)
            return
        }
        if !c.session.authenticated && !["auth", "hello", "quit"].contains(name) {
            c.reply.error("NOAUTH Authentication required.")
            return
        }
        if !aclUsers.everyoneMayRun && refusedByACL(c, name, args) { return }
        if let refusal = PubSub.contextRefusal(command: name, arguments: args, protocolVersion: c.reply.protocolVersion, subscribed: c.subscriptionCount > 0) {
            c.reply.error(refusal)
            return
        }
        if name == "sentinel", let error = ScriptPathCheck.setRefusal(args.map(\.utf8Text), config: { machine.snapshot() }) {
            c.reply.error(error)
            return
        }
        pendingArgs[c.id.rawValue] = args
        deliver(.clientCommand(c.id, args: args))
    }

    /// The machine's events to their subscribers, in subscription order, each flushed at once.
    func publish(channel: String, message: String) {
        // A copy: a subscriber that cannot take its message is closed, and leaves the registry.
        let registry = pubsub
        _ = PubSubRegistry.publish(registry, channel: Array(channel.utf8), message: Array(message.utf8)) { sub, frame in
            frame(&sub.reply)
            sub.flush()
        }
    }
}

final class SentinelListener: EventHandler {
    let fd: Int32
    unowned let server: SentinelServer
    /// The tls-port's listener.
    let tls: Bool
    init(fd: Int32, server: SentinelServer, tls: Bool) {
        self.fd = fd
        self.server = server
        self.tls = tls
    }
    func readable() { server.accept(fd, tls: tls) }
    func writable() {}
}
