import Foundation
import Testing
import SentinelCore

/// Debian's redis-sentinel 7 supervising miniredis nodes: discovery, failover after kill -9,
/// the other replica repointed, and the old master demoted when it returns.
@Suite struct RedisSentinelInteropTests {
    static func sentinelConfig(port: Int, masterPort: Int) -> String {
        """
        port \(port)
        bind 127.0.0.1
        sentinel monitor mymaster 127.0.0.1 \(masterPort) 2
        sentinel down-after-milliseconds mymaster 1000
        sentinel failover-timeout mymaster 10000
        sentinel parallel-syncs mymaster 1

        """
    }

    static func startRealSentinel(masterPort: Int) throws -> ServerProcess? {
        guard let exe = try Binaries.requireRedis("redis-sentinel") else { return nil }
        let port = TestPorts.next()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-\(port)-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let conf = dir.appendingPathComponent("sentinel.conf")
        try sentinelConfig(port: port, masterPort: masterPort).write(to: conf, atomically: true, encoding: .utf8)
        let s = try ServerProcess(executable: exe, arguments: [conf.path], port: port, directory: dir)
        try s.waitUntilReady()
        return s
    }

    static func masterAddress(_ sentinel: ServerProcess) -> Int? {
        guard let c = try? sentinel.connect(),
              let reply = try? c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"),
              let parts = reply.elements, parts.count == 2 else { return nil }
        return parts[1].text.flatMap { Int($0) }
    }

    @Test func realSentinelsFailOverMiniredisNodes() throws {
        let master = try ServerProcess.miniredis(["--repl-diskless-sync-delay", "0"])
        let replicas = try (0..<2).map { _ in try ServerProcess.miniredis(["--replicaof", "127.0.0.1", "\(master.port)", "--repl-diskless-sync-delay", "0"]) }
        for r in replicas { try ReplicationTests.waitLinked(try r.connect()) }
        var sentinels: [ServerProcess] = []
        for _ in 0..<3 {
            guard let s = try Self.startRealSentinel(masterPort: master.port) else { return }
            sentinels.append(s)
        }
        // Discovery: each sentinel sees both replicas and both other sentinels.
        try Wait.until(timeoutSeconds: 60, "sentinels discover replicas and each other") {
            try sentinels.allSatisfy { s in
                let c = try s.connect()
                let m = try c.call("SENTINEL", "MASTER", "mymaster").pairs ?? []
                let fields = Dictionary(m.map { ($0.0.text ?? "", $0.1.text ?? "") }, uniquingKeysWith: { a, _ in a })
                return fields["num-slaves"] == "2" && fields["num-other-sentinels"] == "2"
            }
        }
        let m = try master.connect()
        try m.call("SET", "acked", "before-kill")
        #expect(try m.call("WAIT", "2", "5000") == .integer(2))
        master.kill()
        try Wait.until(timeoutSeconds: 60, "all sentinels report a new master") {
            sentinels.allSatisfy { s in
                let p = Self.masterAddress(s)
                return p != nil && p != master.port
            }
        }
        let newPort = Self.masterAddress(sentinels[0])!
        let promoted = replicas.first { $0.port == newPort }!
        let other = replicas.first { $0.port != newPort }!
        // The sentinels' reconfiguration ends with CLIENT KILL TYPE normal, which drops client
        // connections (that is how clients learn to look again), so every check connects anew.
        #expect(try ReplicationTests.info(promoted.connect(), "role") == "master")
        #expect(try promoted.connect().call("GET", "acked") == .bulk("before-kill"))
        try Wait.until(timeoutSeconds: 60, "the other replica follows the new master") {
            let oc = try other.connect()
            return try ReplicationTests.info(oc, "master_port") == "\(newPort)" && ReplicationTests.info(oc, "master_link_status") == "up"
        }
        try promoted.connect().call("SET", "after", "failover")
        try Wait.until(timeoutSeconds: 30, "the write reaches the other replica") {
            try other.connect().call("GET", "after") == .bulk("failover")
        }
        // The old master comes back and is turned into a replica of the new one.
        let returned = try ServerProcess(executable: Binaries.miniredis, arguments: ["--port", "\(master.port)", "--save", ""], port: master.port, directory: master.directory)
        try returned.waitUntilReady()
        try Wait.until(timeoutSeconds: 60, "the old master is demoted to a replica of the new master\n\(returned.logText)\n\(sentinels[0].logText)") {
            let rc = try returned.connect()
            return try ReplicationTests.info(rc, "master_port") == "\(newPort)" && ReplicationTests.info(rc, "master_link_status") == "up"
        }
        try Wait.until(timeoutSeconds: 30, "the demoted master has the new data") {
            try returned.connect().call("GET", "after") == .bulk("failover")
        }
    }
}
