import Testing
import RESP
import TestSupport

/// MONITOR on miniredis and redis-server: the same commands give the same lines (timestamps and
/// client ports aside): quoting and escapes, database numbers, admin commands left out,
/// passwords redacted.
@Suite struct MonitorTests {
    static func lines(_ server: ServerProcess) throws -> [String] {
        let monitor = try server.connect()
        #expect(try monitor.raw("MONITOR") == "+OK\r\n")
        let c = try server.connect()
        _ = try c.call("SET", "k", "v")
        _ = try c.call("SET", "weird", "a \"quoted\"\nline\t\u{01}\\")
        _ = try c.call("GET", "k")
        _ = try c.call("CONFIG", "GET", "port")
        _ = try c.call("AUTH", "secret")
        _ = try c.call("SELECT", "2")
        _ = try c.call("INCR", "n")
        _ = try c.call("MULTI")
        _ = try c.call("SET", "x", "1")
        _ = try c.call("EXEC")
        _ = try c.call("ECHO", "last")
        var out: [String] = []
        while out.last?.contains("\"last\"") != true {
            let line = try monitor.readRaw()
            // "+<time> [<db> 127.0.0.1:<port>] args": the time and the port differ between runs.
            guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]") else { out.append(line); continue }
            let inside = line[line.index(after: open)..<close]
            let db = inside.split(separator: " ").first ?? ""
            out.append("[\(db)]" + line[line.index(after: close)...])
        }
        #expect(try c.raw("MONITOR") == "+OK\r\n")
        return out
    }

    @Test func monitorLinesAsRedis() throws {
        let ours = try Self.lines(try ServerProcess.miniredis())
        #expect(ours.first == "[0] \"SET\" \"k\" \"v\"\r\n")
        #expect(ours.contains("[0] \"AUTH\" \"(redacted)\"\r\n"))
        #expect(!ours.contains { $0.contains("CONFIG") })
        guard let redis = try ServerProcess.redisServer() else { return }
        let theirs = try Self.lines(redis)
        #expect(ours == theirs, "ours:\n\(ours.joined())\nredis:\n\(theirs.joined())")
    }
}
