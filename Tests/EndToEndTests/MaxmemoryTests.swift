import Foundation
import Testing
import RESP
import TestSupport

/// maxmemory and eviction, each checked on miniredis and on redis-server started with the same
/// flags in the same test: the errors byte for byte, the policies by what they keep.
@Suite struct MaxmemoryTests {
    /// Both programs with the same flags (redis-server nil only outside CI without Redis).
    static func pair(_ flags: [String]) throws -> (ServerProcess, ServerProcess?) {
        (try ServerProcess.miniredis(flags), try ServerProcess.redisServer(flags))
    }

    static func info(_ c: RedisConnection, _ field: String, _ section: String) throws -> Int {
        Int(try ReplicationProbe.info(c, field, section: section) ?? "") ?? -1
    }

    /// Writes 1 KB values in pipelined batches until a write is refused; returns its raw reply.
    static func fillUntilRefused(_ c: RedisConnection, prefix: String = "k", limit: Int = 200_000) throws -> String? {
        let value = [UInt8](repeating: UInt8(ascii: "x"), count: 1000)
        var i = 0
        while i < limit {
            let batch = (0..<100).map { n in [Array("SET".utf8), Array("\(prefix):\(i + n)".utf8), value] }
            i += 100
            for reply in try c.pipeline(batch) {
                if case .error(let e) = reply { return "-" + String(decoding: e, as: UTF8.self) + "\r\n" }
            }
        }
        return nil
    }

