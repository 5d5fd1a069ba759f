import Glibc

/// Watches the fleet and shows it: polls every node and sentinel twenty times a second, listens to
/// every sentinel's events (PSUBSCRIBE *), drives the writer, and draws the panel. Every wait of
/// the scenario goes through `waitUntil`, which is also where Ctrl-C is noticed.
final class Stage {
    let fleet: Fleet
    let term: Terminal
    let signals: SignalInbox
    let startMs = Clock.nowMs()
    var phase = "starting"
    private(set) var killMs: Int64?
    private(set) var killedPort: Int?

    private let nodeLinks: [NodeLink]
    private let sentinelLinks: [NodeLink]
    private var subscribers: [RESPClient?]
    private(set) var nodes: [NodeState]
    private(set) var sentinels: [SentinelState]
    private var processNotes: [String]
    private(set) var events: [SentinelEvent] = []

    let writer = Writer()
    var writing = false
    /// The first write a master accepted after the kill.
    private(set) var writesResumedMs: Int64?

    private var lastRefreshMs: Int64 = 0
    private var lastDrawMs: Int64 = 0
    /// Polling period: the resolution of the times measured by polling (events are timed as they
    /// arrive). Each poll is a few loopback round trips.
    static let refreshMs: Int64 = 50

    init(fleet: Fleet, term: Terminal, signals: SignalInbox) {
        self.fleet = fleet
        self.term = term
        self.signals = signals
        nodeLinks = fleet.nodes.map { NodeLink(port: $0.port) }
        sentinelLinks = fleet.sentinels.map { NodeLink(port: $0.port) }
        subscribers = Array(repeating: nil, count: fleet.sentinels.count)
        nodes = Array(repeating: NodeState(), count: fleet.nodes.count)
        sentinels = Array(repeating: SentinelState(), count: fleet.sentinels.count)
        processNotes = Array(repeating: "stopped", count: fleet.nodes.count)
    }

    // MARK: Time

    func sinceStart(_ ms: Int64) -> String { Clock.seconds(ms - startMs) }

    func stamp(_ ms: Int64) -> String {
        let t = sinceStart(ms)
        let pad = String(repeating: " ", count: max(0, 7 - t.count))
        guard let k = killMs, ms >= k else { return pad + t + "         " }
        let rel = "K+" + Clock.seconds(ms - k)
        return pad + t + " " + rel + String(repeating: " ", count: max(0, 8 - rel.count))
    }

    // MARK: Actions the scenario reports

    func say(_ text: String) { term.line(text) }

    func markStarted(_ index: Int, restarted: Bool = false) {
        processNotes[index] = restarted ? "restarted" : "running"
        if restarted { addDemoEvent("restart", "node \(fleet.nodes[index].name) :\(fleet.nodes[index].port)") }
    }

    func markKilled(_ index: Int) {
        killMs = Clock.nowMs()
        killedPort = fleet.nodes[index].port
        processNotes[index] = "KILLED"
        addDemoEvent("SIGKILL", "master \(fleet.nodes[index].name) :\(fleet.nodes[index].port)")
    }

    private func addDemoEvent(_ channel: String, _ payload: String) {
        guard let e = SentinelEvent(sentinel: "demo", atMs: Clock.nowMs(), message: .array([
            .bulk("pmessage"), .bulk("*"), .bulk(channel), .bulk(payload)])) else { return }
        record(e)
    }

    private func record(_ e: SentinelEvent) {
        events.append(e)
        term.note("[\(stamp(e.atMs))] \(e.sentinel.padded(4))\(e.text)")
    }

    // MARK: The loop

    /// Ticks (events, polling, drawing) until `condition` holds; fails after `timeoutSeconds`
    /// with a message naming what did not happen.
    func waitUntil(_ what: String, timeoutSeconds: Int, _ condition: () throws -> Bool) throws {
        let deadline = Clock.nowMs() + Int64(timeoutSeconds) * 1000
        while true {
            try tick()
            if try condition() { return }
            if Clock.nowMs() > deadline {
                throw DemoError("timed out after \(timeoutSeconds) s waiting until \(what)")
            }
        }
    }

