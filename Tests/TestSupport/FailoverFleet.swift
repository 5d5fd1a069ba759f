import Foundation
import Testing
import RESP

/// A fleet for failover scenarios: one master, replicas, and sentinels of either kind (ours or
/// Debian's redis-sentinel) over data nodes of either kind (miniredis or redis-server).
public final class FailoverFleet {
    public enum SentinelKind: Sendable { case ours, redis }
    public enum NodeKind: Sendable { case miniredis, redisServer }

    public let nodeKind: NodeKind
    public let master: ServerProcess
    public var replicas: [ServerProcess]
    public var sentinels: [ServerProcess] = []
    /// The Prometheus port of each of our sentinels (0 for redis-sentinel).
    public var metricsPorts: [Int] = []
    public let masterName = "mymaster"

    /// Returns nil when a needed Redis binary is missing outside CI (the test then skips).
    public init?(nodes: NodeKind, sentinels kinds: [SentinelKind], replicas replicaCount: Int = 2,
          replicaExtra: [[String]] = [], nodeExtra: [String] = [], sentinelLines: [String] = [], downAfterMs: Int = 1000,
          quorum: Int = 2) throws {
        nodeKind = nodes
        guard let m = try Self.startNode(nodes, extra: nodeExtra) else { return nil }
        master = m
        replicas = []
        for i in 0..<replicaCount {
            let extra = nodeExtra + ["--replicaof", "127.0.0.1", "\(m.port)"] + (i < replicaExtra.count ? replicaExtra[i] : [])
            guard let r = try Self.startNode(nodes, extra: extra) else { return nil }
            replicas.append(r)
        }
        for r in replicas { try ReplicationProbe.waitLinked(try r.connect()) }
        for kind in kinds {
            let metricsPort = kind == .ours ? TestPorts.next() : 0
            guard let s = try Self.startSentinel(kind, masterPort: m.port, downAfterMs: downAfterMs, quorum: quorum, metricsPort: metricsPort,
                                                 extraLines: sentinelLines) else { return nil }
            sentinels.append(s)
            metricsPorts.append(metricsPort)
        }
    }

    public static func startNode(_ kind: NodeKind, extra: [String], port: Int? = nil, directory: URL? = nil) throws -> ServerProcess? {
        switch kind {
        case .miniredis:
            return try ServerProcess.miniredis(["--repl-diskless-sync-delay", "0"] + extra, port: port, directory: directory)
        case .redisServer:
            return try ServerProcess.redisServer(["--repl-diskless-sync-delay", "0"] + extra, port: port, directory: directory)
        }
    }

    public static func startSentinel(_ kind: SentinelKind, masterPort: Int, downAfterMs: Int, quorum: Int, metricsPort: Int = 0,
                              failoverTimeoutMs: Int = 10000, extraLines: [String] = []) throws -> ServerProcess? {
        let exe: String
        switch kind {
        case .ours: exe = Binaries.sentinel
        case .redis:
            guard let e = try Binaries.requireRedis("redis-sentinel") else { return nil }
            exe = e
        }
        let port = TestPorts.next()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-\(port)-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let conf = dir.appendingPathComponent("sentinel.conf")
        try """
        port \(port)
        bind 127.0.0.1
        sentinel monitor mymaster 127.0.0.1 \(masterPort) \(quorum)
        sentinel down-after-milliseconds mymaster \(downAfterMs)
        sentinel failover-timeout mymaster \(failoverTimeoutMs)
        sentinel parallel-syncs mymaster 1
        \(metricsPort > 0 ? "metrics-port \(metricsPort)" : "")
        \(extraLines.joined(separator: "\n"))

        """.write(to: conf, atomically: true, encoding: .utf8)
        let s = try ServerProcess(executable: exe, arguments: [conf.path], port: port, directory: dir)
        try s.waitUntilReady()
        return s
    }

