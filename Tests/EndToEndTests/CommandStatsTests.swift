import Testing
import RESP
import TestSupport

/// INFO commandstats and errorstats count what redis-server counts: calls, rejected calls
/// (refused before running) and failed calls (ran and replied an error), per error code.
@Suite struct CommandStatsTests {
    static func stats(_ server: ServerProcess) throws -> (commands: [String], errors: String, total: String?) {
        let c = try server.connect()
        _ = try c.call("CONFIG", "RESETSTAT")
        _ = try c.call("SET", "k", "v")
        _ = try c.call("SET", "k", "w")
        _ = try c.call("GET", "k")
        _ = try c.call("GET")
        _ = try c.call("LPUSH", "k", "x")
        _ = try c.call("INCR", "k")
        _ = try c.call("NOSUCHCOMMAND")
        _ = try c.call("MULTI")
        _ = try c.call("LPUSH", "k", "y")
        _ = try c.call("EXEC")
        let text = try c.call("INFO", "commandstats").text ?? ""
        // usec differs between programs; config's own line is config|resetstat in Redis 7.
        let commands = text.split(separator: "\r\n").filter { $0.hasPrefix("cmdstat_") && !$0.hasPrefix("cmdstat_config") }.map { line in
            line.split(separator: ",").filter { !$0.hasPrefix("usec") }.joined(separator: ",")
        }
        let errors = try c.call("INFO", "errorstats").text ?? ""
        return (commands, errors, try ReplicationProbe.info(c, "total_error_replies", section: "stats"))
    }

    @Test func countsAsRedis() throws {
        let ours = try Self.stats(try ServerProcess.miniredis())
        #expect(ours.commands.contains("cmdstat_get:calls=1,rejected_calls=1,failed_calls=0"), "\(ours.commands)")
        #expect(ours.commands.contains("cmdstat_lpush:calls=2,rejected_calls=0,failed_calls=2"), "\(ours.commands)")
        #expect(ours.total == "5")
        guard let redis = try ServerProcess.redisServer() else { return }
        let theirs = try Self.stats(redis)
        // Redis lists them in its dictionary's order, miniredis by name.
        #expect(ours.commands == theirs.commands.sorted())
        #expect(ours.errors == theirs.errors)
        #expect(ours.total == theirs.total)
    }
}
