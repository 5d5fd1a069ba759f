import Foundation
import Glibc
import Testing
import RESP
import TestSupport

/// Passwords on every link: data nodes with requirepass and masterauth, sentinels reaching them
/// with auth-pass, sentinels with their own requirepass reaching each other with sentinel-pass.
/// Monitoring, discovery, failover and get-master-addr-by-name work; missing or wrong passwords
/// get Redis's errors on both programs; a sentinel without the password says why it sees the
/// master down.
@Suite struct AuthEverywhereTests {
    static let nodePass = "n0de-pass"
    static let sentinelPass = "s3ntinel-pass"

    static func authed(_ s: ServerProcess, _ pass: String) throws -> RedisConnection {
        let c = try s.connect()
        let reply = try c.call("AUTH", pass)
        guard reply.text == "OK" else { throw RedisConnection.Failure(description: "AUTH on \(s.port) replied \(reply)") }
        return c
    }

    static func fields(_ reply: RESPValue) -> [String: String] {
        Dictionary((reply.pairs ?? []).map { ($0.0.text ?? "", $0.1.text ?? "") }, uniquingKeysWith: { a, _ in a })
    }

    static func sentinelConfig(masterPort: Int, authPass: String?) -> String {
        """
        bind 127.0.0.1
        requirepass \(sentinelPass)
        sentinel sentinel-pass \(sentinelPass)
        sentinel monitor mymaster 127.0.0.1 \(masterPort) 2
        sentinel down-after-milliseconds mymaster 1000
        sentinel failover-timeout mymaster 10000
        \(authPass.map { "sentinel auth-pass mymaster \($0)" } ?? "")

        """
    }

