import Testing
import RESP
import TestSupport

/// DUMP payloads move between miniredis and redis-server in both directions, every type; bad
/// payloads and options get Redis's errors from both.
@Suite struct DumpRestoreTests {
    static func fill(_ c: RedisConnection) throws {
        _ = try c.call("SET", "s", "hello")
        _ = try c.call("SET", "n", "12345")
        _ = try c.call("SET", "big", String(repeating: "abc", count: 1000))
        _ = try c.call(["RPUSH", "l"] + (0..<300).map { "item\($0)" })
        _ = try c.call(["SADD", "set", "a", "b", "c"])
        _ = try c.call(["SADD", "ints", "1", "2", "3"])
        _ = try c.call(["HSET", "h", "f1", "v1", "f2", String(repeating: "w", count: 100)])
        _ = try c.call(["ZADD", "z", "1.5", "a", "-2", "b", "inf", "c"])
    }

    static let keys = ["s", "n", "big", "l", "set", "ints", "h", "z"]

    static func contents(_ c: RedisConnection, _ key: String) throws -> String {
        switch try c.call("TYPE", key).text ?? "" {
        case "string": return try c.call("GET", key).text ?? "?"
        case "list": return (try c.call("LRANGE", key, "0", "-1").elements ?? []).compactMap(\.text).joined(separator: ",")
        case "set": return (try c.call("SMEMBERS", key).elements ?? []).compactMap(\.text).sorted().joined(separator: ",")
        case "hash":
            // Field order is a hash table's: compared as sorted pairs.
            let flat = (try c.call("HGETALL", key).elements ?? []).compactMap(\.text)
            return stride(from: 0, to: flat.count - 1, by: 2).map { "\(flat[$0])=\(flat[$0 + 1])" }.sorted().joined(separator: ",")
        case "zset": return (try c.call("ZRANGE", key, "0", "-1", "WITHSCORES").elements ?? []).compactMap(\.text).joined(separator: ",")
        case let t: return "type \(t)"
        }
    }

    /// Dumps every key on `from` and restores it on `to` under a new name; the values match.
    static func transfer(from: RedisConnection, to: RedisConnection) throws {
        _ = try from.call("FLUSHALL")
        _ = try to.call("FLUSHALL")
        try fill(from)
        for k in keys {
            let payload = try #require(try from.call("DUMP", k).bytes)
            let reply = try to.command(Array("RESTORE".utf8), Array("copy:\(k)".utf8), Array("0".utf8), payload)
            #expect(reply == .simpleString(Array("OK".utf8)), "\(k): \(reply)")
            let copied = try contents(to, "copy:\(k)"), original = try contents(from, k)
            #expect(copied == original, "\(k): \(copied.prefix(200)) vs \(original.prefix(200))")
        }
    }

    @Test func payloadsCrossBothWays() throws {
        let ours = try ServerProcess.miniredis()
        let o = try ours.connect()
        try Self.transfer(from: o, to: o)
        guard let redis = try ServerProcess.redisServer() else { return }
        let r = try redis.connect()
        try Self.transfer(from: r, to: o)
        try Self.transfer(from: o, to: r)
    }

    @Test func errorsAndOptionsAsRedis() throws {
        var transcripts: [[String]] = []
        for server in [try ServerProcess.miniredis(), try ServerProcess.redisServer()].compactMap({ $0 }) {
            let c = try server.connect()
            _ = try c.call("SET", "k", "v")
            _ = try c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
            let payload = try #require(try c.call("DUMP", "k").bytes)
            var bad = payload
            bad[bad.count - 1] ^= 0xFF
            let raw: ([[UInt8]]) throws -> String = { args in
                try c.send(bytes: args)
                return try c.readRaw()
            }
            func b(_ s: String) -> [UInt8] { Array(s.utf8) }
            var t: [String] = []
            t.append(try c.raw("DUMP", "nokey"))
            t.append(try raw([b("RESTORE"), b("k"), b("0"), payload]))
            t.append(try raw([b("RESTORE"), b("k"), b("0"), payload, b("REPLACE")]))
            t.append(try raw([b("RESTORE"), b("k2"), b("0"), bad]))
            t.append(try raw([b("RESTORE"), b("k2"), b("-1"), payload]))
            t.append(try raw([b("RESTORE"), b("k2"), b("x"), payload]))
            t.append(try raw([b("RESTORE"), b("k2"), b("0"), payload, b("BOGUS")]))
            t.append(try raw([b("RESTORE"), b("k3"), b("100000"), payload]))
            t.append(try c.raw("PTTL", "k3").hasPrefix(":") ? "ttl set" : "no ttl")
            t.append(try raw([b("RESTORE"), b("k4"), b("0"), payload, b("IDLETIME"), b("1000")]))
            t.append(try c.raw("OBJECT", "IDLETIME", "k4"))
            t.append(try raw([b("RESTORE"), b("k5"), b("1"), payload, b("ABSTTL")]))
            t.append(try c.raw("EXISTS", "k5"))
            t.append(try raw([b("RESTORE"), b("k6"), b("0"), b("garbage")]))
            transcripts.append(t)
        }
        #expect(transcripts[0][1] == "-BUSYKEY Target key name already exists.\r\n")
        #expect(transcripts[0][3] == "-ERR DUMP payload version or checksum are wrong\r\n")
        #expect(transcripts[0][10] == ":1000\r\n")
        if transcripts.count == 2 { #expect(transcripts[0] == transcripts[1]) }
    }
}
