@testable import SentinelCore
@testable import RESP

/// Knobs of one simulated deployment.
struct SimOptions {
    var dataNodes = 3
    var sentinels = 3
    var quorum = 2
    var downAfterMs: Int64 = 1_000
    var failoverTimeoutMs: Int64 = 5_000
    /// One-way network delay range per message.
    var minDelayMs: Int64 = 1
    var maxDelayMs: Int64 = 5
    /// Probability that a message breaks its connection (TCP never loses data silently: loss shows
    /// up as a reset connection).
    var resetProbability = 0.0
    /// Probability that a pub/sub message is delivered twice (hellos reach a sentinel by several
    /// paths in real deployments).
    var duplicateProbability = 0.0
    var tickMs: Int64 = 100
    var priorities: [Int] = []
    /// A connect to an unreachable host fails after this long (the shell's connect timeout).
    var connectTimeoutMs: Int64 = 1_000
    /// Write fencing on the data nodes (0: off): lease length and how many sentinels must hold one.
    var fencingLeaseMs: Int64 = 0
    var fencingQuorum = 0
}

/// One simulated sentinel process.
struct SimSentinel {
    var machine: Sentinel?
    var incarnation = 0
    var persisted: SentinelConfig?
    /// Wall clock = simulated time + offset; clock jumps change the offset.
    var wallOffsetMs: Int64 = 1_700_000_000_000
    let address: Address
    var alive: Bool { machine != nil }
}

/// A TCP-like connection: in-order, no loss; held while a partition lasts, reset on faults.
struct SimConnection {
    let id: Int
    let owner: Int
    let ownerIncarnation: Int
    let link: LinkID
    let target: Int
    var open = true
    var established = false
    var toServer: [(readyMs: Int64, args: [String])] = []
    var toClient: [(readyMs: Int64, value: RESPValue)] = []
    var lastServerReadyMs: Int64 = 0
    var lastClientReadyMs: Int64 = 0
    var multi: [[String]]?
    var subscribed = false
}

struct ConnKey: Hashable {
    let owner: Int
    let link: LinkID
}

enum SimEvent {
    case tick(sentinel: Int, incarnation: Int)
    case replication
    case pump(conn: Int, toServer: Bool)
    case connectDone(conn: Int)
    case connectFailed(sentinel: Int, incarnation: Int, link: LinkID)
    case lost(conn: Int)
    case run((Cluster) -> Void)
}

/// The simulated world: data nodes, sentinels, connections, clock. Everything random comes from
/// one seeded generator, so a seed replays exactly.
final class Cluster {
    let seed: UInt64
    var options: SimOptions
    var now: Int64 = 0
    var rng: SplitMix64
    var queue = EventQueue()
    var nodes: [SimDataNode] = []
    var sentinels: [SimSentinel] = []
    var conns: [SimConnection] = []
    /// Open connections in creation order (deterministic iteration), and by owner and link.
    var openConns: [Int] = []
    var byLink: [ConnKey: Int] = [:]
    /// Blocked host pairs (a, b) with a < b: no traffic in either direction.
    var blocked: Set<Int> = []
    var published: [(timeMs: Int64, sentinel: Int, channel: String, message: String)] = []
    var logTail: [String] = []
    var checker = InvariantChecker()
    let configLines: [String]
    var stopped = false

    init(seed: UInt64, options: SimOptions = SimOptions()) {
        self.seed = seed
        self.options = options
        rng = SplitMix64(seed: seed)
        for i in 0..<options.dataNodes {
            let address = Address(host: "10.0.0.\(i + 1)", port: 6379)
            var node = SimDataNode(address: address, role: i == 0 ? .master : .replica(of: Address(host: "10.0.0.1", port: 6379)),
                                   runID: rng.hexID())
            if i < options.priorities.count { node.priority = options.priorities[i] }
            node.fencingLeaseMs = options.fencingLeaseMs
            node.fencingQuorum = options.fencingQuorum
            node.linkUp = i != 0
            node.replID = nodes.first?.replID ?? node.runID
            nodes.append(node)
        }
        configLines = [
            "# simulated sentinel.conf",
            "port 26379",
            "sentinel monitor mymaster 10.0.0.1 6379 \(options.quorum)",
            "sentinel down-after-milliseconds mymaster \(options.downAfterMs)",
            "sentinel failover-timeout mymaster \(options.failoverTimeoutMs)",
        ]
        for j in 0..<options.sentinels {
            sentinels.append(SimSentinel(address: Address(host: "10.0.1.\(j + 1)", port: 26379)))
            startSentinel(j)
        }
        queue.push(0, .replication)
    }

