import Foundation
import Testing
import TestSupport

/// The hardened setups of docs/security.md work as written: docs/miniredis.conf.example for a
/// master and its replica, the sentinel block for a sentinel that switches them over.
@Suite struct DocsSecurityTests {
    static func text(_ path: String) throws -> String {
        try String(contentsOf: SentinelServerTests.root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The ``` block of docs/security.md that configures a sentinel.
    static func sentinelBlock() throws -> String {
        let parts = try text("docs/security.md").components(separatedBy: "```")
        return stride(from: 1, to: parts.count, by: 2).map { parts[$0] }.first { $0.contains("sentinel monitor") } ?? ""
    }

    static func authed(_ port: Int, _ user: String, _ pass: String) throws -> RedisConnection {
        let c = try RedisConnection(port: port)
        #expect(try c.raw("AUTH", user, pass) == "+OK\r\n")
        return c
    }

    @Test func hardenedNodesAndSentinel() throws {
        let mp = TestPorts.next(), rp = TestPorts.next()
        // Each node gets a copy: the sentinel's CONFIG REWRITE writes into a node's file, and
        // `dir /tmp` is replaced so that the two do not share a dump.rdb.
        var dirs: [URL] = []
        defer { for d in dirs { try? FileManager.default.removeItem(at: d) } }
        func copy(_ port: Int) throws -> String {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("docs-security-\(port)-\(UUID().uuidString.prefix(6))")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            dirs.append(dir)
            let conf = dir.appendingPathComponent("miniredis.conf")
            try Self.text("docs/miniredis.conf.example").replacingOccurrences(of: "\ndir /tmp\n", with: "\ndir \(dir.path)\n")
                .write(to: conf, atomically: true, encoding: .utf8)
            return conf.path
        }
        let master = try ServerProcess(executable: Binaries.miniredis, arguments: [try copy(mp), "--port", "\(mp)", "--repl-diskless-sync-delay", "0"], port: mp)
        try master.waitUntilReady()
        let replica = try ServerProcess(executable: Binaries.miniredis, arguments: [try copy(rp), "--port", "\(rp)", "--repl-diskless-sync-delay", "0",
                                                                                   "--replicaof", "127.0.0.1", "\(mp)"], port: rp)
        try replica.waitUntilReady()
        // The default user is off: nothing runs before AUTH.
        #expect(try RedisConnection(port: mp).raw("PING") == "-NOAUTH Authentication required.\r\n")
        let app = try Self.authed(mp, "app", "change-me-app")
        #expect(try app.raw("SET", "app:1", "v") == "+OK\r\n")
        #expect(try app.raw("SET", "billing:1", "v").hasPrefix("-NOPERM"))
        #expect(try app.raw("FLUSHALL").hasPrefix("-NOPERM"))
        #expect(try app.raw("CONFIG", "GET", "dir").hasPrefix("-NOPERM"))
        #expect(try app.raw("DEBUG", "SLEEP", "0").hasPrefix("-ERR DEBUG command not allowed"))
        let adminReplica = try Self.authed(rp, "admin", "change-me-admin")
        try ReplicationProbe.waitLinked(adminReplica)
        try ReplicationProbe.waitCaughtUp(try Self.authed(mp, "admin", "change-me-admin"), adminReplica)
        #expect(try adminReplica.raw("GET", "app:1") == "$1\r\nv\r\n")

        // The sentinel of the doc, pointed at this master, switches over through the sentinel user.
        let block = try Self.sentinelBlock().replacingOccurrences(of: "sentinel monitor mymaster 10.0.0.1 6379 2",
                                                                   with: "sentinel monitor mymaster 127.0.0.1 \(mp) 1\nsentinel down-after-milliseconds mymaster 1000")
        #expect(block.contains("127.0.0.1 \(mp) 1"))
        let sentinel = try SentinelServerTests.startSentinel(config: block)
        #expect(try RedisConnection(port: sentinel.port).raw("SENTINEL", "MASTERS") == "-NOAUTH Authentication required.\r\n")
        let client = try Self.authed(sentinel.port, "client", "change-me-client")
        #expect(try client.raw("SENTINEL", "SET", "mymaster", "quorum", "2") == "-NOPERM User client has no permissions to run the 'sentinel|set' command\r\n")
        let admin = try Self.authed(sentinel.port, "admin", "change-me-admin")
        try Wait.until(timeoutSeconds: 60, "the sentinel sees the replica") {
            (try admin.call("SENTINEL", "REPLICAS", "mymaster")).elements?.count == 1
        }
        try Wait.until(timeoutSeconds: 60, "SENTINEL FAILOVER is accepted\n\(sentinel.logText)") {
            (try? admin.raw("SENTINEL", "FAILOVER", "mymaster")) == "+OK\r\n"
        }
        try Wait.until(timeoutSeconds: 60, "the replica is the master\n\(sentinel.logText)") {
            (try client.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")).elements?.last?.text == "\(rp)"
        }
        #expect(!sentinel.logText.contains("-failover-abort"), "\(sentinel.logText)")
        #expect(sentinel.logText.contains("+switchover-demoted-old-master"), "\(sentinel.logText)")
        try Wait.untilSurvivingCuts(timeoutSeconds: 30, "the old master replicates from the promoted one") {
            let c = try Self.authed(mp, "admin", "change-me-admin")
            return try ReplicationProbe.info(c, "master_port") == "\(rp)" && ReplicationProbe.info(c, "master_link_status") == "up"
        }
        for port in [mp, rp] {
            // (The app's refusals above are logged on the master; none may be the sentinel's.)
            let log = try Self.authed(port, "admin", "change-me-admin").call("ACL", "LOG")
            let users = (log.elements ?? []).compactMap { $0.pairs?.first { $0.0.text == "username" }?.1.text }
            #expect(!users.contains("sentinel"), "the sentinel was refused on \(port): \(log)")
            #expect(!users.contains("repl"), "the replica was refused on \(port): \(log)")
        }
    }
}
