import Testing
@testable import SentinelCore
@testable import RESP

/// A minimal synchronous shell: connects succeed at once (unless the address is dead) and commands
/// are answered at once by `respond`, in order. A command to a `dead` address resets its
/// connection; one to a `silent` address is never answered (a hung process or a partition).
final class FakeShell {
    var machine: Sentinel
    var now: MonotonicMs = 0
    var wallMs: Int64 = 1_700_000_000_000
    var dead: Set<Address> = []
    var silent: Set<Address> = []
    var offsets: [Address: Int64] = [:]
    var runIDs: [Address: String] = [:]
    /// Replicas promoted by SLAVEOF NO ONE, and where replicas were told to replicate from;
    /// `stubborn` replicas ignore SLAVEOF host port.
    var promoted: Set<Address> = []
    var follows: [Address: Address] = [:]
    var stubborn: Set<Address> = []
    var log: [SentinelAction] = []
    /// The same actions, one array per event handled.
    var batches: [[SentinelAction]] = []
    /// rename-command on every node: new name → the command. A command called by its old name
    /// gets the unknown-command error, as a node with the rename answers.
    var renamed: [String: String] = [:]
    /// Addresses that answer SUBSCRIBE with NOAUTH (a node whose password we lack).
    var refuseSubscribe: Set<Address> = []
    let master: Address

    init(config: SentinelConfig) {
        machine = Sentinel(config: config, seed: 3, now: 0)
        master = config.masters[0].address
    }

    /// Masters whose connections to peer sentinels get no replies (the peer answers elsewhere).
    var silentPeerLinks: Set<String> = []

    func respond(_ link: LinkID, _ args: [String]) -> RESPValue? {
        if dead.contains(link.address) || silent.contains(link.address) { return nil }
        if link.role == .sentinel && silentPeerLinks.contains(link.master) { return nil }
        switch args[0].uppercased() {
        case "PING": return .simpleString(Array("PONG".utf8))
        case "INFO":
            let runID = runIDs[link.address] ?? String(repeating: String(link.address.port % 10), count: 40)
            var text = "run_id:\(runID)\r\n"
            if link.address == master || promoted.contains(link.address) {
                text += "role:master\r\n"
                for (i, r) in offsets.keys.sorted().enumerated() { text += "slave\(i):ip=\(r.host),port=\(r.port),state=online\r\n" }
            } else {
                let m = follows[link.address] ?? master
                text += "role:slave\r\nmaster_host:\(m.host)\r\nmaster_port:\(m.port)\r\nmaster_link_status:up\r\n"
                text += "slave_repl_offset:\(offsets[link.address] ?? 0)\r\n"
            }
            return .bulkString(Array(text.utf8))
        case "SUBSCRIBE":
            if refuseSubscribe.contains(link.address) { return .error(Array("NOAUTH Authentication required.".utf8)) }
            return .array([.bulk("subscribe"), .bulk(args[1]), .integer(1)])
        case "PUBLISH": return .integer(1)
        case "SENTINEL" where args.count > 1 && args[1].lowercased() == "is-master-down-by-addr":
            // A peer that sees the master down and votes for nobody.
            return .array([.integer(1), .bulk("*"), .integer(0)])
        case "EXEC": return .array([])
        case "SLAVEOF":
            if args[1] == "NO" {
                promoted.insert(link.address)
            } else if !stubborn.contains(link.address), let port = Int(args[2]) {
                follows[link.address] = Address(host: args[1], port: port)
            }
            return .simpleString(Array("QUEUED".utf8))
        default: return .simpleString(Array("OK".utf8))
        }
    }

    func feed(_ event: SentinelEvent) {
        var queue = [event]
        while !queue.isEmpty {
            let out = machine.handle(queue.removeFirst(), now: now)
            log += out
            batches.append(out)
            for action in out {
                switch action {
                case .connect(let l):
                    queue.append(dead.contains(l.address) ? .connectFailed(l, reason: "refused") : .linkConnected(l, localIP: "10.0.1.1"))
                case .send(let l, let args):
                    if dead.contains(l.address) {
                        queue.append(.linkLost(l, reason: "connection reset"))
                    } else if renamed.values.contains(args[0].uppercased()) {
                        queue.append(.reply(l, .error(Array("ERR unknown command '\(args[0])'".utf8))))
                    } else if let r = respond(l, renamed[args[0].uppercased()].map { [$0] + args.dropFirst() } ?? args) {
                        queue.append(.reply(l, r))
                    }
                default: break
                }
            }
        }
    }

    func tick(for ms: Int64) {
        for _ in 0..<(ms / 100) {
            now += 100
            wallMs += 100
            feed(.tick(wallClockMs: wallMs))
        }
    }
}

