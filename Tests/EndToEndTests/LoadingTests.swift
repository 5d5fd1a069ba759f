import Foundation
import Testing
import RESP
import TestSupport

/// A node loading its dataset at start-up keeps serving: -LOADING for what needs the data
/// (PING included, as a sentinel watching a rebooted master relies on), INFO with loading:1,
/// then every key; a SHUTDOWN meanwhile exits without writing a partial dataset over the file.
/// Both programs, the same flags (key-load-delay slows the load down, as Redis's own sentinel
/// tests do).
@Suite struct LoadingTests {
    static func observe(_ make: ([String]) throws -> ServerProcess?) throws -> [String]? {
        guard let s = try make(["--enable-debug-command", "yes", "--save", "", "--appendonly", "no"]) else { return nil }
        let c = try s.connect()
        _ = try c.call("DEBUG", "POPULATE", "20000")
        _ = try c.call("SAVE")
        let args = ["--port", "\(s.port)", "--save", "", "--appendonly", "no", "--key-load-delay", "300", "--loading-process-events-interval-bytes", "1024"]
        try s.restart(arguments: args)
        let l = try s.connect()
        var seen: [String] = []
        seen.append(try l.raw("PING"))
        seen.append(try l.raw("GET", "key:1"))
        seen.append((try ReplicationProbe.info(l, "loading", section: "persistence")) ?? "?")
        seen.append(try l.raw("SELECT", "0"))
        try Wait.until(timeoutSeconds: 60, "the load ends") { try s.connect().call("PING").text == "PONG" }
        let done = try s.connect()
        seen.append(try done.raw("DBSIZE"))
        seen.append((try ReplicationProbe.info(done, "loading", section: "persistence")) ?? "?")
        // A SHUTDOWN in the middle of a load: the file stays whole.
        let file = s.directory.appendingPathComponent("dump.rdb")
        let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? -1
        try s.restart(arguments: args + ["--save", "3600 1"])
        try s.connect().send(["SHUTDOWN"])
        try Wait.until(timeoutSeconds: 30, "the node exits") { !s.process.isRunning }
        let after = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? -2
        seen.append(after == size ? "file kept" : "file changed \(size) -> \(after)")
        return seen
    }

    @Test func servesWhileLoadingAsRedis() throws {
        let ours = try #require(try Self.observe { try ServerProcess.miniredis($0) })
        #expect(ours[0] == "-LOADING Redis is loading the dataset in memory\r\n")
        #expect(ours[2] == "1" && ours[4] == ":20000\r\n" && ours[5] == "0" && ours[6] == "file kept", "\(ours)")
        guard let theirs = try Self.observe({ try ServerProcess.redisServer($0) }) else { return }
        #expect(ours == theirs)
    }
}
