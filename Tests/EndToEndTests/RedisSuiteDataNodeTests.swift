import Foundation
import Testing
import TestSupport

/// What Redis's tests/sentinel asks of the data node, checked on miniredis and, in the same test,
/// on redis-server when it is installed.
@Suite struct RedisSuiteDataNodeTests {
    /// 07-down-conditions, "SDOWN is triggered by misconfigured instance replying with errors":
    /// a node whose BGSAVE failed (dir /, dbfilename tmp: a directory) with save rules set
    /// answers PING with MISCONF, so its sentinels see it down.
    @Test func pingAnswersMisconfAfterAFailedBgsave() throws {
        // As the harness starts its nodes: dir and dbfilename may be changed at run time.
        let extra = ["--enable-protected-configs", "yes"]
        var nodes = [try ServerProcess.miniredis(extra)]
        if let real = try ServerProcess.redisServer(extra) { nodes.append(real) }
        var replies: [String] = []
        for node in nodes {
            let c = try node.connect()
            let dir = try #require(try c.call("CONFIG", "GET", "dir").elements?.last?.text)
            _ = try c.call("CONFIG", "SET", "dir", "/")
            _ = try c.call("CONFIG", "SET", "dbfilename", "tmp")
            _ = try c.call("CONFIG", "SET", "save", "1000000 1000000")
            _ = try c.call("BGSAVE")
            try Wait.until(timeoutSeconds: 20, "BGSAVE failed on port \(node.port)") {
                (try c.call("INFO", "persistence").text ?? "").contains("rdb_last_bgsave_status:err")
            }
            replies.append(try c.raw("PING"))
            #expect(try c.raw("SET", "k", "v").hasPrefix("-MISCONF "))
            _ = try c.call("CONFIG", "SET", "save", "")
            #expect(try c.raw("PING") == "+PONG\r\n")
            // The test then goes back to the directory CONFIG GET named: a chdir, done by both.
            #expect(try c.raw("CONFIG", "SET", "dir", dir) == "+OK\r\n")
            #expect(try c.call("CONFIG", "GET", "dir").elements?.last?.text == dir)
            #expect(try c.raw("CONFIG", "SET", "dir", "/nonexistent-\(node.port)").hasPrefix("-ERR CONFIG SET failed"))
        }
        #expect(replies[0].hasPrefix("-MISCONF "), "\(replies[0])")
        if replies.count == 2 { #expect(replies[0] == replies[1]) }
    }
}
