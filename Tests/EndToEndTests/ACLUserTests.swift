import Foundation
import Testing
import TestSupport

/// The ACL both servers have, in the steps of Redis's tests/sentinel (09-acl-support on the
/// sentinel, 03-runtime-reconf on the data nodes): a user with a password, the default user
/// turned off, its clients killed, logging in as the new user, the user deleted. Each step's
/// reply is compared with the real program's (redis-sentinel, redis-server) when installed.
@Suite struct ACLUserTests {
    /// Runs the steps on one server; returns every reply as raw RESP.
    static func steps(port: Int) throws -> [String] {
        var out: [String] = []
        let c1 = try RedisConnection(port: port)
        out.append(try c1.raw("ACL", "SETUSER", "testuser", ">secret", "+@all", "on"))
        out.append(try c1.raw("ACL", "SETUSER", "default", "off"))
        let c2 = try RedisConnection(port: port)
        out.append(try c2.raw("PING"))
        out.append(try c2.raw("AUTH", "testuser", "wrong"))
        out.append(try c2.raw("AUTH", "testuser", "secret"))
        out.append(try c2.raw("ACL", "WHOAMI"))
        out.append(try c2.raw("CLIENT", "KILL", "USER", "default", "SKIPME", "no"))
        out.append(try c2.raw("CLIENT", "KILL", "USER", "nosuch"))
        out.append(try c2.raw("ACL", "SETUSER", "default", "on"))
        let c3 = try RedisConnection(port: port)
        out.append(try c3.raw("PING"))
        out.append(try c3.raw("ACL", "USERS"))
        out.append(try c3.raw("ACL", "DELUSER", "testuser", "nosuch"))
        out.append(try c3.raw("ACL", "DELUSER", "default"))
        // The deleted user's connection was closed.
        out.append((try? c2.raw("PING")) ?? "closed")
        out.append(try c3.raw("ACL", "WHOAMI"))
        return out
    }

    static let expected = [
        "+OK\r\n", "+OK\r\n",
        "-NOAUTH Authentication required.\r\n",
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n",
        "+OK\r\n", "$8\r\ntestuser\r\n", ":1\r\n", "-ERR No such user 'nosuch'\r\n", "+OK\r\n",
        "+PONG\r\n", "*2\r\n$7\r\ndefault\r\n$8\r\ntestuser\r\n", ":1\r\n",
        "-ERR The 'default' user cannot be removed\r\n", "closed", "$7\r\ndefault\r\n",
    ]

    @Test func sentinelUsersAsRedisSentinel() throws {
        let ours = try SentinelServerTests.startSentinel(config: "sentinel monitor m 127.0.0.1 1 2\n")
        let got = try Self.steps(port: ours.port)
        #expect(got == Self.expected)
        if let exe = try Binaries.requireRedis("redis-sentinel") {
            let port = TestPorts.next()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("acl-real-\(port)-\(UUID().uuidString.prefix(6))")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let conf = dir.appendingPathComponent("sentinel.conf")
            try "port \(port)\nsentinel monitor m 127.0.0.1 1 2\n".write(to: conf, atomically: true, encoding: .utf8)
            let real = try ServerProcess(executable: exe, arguments: [conf.path], port: port, directory: dir)
            try real.waitUntilReady()
            #expect(try Self.steps(port: real.port) == got)
        }
    }

    @Test func miniredisUsersAsRedisServer() throws {
        let node = try ServerProcess.miniredis()
        let got = try Self.steps(port: node.port)
        #expect(got == Self.expected)
        if let real = try ServerProcess.redisServer() {
            #expect(try Self.steps(port: real.port) == got)
        }
    }

    /// A user without commands may log in but run nothing. NOPERM is worded as each program's
    /// Redis version words it: redis-server 7.0's for miniredis, redis-sentinel 7.2's for ours.
    @Test func usersWithoutCommands() throws {
        let sentinel = try SentinelServerTests.startSentinel(config: "sentinel monitor m 127.0.0.1 1 2\n")
        let node = try ServerProcess.miniredis()
        let cases = [(node.port, "-NOPERM this user has no permissions to run the 'ping' command\r\n"),
                     (sentinel.port, "-NOPERM User reader has no permissions to run the 'ping' command\r\n")]
        for (port, noperm) in cases {
            let c = try RedisConnection(port: port)
            #expect(try c.raw("ACL", "SETUSER", "reader", "on", "nopass") == "+OK\r\n")
            let r = try RedisConnection(port: port)
            #expect(try r.raw("AUTH", "reader", "anything") == "+OK\r\n")
            #expect(try r.raw("PING") == noperm)
            #expect(try c.raw("ACL", "SETUSER", "reader", "+@all") == "+OK\r\n")
            #expect(try r.raw("PING") == "+PONG\r\n")
        }
    }
}