    public func masterPort(from sentinel: ServerProcess) -> Int? {
        guard let c = try? sentinel.connect(),
              let reply = try? c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName),
              let parts = reply.elements, parts.count == 2 else { return nil }
        return parts[1].text.flatMap { Int($0) }
    }

    public func masterFields(_ sentinel: ServerProcess) throws -> [String: String] {
        let pairs = try sentinel.connect().call("SENTINEL", "MASTER", masterName).pairs ?? []
        return Dictionary(pairs.map { ($0.0.text ?? "", $0.1.text ?? "") }, uniquingKeysWith: { a, _ in a })
    }

    /// Every sentinel knows every replica and every other sentinel.
    public func waitDiscovery(timeoutSeconds: Double = 60) throws {
        try Wait.until(timeoutSeconds: timeoutSeconds, "sentinels discover replicas and each other") {
            try sentinels.allSatisfy { s in
                let f = try masterFields(s)
                return f["num-slaves"] == "\(replicas.count)" && f["num-other-sentinels"] == "\(sentinels.count - 1)"
            }
        }
    }

    /// Waits until every sentinel names a master other than `old`; returns its port.
    public func waitNewMaster(other old: Int, timeoutSeconds: Double = 60) throws -> Int {
        try Wait.until(timeoutSeconds: timeoutSeconds, "all sentinels report a new master\n\(sentinels.map(\.logText).joined(separator: "\n---\n"))") {
            let ports = sentinels.map { masterPort(from: $0) }
            return ports.allSatisfy { $0 != nil && $0 != old } && Set(ports).count == 1
        }
        return masterPort(from: sentinels[0])!
    }

    /// The kill -9 scenario: writes acknowledged by WAIT survive, the other replicas follow the
    /// new master, the old master returns as a replica. Every check reconnects, because the
    /// reconfiguration's CLIENT KILL drops client connections (as it should).
    public func runKillScenario() throws {
        try waitDiscovery()
        let m = try master.connect()
        for i in 0..<100 { try m.call("SET", "acked:\(i)", "\(i)") }
        #expect(try m.call("WAIT", "\(replicas.count)", "5000") == .integer(Int64(replicas.count)))
        let oldPort = master.port
        master.kill()
        let newPort = try waitNewMaster(other: oldPort)
        let promoted = try #require(replicas.first { $0.port == newPort })
        // A sentinel may still send the promoted node a reconfiguration (its CLIENT KILL closes
        // our connection): a read cut that way is retried, a wrong answer is not.
        func read(_ args: String...) throws -> RESPValue {
            var answer: RESPValue?
            try Wait.until(timeoutSeconds: 30, "\(args) answered by the new master") {
                answer = try? promoted.connect().call(args)
                return answer != nil
            }
            return answer!
        }
        #expect(try read("INFO", "replication").text?.contains("role:master\r\n") == true)
        for i in 0..<100 { #expect(try read("GET", "acked:\(i)") == .bulk("\(i)")) }
        for other in replicas where other.port != newPort {
            // (untilSurvivingCuts: the reconfiguration's CLIENT KILL may cut the probe's connection.)
            try Wait.untilSurvivingCuts(timeoutSeconds: 60, "replica \(other.port) follows the new master") {
                let c = try other.connect()
                return try ReplicationProbe.info(c, "master_port") == "\(newPort)" && ReplicationProbe.info(c, "master_link_status") == "up"
            }
        }
        // With write fencing the new master opens when its sentinels have renewed its lease.
        try Wait.until(timeoutSeconds: 30, "the new master accepts writes") {
            // (try?: the reconfiguration's CLIENT KILL may close this very connection.)
            (try? promoted.connect().call("SET", "after", "failover")) == .simpleString(Array("OK".utf8))
        }
        try master.restart()
        let returned = master
        // Of the master the sentinels name now: redis-sentinel may judge a just-promoted master
        // down (its links were cut by the promotion's CLIENT KILL) and fail over once more, as
        // seen in a loaded run of mixedQuorumOneOursTwoRedis; the old master must then follow
        // that one.
        try Wait.untilSurvivingCuts(timeoutSeconds: 120, "the old master is demoted to a replica of the current master\n\(sentinels.map(\.logText).joined(separator: "\n---\n"))") {
            let current = masterPort(from: sentinels[0]) ?? newPort
            let c = try returned.connect()
            return try ReplicationProbe.info(c, "master_port") == "\(current)" && ReplicationProbe.info(c, "master_link_status") == "up"
        }
        try Wait.untilSurvivingCuts(timeoutSeconds: 30, "the demoted master has the new data") {
            try returned.connect().call("GET", "after") == .bulk("failover")
        }
    }
}

/// A plain HTTP GET over loopback, for the metrics endpoint.
public enum HTTP {
    public static func get(port: Int, path: String) throws -> String {
        let c = try RedisConnection(port: port)
        try c.send(raw: "GET \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n")
        var text = ""
        _ = try c.isClosedByPeer()
        text = c.drainBuffer()
        return text
    }
}
