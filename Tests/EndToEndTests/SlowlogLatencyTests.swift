import Testing
import RESP
import TestSupport

/// SLOWLOG and LATENCY on miniredis and redis-server with the same flags in one run: what is
/// logged (arguments trimmed and redacted as Redis does), the reply shapes and the errors.
@Suite struct SlowlogLatencyTests {
    /// The entries' arguments and client names (ids, times and ports differ between programs).
    static func logged(_ c: RedisConnection, _ count: String) throws -> [[String]] {
        try (c.call("SLOWLOG", "GET", count).elements ?? []).map { e in
            let f = e.elements ?? []
            #expect(f.count == 6)
            return (f[3].elements ?? []).map { $0.text ?? "?" } + ["name=" + (f[5].text ?? "?")]
        }
    }

    static func session(_ server: ServerProcess) throws -> (entries: [[String]], raws: [String]) {
        let c = try server.connect()
        _ = try c.call("CONFIG", "SET", "slowlog-log-slower-than", "0")
        _ = try c.call("SLOWLOG", "RESET")
        _ = try c.call("CLIENT", "SETNAME", "tester")
        _ = try c.call("SET", "k", "v")
        _ = try c.call(["RPUSH", "l"] + (1...40).map(String.init))
        _ = try c.call("SET", "long", String(repeating: "x", count: 200))
        _ = try c.call("AUTH", "user", "secret")
        _ = try c.call("HELLO", "2", "AUTH", "default", "secret")
        _ = try c.call("CONFIG", "SET", "masterauth", "secret")
        let entries = try logged(c, "6")
        var raws: [String] = []
        raws.append(try c.raw("SLOWLOG", "LEN"))
        raws.append(try c.raw("SLOWLOG", "GET", "-2"))
        raws.append(try c.raw("SLOWLOG", "GET", "x"))
        raws.append(try c.raw("SLOWLOG", "NOPE"))
        raws.append(try c.raw("SLOWLOG", "LEN", "extra"))
        raws.append(try c.raw("SLOWLOG", "HELP").replacingOccurrences(of: "Prints this help.", with: "Print this help."))
        raws.append(try c.raw("SLOWLOG", "RESET"))
        raws.append(try c.raw("SLOWLOG", "LEN"))
        _ = try c.call("CONFIG", "SET", "slowlog-max-len", "2")
        for _ in 0..<5 { _ = try c.call("PING") }
        raws.append(try c.raw("SLOWLOG", "LEN"))
        raws.append(try c.raw("CONFIG", "SET", "slowlog-log-slower-than", "-2"))
        return (entries, raws)
    }

    @Test func slowlogAsRedis() throws {
        let ours = try Self.session(try ServerProcess.miniredis())
        let expected: [[String]] = [
            ["CONFIG", "SET", "masterauth", "(redacted)", "name=tester"],
            ["HELLO", "2", "AUTH", "(redacted)", "(redacted)", "name=tester"],
            ["AUTH", "(redacted)", "(redacted)", "name=tester"],
            ["SET", "long", String(repeating: "x", count: 128) + "... (72 more bytes)", "name=tester"],
            ["RPUSH", "l"] + (1...29).map(String.init) + ["... (11 more arguments)", "name=tester"],
            ["SET", "k", "v", "name=tester"],
        ]
        #expect(ours.entries == expected)
        #expect(ours.raws[1] == "-ERR count should be greater than or equal to -1\r\n")
        guard let redisServer = try ServerProcess.redisServer() else { return }
        let redis = try Self.session(redisServer)
        #expect(ours.entries == redis.entries)
        #expect(ours.raws == redis.raws)
    }

    @Test func slowCommandsAndLatencySpikesAreRecorded() throws {
        let flags = ["--enable-debug-command", "yes", "--latency-monitor-threshold", "10"]
        for server in [try ServerProcess.miniredis(flags), try ServerProcess.redisServer(flags)].compactMap({ $0 }) {
            let c = try server.connect()
            _ = try c.call("SLOWLOG", "RESET")
            _ = try c.call("DEBUG", "SLEEP", "0.03")
            // The default threshold (10 ms) logs it, with its time in microseconds.
            let entry = try #require(try c.call("SLOWLOG", "GET", "1").elements?.first?.elements)
            #expect(entry[3] == .array([.bulk("DEBUG"), .bulk("SLEEP"), .bulk("0.03")]), "port \(server.port)")
            #expect((entry[2].integerValue ?? 0) >= 30_000, "port \(server.port): \(entry[2])")
            let latest = try #require(try c.call("LATENCY", "LATEST").elements)
            let command = try #require(latest.first { $0.elements?.first?.text == "command" }?.elements, "port \(server.port): \(latest)")
            #expect(command.count == 4 && (command[2].integerValue ?? 0) >= 30 && (command[3].integerValue ?? 0) >= 30)
            #expect(try c.call("LATENCY", "HISTORY", "command").elements?.count == 1)
            #expect(try c.call("LATENCY", "HISTORY", "nothing") == .array([]))
            #expect(try c.call("LATENCY", "RESET", "command", "command") == .integer(1))
            #expect(try c.call("LATENCY", "LATEST") == .array([]))
        }
    }
}