    /// Waits for events (or a signal) until the next refresh is due, then refreshes and draws.
    func tick() throws {
        let due = lastRefreshMs + Self.refreshMs
        repeat {
            var fds = [pollfd(fd: signals.fd, events: Int16(POLLIN), revents: 0)]
            for s in subscribers { if let s { fds.append(pollfd(fd: s.fd, events: Int16(POLLIN), revents: 0)) } }
            _ = poll(&fds, nfds_t(fds.count), Int32(max(0, due - Clock.nowMs())))
            try signals.check()
            drainEvents()
        } while Clock.nowMs() < due
        refresh()
        lastRefreshMs = Clock.nowMs()
        // Ten frames a second are enough for the eye and gentle on a remote terminal.
        if lastRefreshMs - lastDrawMs >= 100 {
            lastDrawMs = lastRefreshMs
            draw()
        }
    }

    /// PSUBSCRIBE * on every sentinel that answers; a dropped subscription is made again.
    func subscribe() {
        for (i, s) in fleet.sentinels.enumerated() where subscribers[i] == nil {
            guard let c = try? RESPClient(port: s.port) else { continue }
            do {
                try c.send([["PSUBSCRIBE", "*"]])
                subscribers[i] = c
            } catch { continue }
        }
    }

    var subscribedCount: Int { subscribers.compactMap { $0 }.count }

    private func drainEvents() {
        let now = Clock.nowMs()
        for (i, s) in subscribers.enumerated() {
            guard let s else { continue }
            do {
                for m in try s.drain() {
                    if let e = SentinelEvent(sentinel: fleet.sentinels[i].name, atMs: now, message: m) { record(e) }
                }
            } catch {
                subscribers[i] = nil
            }
        }
    }

    private func refresh() {
        let now = Clock.nowMs()
        for (i, node) in fleet.nodes.enumerated() {
            var state = NodeState()
            // A failed query is retried once on a new connection: the sentinels' CLIENT KILL
            // drops our connections at failover, which does not make the node unreachable.
            let query = [["INFO", "replication"], ["DBSIZE"]]
            if node.process.isRunning,
               let r = (try? nodeLinks[i].pipeline(query)) ?? (try? nodeLinks[i].pipeline(query)) {
                state = NodeState(info: r[0].infoFields, keys: r[1].integerValue.map { Int($0) })
            } else if !node.process.isRunning {
                nodeLinks[i].reset()
                if processNotes[i] == "running" || processNotes[i] == "restarted" { processNotes[i] = "exited" }
            }
            if state.summary != nodes[i].summary {
                term.note("[\(stamp(now))] \(node.name) :\(node.port) is \(state.summary)")
            }
            nodes[i] = state
        }
        for (i, s) in fleet.sentinels.enumerated() {
            var state = SentinelState()
            if let r = try? sentinelLinks[i].pipeline([["SENTINEL", "GET-MASTER-ADDR-BY-NAME", fleet.masterName],
                                                         ["SENTINEL", "MASTER", fleet.masterName]]) {
                state.reachable = true
                if let addr = r[0].elements, addr.count == 2 { state.masterPort = addr[1].text.flatMap { Int($0) } }
                let f = r[1].fieldMap
                state.flags = f["flags"]
                state.replicas = f["num-slaves"].flatMap { Int($0) }
                state.otherSentinels = f["num-other-sentinels"].flatMap { Int($0) }
                state.epoch = f["config-epoch"].flatMap { Int($0) }
            }
            let old = sentinels[i]
            if state.masterPort != old.masterPort, let p = state.masterPort {
                term.note("[\(stamp(now))] \(s.name)   reports the master at 127.0.0.1:\(p)")
            }
            if state.reachable && (state.replicas != old.replicas || state.otherSentinels != old.otherSentinels) {
                term.note("[\(stamp(now))] \(s.name)   knows \(state.replicas ?? 0) replica(s) and \(state.otherSentinels ?? 0) other sentinel(s)")
            }
            sentinels[i] = state
        }
        if subscribedCount < fleet.sentinels.count && sentinels.contains(where: \.reachable) { subscribe() }
        if writing {
            let before = writer.accepted
            writer.step(masterPort: sentinels.first?.masterPort, nowMs: now)
            if killMs != nil, writesResumedMs == nil, writer.accepted > before, writer.lastPort != killedPort {
                writesResumedMs = now
            }
        }
    }

    // MARK: Queries for the scenario

    /// The first event with this channel from a real sentinel at or after `ms`.
    func firstEvent(_ channel: String, after ms: Int64) -> SentinelEvent? {
        events.first { $0.channel == channel && $0.atMs >= ms && $0.sentinel != "demo" }
    }

    func processNote(_ index: Int) -> String { processNotes[index] }

    func nodeIndex(port: Int) -> Int? { fleet.nodes.firstIndex { $0.port == port } }
}