    @Test func monitoringDiscoveryAndFailoverWithPasswordsEverywhere() throws {
        let nodeArgs = ["--requirepass", Self.nodePass, "--masterauth", Self.nodePass, "--repl-diskless-sync-delay", "0"]
        let master = try ServerProcess.miniredis(nodeArgs)
        let replicas = try (0..<2).map { _ in try ServerProcess.miniredis(nodeArgs + ["--replicaof", "127.0.0.1", "\(master.port)"]) }
        for r in replicas { try ReplicationProbe.waitLinked(Self.authed(r, Self.nodePass)) }
        let sentinels = try (0..<3).map { _ in try SentinelServerTests.startSentinel(config: Self.sentinelConfig(masterPort: master.port, authPass: Self.nodePass)) }
        // Two more that cannot get in: no auth-pass, and a wrong one.
        let noPass = try SentinelServerTests.startSentinel(config: Self.sentinelConfig(masterPort: master.port, authPass: nil))
        let wrongPass = try SentinelServerTests.startSentinel(config: Self.sentinelConfig(masterPort: master.port, authPass: "not-it"))
        let logs = { sentinels.map(\.logText).joined(separator: "\n---\n") }

        // Discovery through authenticated links: replicas from the master's INFO, peers from hellos
        // on the master's channel, and authenticated links to the peers (their flags stay clean).
        try Wait.until(timeoutSeconds: 60, "the sentinels discover replicas and each other through passwords\n\(logs())") {
            try sentinels.allSatisfy { s in
                let c = try Self.authed(s, Self.sentinelPass)
                let f = Self.fields(try c.call("SENTINEL", "MASTER", "mymaster"))
                let peers = (try c.call("SENTINEL", "SENTINELS", "mymaster").elements ?? []).map { Self.fields($0)["flags"] ?? "" }
                return f["flags"] == "master" && f["num-slaves"] == "2" && f["num-other-sentinels"] == "2"
                    && peers.count == 2 && peers.allSatisfy { $0 == "sentinel" }
            }
        }
        for s in sentinels { #expect(!s.logText.contains("refuses our commands"), "\(s.logText)") }

        // Clients of the sentinel: Redis's errors without the password or with a wrong one.
        let anonymous = try sentinels[0].connect()
        #expect(try anonymous.raw("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster") == "-NOAUTH Authentication required.\r\n")
        #expect(try anonymous.raw("AUTH", "wrong") == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        #expect(try anonymous.raw("AUTH", "default", "wrong") == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        #expect(try anonymous.raw("HELLO", "3", "AUTH", "default", "wrong") == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        #expect(try anonymous.call("AUTH", "default", Self.sentinelPass).text == "OK")
        #expect(try anonymous.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster") == .array([.bulk("127.0.0.1"), .bulk("\(master.port)")]))
        // And of the data node.
        let node = try master.connect()
        #expect(try node.raw("SET", "k", "v") == "-NOAUTH Authentication required.\r\n")
        #expect(try node.raw("AUTH", Self.sentinelPass) == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")

        // The sentinels that cannot authenticate see the master down and say why; they keep serving.
        for (s, error) in [(noPass, "NOAUTH Authentication required."), (wrongPass, "WRONGPASS invalid username-password pair")] {
            try Wait.until(timeoutSeconds: 30, "sentinel \(s.port) reports the master down and why\n\(s.logText)") {
                let f = Self.fields(try Self.authed(s, Self.sentinelPass).call("SENTINEL", "MASTER", "mymaster"))
                return (f["flags"] ?? "").contains("s_down") && s.logText.contains("master mymaster 127.0.0.1 \(master.port) refuses our commands: \(error)")
            }
            #expect(try s.connect().raw("PING") == "-NOAUTH Authentication required.\r\n")
        }

        // Failover with passwords on every link.
        let m = try Self.authed(master, Self.nodePass)
        for i in 0..<100 { try m.call("SET", "acked:\(i)", "\(i)") }
        #expect(try m.call("WAIT", "2", "5000") == .integer(2))
        let old = master.port
        master.kill()
        var newPort = 0
        try Wait.untilSurvivingCuts(timeoutSeconds: 60, "all sentinels name a new master\n\(logs())") {
            let ports = try sentinels.map { s in
                try Self.authed(s, Self.sentinelPass).call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster").elements?.last?.text.flatMap { Int($0) }
            }
            guard let p = ports[0], p != old, ports.allSatisfy({ $0 == p }) else { return false }
            newPort = p
            return true
        }
        let promoted = try #require(replicas.first { $0.port == newPort })
        // A sentinel's reconfiguration (its CLIENT KILL) can still cut a connection to the new
        // master: a cut read is retried on a new one, a wrong answer is not (as FailoverFleet).
        func onPromoted(_ args: String...) throws -> RESPValue {
            var answer: RESPValue?
            try Wait.untilSurvivingCuts(timeoutSeconds: 30, "\(args) answered by the new master") {
                answer = try Self.authed(promoted, Self.nodePass).call(args)
                return true
            }
            return answer!
        }
        #expect(try onPromoted("INFO", "replication").text?.contains("role:master\r\n") == true)
        #expect(try onPromoted("GET", "acked:99") == .bulk("99"))
        #expect(try onPromoted("SET", "after", "failover") == .simpleString(Array("OK".utf8)))
        // The other replica and the returning old master follow it, authenticating with masterauth.
        try master.restart()
        for n in replicas + [master] where n.port != newPort {
            try Wait.untilSurvivingCuts(timeoutSeconds: 60, "\(n.port) replicates from \(newPort)\n\(logs())") {
                let c = try Self.authed(n, Self.nodePass)
                return try ReplicationProbe.info(c, "master_port") == "\(newPort)" && ReplicationProbe.info(c, "master_link_status") == "up"
                    && c.call("GET", "after") == .bulk("failover")
            }
        }
    }

    /// Byte for byte what redis-server and redis-sentinel answer, with and without a password
    /// configured, for missing, wrong and right credentials.
    @Test func authRepliesAreRedisRepliesOnBothPrograms() throws {
        guard let redisServer = try Binaries.requireRedis("redis-server"),
              let redisSentinel = try Binaries.requireRedis("redis-sentinel") else { return }
        _ = redisServer
        func sentinel(_ exe: String, pass: String?) throws -> ServerProcess {
            let port = TestPorts.next()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(port)-\(UUID().uuidString.prefix(6))")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let conf = dir.appendingPathComponent("sentinel.conf")
            try "port \(port)\n\(pass.map { "requirepass \($0)\n" } ?? "")sentinel monitor mymaster 127.0.0.1 1 2\n".write(to: conf, atomically: true, encoding: .utf8)
            let s = try ServerProcess(executable: exe, arguments: [conf.path], port: port, directory: dir)
            try s.waitUntilReady()
            return s
        }
        let withPass: [[[String]]] = [
            [["PING"]], [["FOO", "bar"]], [["PING", "a", "b"]], [["AUTH"]], [["AUTH", "wrong"]], [["AUTH", "default", "wrong"]],
            [["AUTH", "nosuch", "s3cret"]], [["AUTH", "a", "b", "c"]], [["HELLO", "3", "AUTH", "default", "wrong"]],
            [["HELLO", "3", "AUTH", "nosuch", "s3cret"]], [["HELLO", "3", "AUTH", "default"]], [["AUTH", "s3cret"], ["PING"]],
            [["AUTH", "default", "s3cret"], ["AUTH", "wrong"], ["PING"]],
        ]
        let withoutPass: [[[String]]] = [
            [["AUTH", "x"]], [["AUTH", "default", "anything"], ["PING"]], [["AUTH", "nosuch", "x"]], [["AUTH", "a", "b", "c"]],
            [["HELLO", "3", "AUTH", "nosuch", "x"]],
        ]
        let pairs: [(String, ServerProcess?, ServerProcess?, [[[String]]])] = [
            ("data node with requirepass", try ServerProcess.redisServer(["--requirepass", "s3cret"]), try ServerProcess.miniredis(["--requirepass", "s3cret"]),
             withPass + [[["GET", "x"]], [["AUTH", "s3cret"], ["GET", "x"]]]),
            ("data node without password", try ServerProcess.redisServer(), try ServerProcess.miniredis(), withoutPass),
            ("sentinel with requirepass", try sentinel(redisSentinel, pass: "s3cret"), try sentinel(Binaries.sentinel, pass: "s3cret"),
             withPass + [[["GET", "x"]], [["SENTINEL", "MYID"]], [["AUTH", "s3cret"], ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nosuch"]]]),
            ("sentinel without password", try sentinel(redisSentinel, pass: nil), try sentinel(Binaries.sentinel, pass: nil), withoutPass),
        ]
        for (what, redis, ours, cases) in pairs {
            guard let redis, let ours else { continue }
            for commands in cases {
                func replies(_ s: ServerProcess) throws -> String {
                    let c = try s.connect()
                    return try commands.map { try c.raw($0) }.joined()
                }
                let expected = try replies(redis)
                #expect(try replies(ours) == expected, "\(what): \(commands)")
            }
        }
    }
}
