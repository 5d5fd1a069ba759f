import RESP
import Config
/// Redis Sentinel as a pure, deterministic state machine.
///
/// Every input is an event passed to `handle(_:now:)` with the current monotonic time; every effect
/// is an action in the returned array, to be performed in order by the shell (see `SentinelAction`
/// for the persist-before-reply contract). Nothing in here reads a clock, touches a socket or draws
/// unseeded randomness: the same seed, config and events give the same actions, which is what the
/// simulation tests rely on.
///
/// Contracts for the shell:
/// - call `handle(.tick(wallClockMs:), now:)` about every 100 ms;
/// - answer every `.connect` with `.linkConnected` or `.connectFailed`; report `.linkLost` once for a
///   connection that dies; after `.close` nothing more about that LinkID is expected (late events
///   for it are ignored anyway);
/// - feed every value read on a link as `.reply`, in order.
public struct Sentinel: Sendable {
    var myID: String
    var currentEpoch: UInt64
    var port: Int
    var announceIP: String?
    var announcePort: Int?
    var denyScriptsReconfig: Bool
    var resolveHostnames: Bool
    var announceHostnames: Bool
    var sentinelUser: String?
    var sentinelPass: String?
    var logLevel: LogLevel
    var masters: [MasterState] = []
    /// Name and link lookup into `masters`; rebuilt by `reindex()` whenever the arrays change shape.
    var index = InstanceIndex()
    var timers = SentinelTimers()
    var random: SplitMix64

    // TILT
    var previousTickWallMs: Int64?
    var tiltSinceMs: MonotonicMs?
    var tiltSinceWallMs: Int64 = 0

    var simulateFailure = SimulateFailure()
    var scripts = ScriptQueue()
    var nextLinkIncarnation: UInt64 = 1
    /// Set by SIMULATE-FAILURE: the machine asked the shell to exit and ignores further events.
    var crashed = false
    var lastDuplicateIDWarningMs: MonotonicMs?
    /// Numbers every INFO sent, so a reply can be told apart from the answer to an INFO sent
    /// before some instant (a pause, the end of a fence wait): replies come in order, and an INFO
    /// asked earlier can be answered later.
    var infoSeq: UInt64 = 0
    /// The parse of hellos we sent, by payload (see rememberOwnHello); only looked up, never
    /// iterated.
    var ownHellos: [String: Hello] = [:]
    /// A peer sentinel's last PING and valid PONG on any of its connections, by run id (see
    /// adoptPeerLiveness); only looked up, never iterated.
    var peerLiveness: [String: PeerLiveness] = [:]
    /// When this machine started (write fencing's rule 1 is in memory only).
    let startedAtMs: MonotonicMs

    /// Actions of the event being handled.
    var out: [SentinelAction] = []
    /// State changed that Redis persists; flushed before the next reply and at the end of the event.
    var needsPersist = false

    /// Starts from a parsed config (or a restart's persisted state). A missing myid is generated
    /// from `seed` and persisted with the first event.
    public init(config: SentinelConfig, seed: UInt64, now: MonotonicMs) {
        random = SplitMix64(seed: seed)
        startedAtMs = now
        if let id = config.myID {
            myID = id
        } else {
            myID = random.hexID()
            needsPersist = true
        }
        currentEpoch = config.currentEpoch
        port = config.port
        announceIP = config.announceIP
        announcePort = config.announcePort
        denyScriptsReconfig = config.denyScriptsReconfig
        resolveHostnames = config.resolveHostnames
        announceHostnames = config.announceHostnames
        sentinelUser = config.sentinelUser
        sentinelPass = config.sentinelPass
        logLevel = config.logLevel
        for mc in config.masters {
            var m = MasterState(config: mc, now: now)
            // A vote persisted before a restart may have elected a leader that promoted: rule 3
            // of LeaseRenewal holds from now.
            if mc.leaderEpoch > mc.configEpoch { m.lease.votedAtMs = now }
            for r in mc.knownReplicas where r != mc.address {
                m.replicas.append(ReplicaNode(address: r, downAfterMs: mc.downAfterMs, now: now))
            }
            for s in mc.knownSentinels where s.runID != myID {
                m.sentinels.append(PeerSentinel(address: s.address, runID: s.runID, downAfterMs: mc.downAfterMs, now: now))
            }
            masters.append(m)
        }
        reindex()
    }

    /// The run id this sentinel announces.
    public var id: String { myID }
    public var epoch: UInt64 { currentEpoch }
    public var isInTilt: Bool { tiltSinceMs != nil }