    // MARK: - Hosts

    var hostCount: Int { nodes.count + sentinels.count }
    func host(ofSentinel j: Int) -> Int { nodes.count + j }
    func hostAddress(_ h: Int) -> Address { h < nodes.count ? nodes[h].address : sentinels[h - nodes.count].address }
    func host(at address: Address) -> Int? { (0..<hostCount).first { hostAddress($0) == address } }
    func hostAlive(_ h: Int) -> Bool { h < nodes.count ? nodes[h].alive : sentinels[h - nodes.count].alive }
    func reachable(_ a: Int, _ b: Int) -> Bool { a == b || !blocked.contains(min(a, b) * 1000 + max(a, b)) }
    func block(_ a: Int, _ b: Int) { if a != b { blocked.insert(min(a, b) * 1000 + max(a, b)) } }
    func healAll() { blocked = [] }

    /// Splits the hosts in two sides.
    func partition(_ side: Set<Int>) {
        for a in 0..<hostCount where side.contains(a) {
            for b in 0..<hostCount where !side.contains(b) { block(a, b) }
        }
    }

    func delay() -> Int64 {
        options.maxDelayMs <= options.minDelayMs ? options.minDelayMs
            : options.minDelayMs + rng.below(options.maxDelayMs - options.minDelayMs + 1)
    }

    func chance(_ p: Double) -> Bool { p > 0 && Double(rng.next() % 1_000_000) < p * 1_000_000 }

    // MARK: - Running

    func at(_ timeMs: Int64, _ action: @escaping (Cluster) -> Void) { queue.push(timeMs, .run(action)) }

    /// Runs events until `endMs` (or until `until` holds after an event).
    /// `until` is evaluated at most every 10 simulated ms: it can be expensive and events are dense.
    func run(untilMs endMs: Int64, until: ((Cluster) -> Bool)? = nil) {
        var lastCheckMs: Int64 = -1_000
        while let t = queue.nextTime, t <= endMs, !stopped {
            let (time, event) = queue.pop()!
            now = time
            dispatch(event)
            if let until, now - lastCheckMs >= 10 {
                lastCheckMs = now
                if until(self) { return }
            }
        }
        now = max(now, endMs)
    }

    func dispatch(_ event: SimEvent) {
        switch event {
        case .tick(let j, let incarnation):
            guard sentinels[j].incarnation == incarnation, sentinels[j].alive else { return }
            feed(j, .tick(wallClockMs: now + sentinels[j].wallOffsetMs))
            queue.push(now + options.tickMs, .tick(sentinel: j, incarnation: incarnation))
        case .replication:
            replicate()
            queue.push(now + 100, .replication)
        case .pump(let c, let toServer):
            pump(c, toServer: toServer)
        case .connectDone(let c):
            guard conns[c].open else { return }
            conns[c].established = true
            let owner = conns[c].owner
            guard sentinels[owner].incarnation == conns[c].ownerIncarnation else { return }
            feed(owner, .linkConnected(conns[c].link, localIP: sentinels[owner].address.host))
        case .connectFailed(let j, let incarnation, let link):
            guard sentinels[j].incarnation == incarnation else { return }
            feed(j, .connectFailed(link, reason: "connection refused or timed out"))
        case .lost(let c):
            let owner = conns[c].owner
            guard sentinels[owner].incarnation == conns[c].ownerIncarnation else { return }
            feed(owner, .linkLost(conns[c].link, reason: "connection reset"))
        case .run(let action):
            action(self)
        }
    }

    // MARK: - Sentinels

    func startSentinel(_ j: Int) {
        var config: SentinelConfig
        if let persisted = sentinels[j].persisted {
            // A restart reads back what was persisted, through the real rewrite and parser.
            let lines = SentinelConfigRewriter.rewrite(lines: configLines, with: persisted)
            do {
                config = try SentinelConfigParser.parse(lines: lines).config
            } catch {
                checker.fail("sentinel \(j) cannot parse its own persisted config: \(error)")
                return
            }
        } else {
            config = try! SentinelConfigParser.parse(lines: configLines).config
        }
        config.announceIP = sentinels[j].address.host
        sentinels[j].incarnation += 1
        sentinels[j].machine = Sentinel(config: config, seed: rng.next(), now: now)
        queue.push(now + rng.below(options.tickMs) + 1, .tick(sentinel: j, incarnation: sentinels[j].incarnation))
    }