    @Test func noevictionRefusesWritesWithRedisErrorAndKeepsEveryKey() throws {
        let flags = ["--maxmemory", "3mb", "--maxmemory-policy", "noeviction"]
        let (ours, redis) = try Self.pair(flags)
        var refusals: [String] = []
        for server in [ours, redis].compactMap({ $0 }) {
            let c = try server.connect()
            let refused = try #require(try Self.fillUntilRefused(c), "port \(server.port) never refused a write")
            refusals.append(refused)
            let stored = Int(try c.call("DBSIZE").integerValue ?? 0)
            #expect(stored > 500, "port \(server.port) stored only \(stored) keys under 3mb")
            // Nothing is evicted: every key written before the refusal is still there.
            #expect(try c.call("GET", "k:0") == .bulk(String(repeating: "x", count: 1000)))
            #expect(try Self.info(c, "evicted_keys", "stats") == 0)
            // Reads and deletes still run; a command that may grow memory does not, in MULTI too.
            #expect(try c.raw("SADD", "s", "a") == refused)
            #expect(try c.call("MULTI") == .simpleString(Array("OK".utf8)))
            #expect(try c.raw("SET", "x", "y") == refused)
            #expect(try c.raw("EXEC") == "-EXECABORT Transaction discarded because of previous errors.\r\n")
            #expect(try c.call("DEL", "k:0") == .integer(1))
            #expect(try ReplicationProbe.info(c, "maxmemory_policy", section: "memory") == "noeviction")
            #expect(try Self.info(c, "maxmemory", "memory") == 3 * 1024 * 1024)
            // Freed below the limit (FLUSHALL is not denyoom), writes are accepted again.
            #expect(try c.call("FLUSHALL") == .simpleString(Array("OK".utf8)))
            #expect(try c.call("SET", "after", "flush") == .simpleString(Array("OK".utf8)))
        }
        #expect(refusals.first == "-OOM command not allowed when used memory > 'maxmemory'.\r\n")
        if refusals.count == 2 { #expect(refusals[0] == refusals[1]) }
    }

    @Test func allkeysLRUKeepsTheKeysInUse() throws {
        let flags = ["--maxmemory", "4mb", "--maxmemory-policy", "allkeys-lru", "--maxmemory-samples", "10"]
        let (ours, redis) = try Self.pair(flags)
        for server in [ours, redis].compactMap({ $0 }) {
            let c = try server.connect()
            let value = [UInt8](repeating: UInt8(ascii: "c"), count: 1000)
            func write(_ prefix: String, _ batches: Int) throws {
                for batch in 0..<batches {
                    _ = try c.pipeline((0..<100).map { [Array("SET".utf8), Array("\(prefix):\(batch * 100 + $0)".utf8), value] })
                }
            }
            // Old keys, left alone until the LRU clock (1 s resolution) sees them idle.
            try write("old", 15)
            let hot = (0..<100).map { "hot:\($0)" }
            for k in hot { try c.call("SET", k, String(repeating: "h", count: 1000)) }
            try Wait.until(timeoutSeconds: 10, "old keys idle for 2 s") {
                try c.call("OBJECT", "IDLETIME", "old:0").integerValue ?? 0 >= 2
            }
            // The hot keys are read, then new writes push the dataset over the limit.
            _ = try c.pipeline(hot.map { [Array("GET".utf8), Array($0.utf8)] })
            try write("new", 25)
            let evicted = try Self.info(c, "evicted_keys", "stats")
            #expect(evicted > 500, "port \(server.port) evicted \(evicted)")
            let survivors = try c.pipeline(hot.map { [Array("EXISTS".utf8), Array($0.utf8)] }).filter { $0 == .integer(1) }.count
            #expect(survivors >= 95, "port \(server.port): \(survivors) of 100 hot keys survived")
            let oldLeft = try c.pipeline((0..<1500).map { [Array("EXISTS".utf8), Array("old:\($0)".utf8)] }).filter { $0 == .integer(1) }.count
            #expect(oldLeft < 1000, "port \(server.port): \(oldLeft) of 1500 idle keys survived")
            let used = try Self.info(c, "used_memory", "memory")
            #expect(used <= 4 * 1024 * 1024 + 256 * 1024, "port \(server.port) holds \(used) bytes")
        }
    }

    @Test func volatilePoliciesEvictOnlyKeysWithAnExpiryAndTTLTakesTheSoonest() throws {
        let flags = ["--maxmemory", "3mb", "--maxmemory-policy", "volatile-ttl"]
        let (ours, redis) = try Self.pair(flags)
        for server in [ours, redis].compactMap({ $0 }) {
            let c = try server.connect()
            let value = String(repeating: "v", count: 1000)
            // Persistent keys first, then keys with an expiry: the soonest go first.
            for i in 0..<500 { try c.call("SET", "keep:\(i)", value) }
            for i in 0..<3000 {
                let reply = try c.call("SET", "ttl:\(i)", value, "EX", "\(100_000 - i)")
                if case .error = reply { break }
            }
            #expect(try Self.info(c, "evicted_keys", "stats") > 0)
            let kept = try c.pipeline((0..<500).map { [Array("EXISTS".utf8), Array("keep:\($0)".utf8)] }).filter { $0 == .integer(1) }.count
            #expect(kept == 500, "port \(server.port) evicted keys without an expiry")
            // The last written (shortest TTL) keys went first; the first written survive.
            #expect(try c.call("EXISTS", "ttl:0") == .integer(1), "port \(server.port)")
            // Nothing volatile left to evict: writes are refused as under noeviction.
            #expect(try c.call("CONFIG", "SET", "maxmemory-policy", "volatile-lru") == .simpleString(Array("OK".utf8)))
            for i in 0..<3000 { try c.call("PERSIST", "ttl:\(i)") }
            #expect(try Self.fillUntilRefused(c, prefix: "more") == "-OOM command not allowed when used memory > 'maxmemory'.\r\n")
        }
    }

    @Test func configSetBelowUseEvictsDownAndBadValuesGetRedisErrors() throws {
        let (ours, redis) = try Self.pair(["--maxmemory-policy", "allkeys-random"])
        var replies: [[String]] = []
        for server in [ours, redis].compactMap({ $0 }) {
            let c = try server.connect()
            let value = [UInt8](repeating: 0x61, count: 1000)
            for b in 0..<50 { _ = try c.pipeline((0..<100).map { [Array("SET".utf8), Array("k:\(b * 100 + $0)".utf8), value] }) }
            #expect(try c.call("DBSIZE") == .integer(5000))
            #expect(try c.call("CONFIG", "SET", "maxmemory", "2mb") == .simpleString(Array("OK".utf8)))
            // Evicted down at once (or by the next commands, if the pass ran out of time).
            try Wait.until(timeoutSeconds: 10, "port \(server.port) evicts down to maxmemory") {
                _ = try c.call("PING")
                return try Self.info(c, "used_memory", "memory") <= 2 * 1024 * 1024
            }
            let left = Int(try c.call("DBSIZE").integerValue ?? 0)
            #expect(left > 100 && left < 5000, "port \(server.port) kept \(left)")
            replies.append([
                try c.raw("CONFIG", "SET", "maxmemory", "lots"),
                try c.raw("CONFIG", "SET", "maxmemory", "-1"),
                try c.raw("CONFIG", "SET", "maxmemory-policy", "most-recent"),
                try c.raw("CONFIG", "SET", "maxmemory-samples", "0"),
                try c.raw("CONFIG", "SET", "maxmemory-samples", "65"),
                try c.raw("CONFIG", "SET", "maxmemory-eviction-tenacity", "101"),
                try c.raw("CONFIG", "SET", "lfu-log-factor", "-1"),
                try c.raw("CONFIG", "GET", "maxmemory*"),
                try c.raw("CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LFU"),
                try c.raw("CONFIG", "GET", "maxmemory-policy"),
            ])
        }
        #expect(replies[0][0].hasPrefix("-ERR CONFIG SET failed (possibly related to argument 'maxmemory')"))
        #expect(replies[0][2] == "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction\r\n")
        if replies.count == 2 {
            for (i, (a, b)) in zip(replies[0], replies[1]).enumerated() where i != 7 {
                #expect(a == b, "reply \(i)")
            }
        }
    }

    @Test func aReplicaLeavesEvictionToItsMaster() throws {
        let master = try ServerProcess.miniredis(["--repl-diskless-sync-delay", "0"])
        // The replica's limit is far below what it will hold: it must not evict on its own.
        let replica = try ServerProcess.miniredis(["--replicaof", "127.0.0.1", "\(master.port)", "--maxmemory", "1mb", "--maxmemory-policy", "allkeys-lru"])
        let m = try master.connect(), r = try replica.connect()
        try ReplicationProbe.waitLinked(r)
        let value = [UInt8](repeating: 0x62, count: 1000)
        for b in 0..<30 { _ = try m.pipeline((0..<100).map { [Array("SET".utf8), Array("k:\(b * 100 + $0)".utf8), value] }) }
        try Wait.until(timeoutSeconds: 20, "the replica holds all 3000 keys") { try r.call("DBSIZE") == .integer(3000) }
        #expect(try Self.info(r, "evicted_keys", "stats") == 0)
        // The master evicts; the replica applies its DELs and ends with the same keys.
        #expect(try m.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru") == .simpleString(Array("OK".utf8)))
        #expect(try m.call("CONFIG", "SET", "maxmemory", "2mb") == .simpleString(Array("OK".utf8)))
        // What counts leaves out the replica's buffers (they grew for the full sync), as in Redis.
        try Wait.until(timeoutSeconds: 20, "master evicts down") {
            _ = try m.call("PING")
            return try Self.info(m, "used_memory", "memory") - Self.info(m, "mem_not_counted_for_evict", "memory") <= 2 * 1024 * 1024
        }
        let left = try #require(try m.call("DBSIZE").integerValue)
        #expect(left < 3000)
        try Wait.until(timeoutSeconds: 20, "the replica applies the master's evictions") { try r.call("DBSIZE").integerValue == left }
        #expect(try Self.info(r, "evicted_keys", "stats") == 0)
    }

    @Test func objectFreqIdletimeEncodingAsRedis() throws {
        let (ours, redis) = try Self.pair(["--maxmemory-policy", "allkeys-lfu", "--lfu-log-factor", "0"])
        var replies: [[String]] = []
        for server in [ours, redis].compactMap({ $0 }) {
            let c = try server.connect()
            try c.call("SET", "counter", "7")
            // Log factor 0: every access raises the counter by one from the new key's 5.
            for _ in 0..<10 { try c.call("GET", "counter") }
            let big = (0..<200).map { "member-\($0)" }
            _ = try c.call(["SADD", "ints", "3", "1", "2"])
            _ = try c.call(["SADD", "words"] + big)
            _ = try c.call(["HSET", "h", "f", "v"])
            _ = try c.call(["HSET", "wide", "f", String(repeating: "w", count: 65)])
            _ = try c.call(["ZADD", "z", "1", "a"])
            _ = try c.call(["ZADD", "zbig"] + big.flatMap { ["1", $0] })
            var r: [String] = []
            r.append(try c.raw("OBJECT", "FREQ", "counter"))
            r.append(try c.raw("OBJECT", "FREQ", "counter"))
            r.append(try c.raw("OBJECT", "IDLETIME", "counter"))
            try c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
            // Switched, the key's bits are read as an LRU clock until it is touched (as in Redis).
            try c.call("SET", "counter", "eight")
            r.append(try c.raw("OBJECT", "IDLETIME", "counter"))
            r.append(try c.raw("OBJECT", "FREQ", "counter"))
            r.append(try c.raw("OBJECT", "FREQ", "missing"))
            try c.call("SET", "num", "123")
            for k in ["num", "ints", "words", "h", "wide", "z", "zbig"] { r.append(try c.raw("OBJECT", "ENCODING", k)) }
            try c.call("SET", "s", "hello")
            try c.call("SET", "long", String(repeating: "l", count: 45))
            r.append(try c.raw("OBJECT", "ENCODING", "s"))
            r.append(try c.raw("OBJECT", "ENCODING", "long"))
            r.append(try c.raw("OBJECT", "ENCODING"))
            r.append(try c.raw("OBJECT", "NOSUCH", "x"))
            // Redis 7.0 ends its help with "Prints this help."; 7.2, which we follow, "Print".
            r.append(try c.raw("OBJECT", "HELP").replacingOccurrences(of: "Prints this help.", with: "Print this help."))
            replies.append(r)
        }
        #expect(replies[0][0] == ":15\r\n")
        #expect(replies[0][1] == ":15\r\n", "OBJECT FREQ counted itself as an access")
        #expect(replies[0][2].hasPrefix("-ERR An LFU maxmemory policy is selected, idle time not tracked."))
        #expect(replies[0][3] == ":0\r\n")
        #expect(replies[0][6] == "$3\r\nint\r\n")
        if replies.count == 2 {
            for (i, (a, b)) in zip(replies[0], replies[1]).enumerated() { #expect(a == b, "reply \(i): ours \(a.debugDescription), redis \(b.debugDescription)") }
        }
    }
}