    /// Feeds one event; returns the actions to perform, in order.
    public mutating func handle(_ event: SentinelEvent, now: MonotonicMs) -> [SentinelAction] {
        out = []
        if crashed { return [] }
        switch event {
        case .tick(let wallMs): timerTick(wallClockMs: wallMs, now: now)
        case .linkConnected(let link, let localIP, let peerIP): linkConnected(link, localIP: localIP, peerIP: peerIP, now: now)
        case .connectFailed(let link, let reason): linkDown(link, reason: reason, now: now)
        case .linkLost(let link, let reason): linkDown(link, reason: reason, now: now)
        case .reply(let link, let value): received(value, on: link, now: now)
        case .pubsubMessage(let link, let channel, let payload):
            received(.push([.bulk("message"), .bulk(channel), .bulk(payload)]), on: link, now: now)
        case .clientCommand(let client, let args): clientCommand(client, args: args, now: now)
        case .helloReceived(let payload): processHello(payload, now: now)
        case .scriptFinished(let id, let status): scriptFinished(id, exitStatus: status, now: now)
        }
        flushPersist()
        let actions = out
        out = []
        return actions
    }

    // MARK: - Effects

    /// Appends an action that leaves the process (reply, send, publish, script), after the persist of
    /// any state change made before it: a vote, an epoch or a new configuration is durable before
    /// anybody can learn about it or act on it.
    mutating func emit(_ action: SentinelAction) {
        flushPersist()
        out.append(action)
    }

    /// Emits the pending persist now.
    mutating func flushPersist() {
        guard needsPersist else { return }
        needsPersist = false
        out.append(.persist(snapshot()))
    }

    mutating func log(_ level: LogLevel, _ message: String) {
        guard level >= logLevel else { return }
        out.append(.log(level, message))
    }

    /// Redis's sentinelEvent: log, publish (unless debug level) and, at warning level, queue the
    /// master's notification script. `detail` follows the instance description, unless `bare`
    /// (Redis events whose format does not start with `%@`: +new-epoch, +vote-for-leader,
    /// +switch-master carry only their detail, but still belong to the master for scripts).
    /// Failover steps carry the running failover's epoch unless `epoch` is given.
    mutating func event(_ level: LogLevel, _ kind: SentinelNotice.Kind, _ path: InstancePath?, _ detail: String = "",
                        bare: Bool = false, epoch: UInt64? = nil, candidate: String? = nil, now: MonotonicMs) {
        var instance: SentinelNotice.Instance?
        if let path, !bare { instance = noticeInstance(path) }
        let runEpoch = kind.isFailoverStep ? path.flatMap { masters[$0.master].failover?.epoch } : nil
        let notice = SentinelNotice(kind: kind, master: path.map { masters[$0.master].name }, instance: instance,
                                    epoch: epoch ?? runEpoch, candidate: candidate, detail: detail)
        let message = notice.message
        log(level, "\(kind.rawValue) \(message)")
        if level != .debug { emit(.publish(notice)) }
        if level == .warning, let path, let script = masters[path.master].notificationScript {
            queueScript(path: script, args: [kind.rawValue, message], now: now)
        }
    }

    /// How Redis names an instance in events: `<role> <name> <ip> <port> [@ <master> <ip> <port>]`.
    func noticeInstance(_ path: InstancePath) -> SentinelNotice.Instance {
        let m = path.master
        let role = path.role
        return SentinelNotice.Instance(role: role, name: eventName(path), address: readProbe(path, { $0.address }),
                                       master: role == .master ? nil : .init(name: masters[m].name, address: masters[m].node.address))
    }

    /// `<role> <name> <ip> <port> [@ <master> <ip> <port>]`
    func describe(_ path: InstancePath) -> String { noticeInstance(path).description }

    // MARK: - Lookup

    func masterIndex(named name: String) -> Int? {
        let found = index.masterByName[name.lowercased()]
        assert(found == masters.firstIndex { $0.name.lowercased() == name.lowercased() },
               "master index out of date for \(name)")
        return found
    }

    /// The instance a link belongs to, if that link is still the current one for it.
    func path(of link: LinkID) -> InstancePath? {
        let found = index.linkOwner[link.incarnation].flatMap { p in contains(p) && readProbe(p, { owns($0.link, link) }) ? p : nil }
        // The index must agree with the arrays; debug builds (the tests) check it on every lookup.
        assert(found == scannedPath(of: link), "instance index out of date for \(link)")
        return found
    }

    /// Rebuilds the lookup maps from the arrays: called after any change that adds, removes or
    /// replaces masters, replicas or sentinels (positions move) or replaces a whole InstanceLink.
    mutating func reindex() {
        index = InstanceIndex(masters)
    }