    func crashSentinel(_ j: Int) {
        guard sentinels[j].alive else { return }
        sentinels[j].machine = nil
        sentinels[j].incarnation += 1
        let h = host(ofSentinel: j)
        for c in openConns where conns[c].open {
            if conns[c].owner == j { closeConnection(c) } else if conns[c].target == h { serverClose(c) }
        }
    }

    func feed(_ j: Int, _ event: SentinelEvent) {
        // Take the machine out so that handling mutates it in place (no copy-on-write of its arrays).
        guard var machine = sentinels[j].machine.take() else { return }
        let actions = machine.handle(event, now: now)
        sentinels[j].machine = machine
        perform(j, actions)
        if let m = sentinels[j].machine { checker.check(sentinel: j, m, cluster: self) }
    }

    func perform(_ j: Int, _ actions: [SentinelAction]) {
        var exit = false
        for action in actions {
            switch action {
            case .connect(let link): connect(j, link)
            case .close(let link):
                if let c = connection(j, link) { closeConnection(c) }
            case .send(let link, let args):
                guard let c = connection(j, link) else { continue }
                if chance(options.resetProbability) {
                    serverClose(c)
                    continue
                }
                let ready = max(now + delay(), conns[c].lastServerReadyMs)
                conns[c].lastServerReadyMs = ready
                conns[c].toServer.append((ready, args))
                queue.push(ready, .pump(conn: c, toServer: true))
            case .reply(let client, let value): sendToClient(Int(client.rawValue), value)
            case .notHandled(let client): sendToClient(Int(client.rawValue), .error(Array("ERR unknown command".utf8)))
            case .publish(let notice):
                published.append((now, j, notice.channel, notice.message))
                checker.observe(sentinel: j, notice, cluster: self)
            case .log(_, let line): remember("[\(now)] s\(j) \(line)")
            case .persist(let config): sentinels[j].persisted = config
            case .candidateSelected(_, let replica, let eligible):
                checker.observeSelection(sentinel: j, replica: replica, eligible: eligible, cluster: self)
            case .candidateRejected(_, let replica, let reason): remember("[\(now)] s\(j) rejected \(replica): \(reason)")
            case .runScript: break
            case .exit: exit = true
            }
        }
        if exit { crashSentinel(j) }
    }

    func remember(_ line: String) {
        logTail.append(line)
        if logTail.count > 400 { logTail.removeFirst(100) }
    }

    // MARK: - Observations

    /// The master address each live sentinel gives clients.
    func announcedMasters() -> [Address] {
        sentinels.compactMap { $0.machine?.masters.first?.currentAddress }
    }

    /// Liveness goal: every sentinel is up and names one master, which is a live master, and every
    /// other live data node replicates from it with its link up; no failover is running.
    func converged() -> Bool {
        guard sentinels.allSatisfy(\.alive) else { return false }
        let views = announcedMasters()
        guard let a = views.first, views.allSatisfy({ $0 == a }) else { return false }
        guard sentinels.allSatisfy({ $0.machine!.masters[0].failover == nil }) else { return false }
        guard let m = host(at: a), m < nodes.count, nodes[m].alive, nodes[m].role == .master else { return false }
        // With fencing, the master must also be open for writes: sentinels renew its lease.
        if options.fencingQuorum > 0 && !nodes[m].isOpen(nowMs: now) { return false }
        return nodes.indices.allSatisfy { i in
            i == m || !nodes[i].alive || (nodes[i].masterAddress == a && nodes[i].linkUp)
        }
    }

    func events(_ channel: String) -> [(timeMs: Int64, sentinel: Int, channel: String, message: String)] {
        published.filter { $0.channel == channel }
    }

    /// What to print when a seed fails.
    func report(_ headline: String) -> String {
        let tail = logTail.suffix(60).joined(separator: "\n")
        return "SIMULATION FAILURE seed=\(seed) at t=\(now) ms: \(headline)\n"
            + "replay: SIM_SEED=\(seed) swift test --filter SentinelCoreTests\n--- last log lines ---\n\(tail)"
    }
}
