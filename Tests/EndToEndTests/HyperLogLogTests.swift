import Testing
import RESP
import TestSupport

/// PFADD/PFCOUNT/PFMERGE give redis-server's numbers exactly, and HLL strings move between the
/// two programs (Redis's sparse form read by miniredis, miniredis's dense form by Redis).
@Suite struct HyperLogLogTests {
    static func session(_ server: ServerProcess) throws -> [String] {
        let c = try server.connect()
        var out: [String] = []
        out.append(try c.raw("PFADD", "h0"))
        out.append(try c.raw("PFADD", "h0"))
        out.append(try c.raw("PFCOUNT", "h0"))
        for (key, n) in [("h1", 1), ("h10", 10), ("h1k", 1000), ("h50k", 50_000)] {
            for start in stride(from: 0, to: n, by: 1000) {
                let batch = (start..<min(n, start + 1000)).map { "\(key)-element-\($0)" }
                _ = try c.call(["PFADD", key] + batch)
            }
            out.append("\(key): \(try c.raw("PFCOUNT", key))")
        }
        out.append(try c.raw("PFADD", "h10", "h10-element-3"))
        out.append(try c.raw("PFCOUNT", "h10", "h1k", "nokey"))
        out.append(try c.raw("PFMERGE", "m", "h1k", "h50k", "nokey"))
        out.append(try c.raw("PFCOUNT", "m"))
        _ = try c.call("SET", "str", "not an hll")
        _ = try c.call("RPUSH", "list", "x")
        out.append(try c.raw("PFADD", "str", "a"))
        out.append(try c.raw("PFCOUNT", "str"))
        out.append(try c.raw("PFCOUNT", "list"))
        out.append(try c.raw("PFMERGE", "str", "h1"))
        return out
    }

    @Test func countsAsRedis() throws {
        let ours = try Self.session(try ServerProcess.miniredis())
        #expect(ours.contains("-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"))
        guard let redis = try ServerProcess.redisServer() else { return }
        let theirs = try Self.session(redis)
        #expect(ours == theirs)
        print("hyperloglog: ours \(ours.filter { $0.hasPrefix("h") }), redis \(theirs.filter { $0.hasPrefix("h") })")
    }

    @Test func stringsCrossBothWays() throws {
        let ours = try ServerProcess.miniredis()
        guard let redis = try ServerProcess.redisServer() else { return }
        let o = try ours.connect(), r = try redis.connect()
        for (from, to) in [(r, o), (o, r)] {
            for size in [5, 3000] {
                let key = "cross\(size)"
                _ = try from.call(["PFADD", key] + (0..<size).map { "e\($0)" })
                let bytes = try #require(try from.call("GET", key).bytes)
                #expect(try to.command(Array("SET".utf8), Array(key.utf8), bytes) == .simpleString(Array("OK".utf8)))
                #expect(try to.call("PFCOUNT", key) == from.call("PFCOUNT", key), "\(key)")
                #expect(try to.call("PFADD", key, "one-more") == from.call("PFADD", key, "one-more"))
                #expect(try to.call("PFCOUNT", key) == from.call("PFCOUNT", key))
            }
        }
    }
}