@Suite struct FreshOffsetTests {
    static let a = Address(host: "10.0.0.2", port: 6379)
    static let b = Address(host: "10.0.0.3", port: 6380)

    func shell() -> FakeShell {
        var c = SentinelConfig()
        c.myID = SentinelFixtures.myID
        var m = MasterConfig(name: "mymaster", address: Address(host: "10.0.0.1", port: 6379), quorum: 1)
        m.downAfterMs = 1_000
        m.knownReplicas = [Self.a, Self.b]
        c.masters = [m]
        return FakeShell(config: c)
    }

    @Test func selectionUsesFreshOffsetsNotTheCachedOnes() {
        let s = shell()
        s.offsets = [Self.a: 100, Self.b: 50]
        s.tick(for: 2_000)
        // Cached INFO: a is ahead. Now b catches up and a falls behind, and the master dies.
        s.offsets = [Self.a: 100, Self.b: 500]
        s.dead = [s.master]
        s.tick(for: 3_000)
        let selected = s.log.compactMap { action -> Address? in
            if case .candidateSelected(_, let r, _) = action { return r } else { return nil }
        }
        #expect(selected == [Self.b])
    }

    @Test func candidateThatDoesNotAnswerTheFreshInfoIsRejectedWithAReason() {
        let s = shell()
        s.offsets = [Self.a: 900, Self.b: 50]
        s.tick(for: 2_000)
        // a stops answering just as the master dies: its cached offset is the best, but it cannot
        // confirm it.
        s.silent = [s.master]
        s.tick(for: 500)
        s.silent.insert(Self.a)
        s.tick(for: 2_500)
        let rejected = s.log.compactMap { action -> String? in
            if case .candidateRejected(_, let r, let why) = action, r == Self.a { return why } else { return nil }
        }
        let selected = s.log.compactMap { action -> Address? in
            if case .candidateSelected(_, let r, _) = action { return r } else { return nil }
        }
        #expect(selected == [Self.b])
        #expect(rejected.contains { $0.contains("no fresh INFO") })
        #expect(s.log.contains { $0.description.contains("+candidate-rejected slave 10.0.0.2:6379") })
    }

    @Test func busyMasterGetsOneScriptKill() {
        let s = shell()
        s.tick(for: 1_000)
        // From now on the master answers -BUSY to PING.
        var busyReplies = 0
        let busy = RESPValue.error(Array("BUSY Redis is busy running a script.".utf8))
        for _ in 0..<30 {
            s.now += 100
            s.wallMs += 100
            let out = s.machine.handle(.tick(wallClockMs: s.wallMs), now: s.now)
            s.log += out
            for case .send(let l, let args) in out where l.role == .master && l.kind == .command {
                let reply = args[0] == "PING" ? busy : (s.respond(l, args) ?? .null)
                if args[0] == "PING" { busyReplies += 1 }
                s.log += s.machine.handle(.reply(l, reply), now: s.now)
            }
        }
        let kills = s.log.filter { if case .send(_, let args) = $0 { return args == ["SCRIPT", "KILL"] } else { return false } }
        #expect(busyReplies > 0)
        #expect(kills.count == 1)
    }
}

/// The acknowledged floor of write fencing (ReplicaSelection.acknowledgedFloor).
@Suite struct AcknowledgedFloorTests {
    @Test func floorIsTheOffsetEveryAcknowledgedWriteLiesUnder() {
        // 5 data nodes, majority 3: with all 4 replicas answering, the 2nd highest bounds what
        // 3 nodes can have held (at most one other holder besides the dead master is missing).
        #expect(Sentinel.acknowledgedFloor(freshOffsets: [10, 40, 30, 20], dataNodes: 5).floor == 30)
        // 3 answers of 5: only the highest is safe.
        #expect(Sentinel.acknowledgedFloor(freshOffsets: [10, 40, 30], dataNodes: 5).floor == 40)
        // 2 answers of 5 prove nothing: a write on the master and two silent replicas is possible.
        let tooFew = Sentinel.acknowledgedFloor(freshOffsets: [10, 40], dataNodes: 5)
        #expect(tooFew.floor == nil && tooFew.needed == 3)
        // 4 data nodes, majority 3: two answers suffice and the highest is the floor.
        #expect(Sentinel.acknowledgedFloor(freshOffsets: [7, 9], dataNodes: 4).floor == 9)
        #expect(Sentinel.acknowledgedFloor(freshOffsets: [7, 9, 8], dataNodes: 4).floor == 8)
        // 3 data nodes: both replicas must answer (a write on the master and the silent one is
        // acknowledged), and the higher is the floor.
        #expect(Sentinel.acknowledgedFloor(freshOffsets: [5], dataNodes: 3).floor == nil)
        #expect(Sentinel.acknowledgedFloor(freshOffsets: [5, 6], dataNodes: 3).floor == 6)
    }
}