    private func owns(_ l: InstanceLink, _ link: LinkID) -> Bool {
        // The incarnation first: it differs for every other link, and is an integer.
        (l.command.id?.incarnation == link.incarnation && l.command.id == link)
            || (l.pubsub?.id?.incarnation == link.incarnation && l.pubsub?.id == link)
    }

    private func contains(_ path: InstancePath) -> Bool {
        guard masters.indices.contains(path.master) else { return false }
        switch path {
        case .master: return true
        case .replica(let m, let r): return masters[m].replicas.indices.contains(r)
        case .sentinel(let m, let s): return masters[m].sentinels.indices.contains(s)
        }
    }

    /// The lookup by scan that the index replaces, kept as the debug check of the index.
    private func scannedPath(of link: LinkID) -> InstancePath? {
        guard let m = masters.firstIndex(where: { $0.name.lowercased() == link.master.lowercased() }) else { return nil }
        switch link.role {
        case .master:
            return owns(masters[m].node.link, link) ? .master(m) : nil
        case .replica:
            return masters[m].replicas.firstIndex { owns($0.link, link) }.map { .replica(m, $0) }
        case .sentinel:
            return masters[m].sentinels.firstIndex { owns($0.link, link) }.map { .sentinel(m, $0) }
        }
    }

    /// Reads from the shared probe state of any instance without copying it: `body` gets the
    /// stored probe. (A getter, or a `_read` accessor, makes the optimizer copy the whole probe,
    /// or the whole MasterState out of the array, per field read: most of the timer's cost.)
    @inline(__always)
    func readProbe<T>(_ path: InstancePath, _ body: (Probe) -> T) -> T {
        switch path {
        case .master(let m): return body(masters[m].node.probe)
        case .replica(let m, let r): return body(masters[m].replicas[r].probe)
        case .sentinel(let m, let s): return body(masters[m].sentinels[s].probe)
        }
    }

    /// Reads what INFO said about a data node without copying it (never called for a sentinel).
    @inline(__always)
    func readInfo<T>(_ path: InstancePath, _ body: (InfoState) -> T) -> T {
        switch path {
        case .master(let m): return body(masters[m].node.info)
        case .replica(let m, let r): return body(masters[m].replicas[r].info)
        case .sentinel: preconditionFailure("sentinels have no INFO")
        }
    }

    /// The shared probe state of any instance, changed in place (`self[probe: path].x = y`). Read
    /// with `readProbe`.
    subscript(probe path: InstancePath) -> Probe {
        get { readProbe(path) { $0 } }
        _modify {
            switch path {
            case .master(let m): yield &masters[m].node.probe
            case .replica(let m, let r): yield &masters[m].replicas[r].probe
            case .sentinel(let m, let s): yield &masters[m].sentinels[s].probe
            }
        }
    }

    /// What INFO said, for a data node (a master or a replica; never called for a sentinel).
    subscript(info path: InstancePath) -> InfoState {
        get { readInfo(path) { $0 } }
        _modify {
            switch path {
            case .master(let m): yield &masters[m].node.info
            case .replica(let m, let r): yield &masters[m].replicas[r].info
            case .sentinel: preconditionFailure("sentinels have no INFO")
            }
        }
    }

    /// How Redis names instances in events: a master by its name, a replica by ip:port, a
    /// sentinel by its run id.
    func eventName(_ path: InstancePath) -> String {
        switch path {
        case .master(let m): return masters[m].name
        case .replica: return readProbe(path, { $0.address.description })
        case .sentinel: return readProbe(path, { $0.runID }) ?? "?"
        }
    }

    /// All instance paths in a deterministic order: each master, then its replicas, then its
    /// sentinels (Redis's order in the timer).
    func paths(of m: Int) -> [InstancePath] {
        [.master(m)] + masters[m].replicas.indices.map { .replica(m, $0) }
            + masters[m].sentinels.indices.map { .sentinel(m, $0) }
    }
}

/// Where an instance lives in the state. Indexes are only valid until the arrays change; the
/// `InstanceIndex` maps are rebuilt (`reindex()`) whenever they do.
enum InstancePath: Hashable, Sendable {
    case master(Int)
    case replica(Int, Int)
    case sentinel(Int, Int)

    var master: Int {
        switch self {
        case .master(let m), .replica(let m, _), .sentinel(let m, _): return m
        }
    }

    var role: InstanceRole {
        switch self {
        case .master: return .master
        case .replica: return .replica
        case .sentinel: return .sentinel
        }
    }
}

/// SENTINEL SIMULATE-FAILURE flags.
struct SimulateFailure: Sendable, Hashable {
    var crashAfterElection = false
    var crashAfterPromotion = false
    var flags: Int { (crashAfterElection ? 1 : 0) | (crashAfterPromotion ? 2 : 0) }
}
