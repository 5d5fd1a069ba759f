import Foundation
import Testing
import RESP
import TestSupport

/// Replication through real processes on loopback: miniredis with miniredis, and with Debian's
/// redis-server in both directions.
@Suite struct ReplicationTests {
    static func fillAllTypes(_ c: RedisConnection) throws {
        try c.call("SET", "s", "v")
        try c.call("RPUSH", "l", "a", "b")
        try c.call("HSET", "h", "f", "v")
        try c.call("SADD", "set", "m")
        try c.call("ZADD", "z", "2.5", "m")
        try c.call("SET", "ttl", "v", "EX", "1000")
        try c.call("SELECT", "2")
        try c.call("SET", "db2", "x")
        try c.call("SELECT", "0")
    }

    static func checkAllTypes(_ c: RedisConnection) throws {
        #expect(try c.call("GET", "s") == .bulk("v"))
        #expect(try c.call("LRANGE", "l", "0", "-1") == .array([.bulk("a"), .bulk("b")]))
        #expect(try c.call("HGET", "h", "f") == .bulk("v"))
        #expect(try c.call("SISMEMBER", "set", "m") == .integer(1))
        #expect(try c.call("ZSCORE", "z", "m") == .bulk("2.5"))
        #expect((try c.call("TTL", "ttl").integerValue ?? 0) > 900)
        try c.call("SELECT", "2")
        #expect(try c.call("GET", "db2") == .bulk("x"))
        try c.call("SELECT", "0")
    }

    @Test(arguments: [true, false]) func fullSyncThenStreamBetweenMiniredisNodes(diskless: Bool) throws {
        let master = try ServerProcess.miniredis(["--repl-diskless-sync", diskless ? "yes" : "no", "--repl-diskless-sync-delay", "0", "--enable-debug-command", "yes"])
        let m = try master.connect()
        try Self.fillAllTypes(m)
        try m.call("DEBUG", "POPULATE", "5000")
        let replica = try ServerProcess.miniredis(["--replicaof", "127.0.0.1", "\(master.port)"])
        let r = try replica.connect()
        try ReplicationProbe.waitLinked(r)
        try Self.checkAllTypes(r)
        // The live stream, including a database switch and MULTI/EXEC.
        try m.call("SELECT", "5")
        try m.call("SET", "in5", "yes")
        try m.call("SELECT", "0")
        try m.call("MULTI")
        try m.call("INCR", "counter")
        try m.call("INCR", "counter")
        try m.call("EXEC")
        try m.call("DEL", "s")
        #expect(try m.call("WAIT", "1", "5000") == .integer(1))
        try ReplicationProbe.waitCaughtUp(m, r)
        #expect(try r.call("GET", "counter") == .bulk("2"))
        #expect(try r.call("EXISTS", "s") == .integer(0))
        try r.call("SELECT", "5")
        #expect(try r.call("GET", "in5") == .bulk("yes"))
        try r.call("SELECT", "0")
        let sizes = (try r.call("DBSIZE"), try m.call("DBSIZE"))
        #expect(sizes.0 == sizes.1)
        #expect(try r.raw("SET", "x", "y") == "-READONLY You can't write against a read only replica.\r\n")
        #expect(try ReplicationProbe.info(m, "sync_full", section: "stats") == "1")
    }

    @Test func partialResyncAfterLinkRestartAndReplicaRestart() throws {
        let master = try ServerProcess.miniredis()
        let m = try master.connect()
        try m.call("SET", "before", "1")
        let rport = TestPorts.next()
        let replica = try ServerProcess.miniredis(["--replicaof", "127.0.0.1", "\(master.port)", "--save", "3600 1"], port: rport)
        let r = try replica.connect()
        try ReplicationProbe.waitLinked(r)
        // Kill the link from the master's side: the replica reconnects and continues.
        try m.call("CLIENT", "KILL", "TYPE", "replica")
        try m.call("SET", "during", "2")
        try ReplicationProbe.waitLinked(r)
        try ReplicationProbe.waitCaughtUp(m, r)
        #expect(try r.call("GET", "during") == .bulk("2"))
        #expect(try ReplicationProbe.info(m, "sync_partial_ok", section: "stats") == "1")
        // Restart the replica (it saves its replication ID and offset on shutdown).
        #expect(replica.terminate() == 0)
        try m.call("SET", "while-down", "3")
        try replica.restart()
        let r2 = try replica.connect()
        try ReplicationProbe.waitLinked(r2)
        try ReplicationProbe.waitCaughtUp(m, r2)
        #expect(try r2.call("GET", "while-down") == .bulk("3"))
        #expect(try ReplicationProbe.info(m, "sync_full", section: "stats") == "1")
        #expect(try ReplicationProbe.info(m, "sync_partial_ok", section: "stats") == "2")
    }

    @Test func promotionKeepsTheOtherReplicaPartial() throws {
        let master = try ServerProcess.miniredis(["--repl-diskless-sync-delay", "0"])
        let m = try master.connect()
        try m.call("SET", "k", "v")
        let a = try ServerProcess.miniredis(["--replicaof", "127.0.0.1", "\(master.port)"])
        let b = try ServerProcess.miniredis(["--replicaof", "127.0.0.1", "\(master.port)"])
        let ac = try a.connect(), bc = try b.connect()
        try ReplicationProbe.waitLinked(ac)
        try ReplicationProbe.waitLinked(bc)
        try m.call("SET", "k2", "v2")
        try ReplicationProbe.waitCaughtUp(m, ac)
        try ReplicationProbe.waitCaughtUp(m, bc)
        master.kill()
        #expect(try ac.raw("REPLICAOF", "NO", "ONE") == "+OK\r\n")
        #expect(try ReplicationProbe.info(ac, "role") == "master")
        #expect(try ReplicationProbe.info(ac, "second_repl_offset") != "-1")
        #expect(try bc.raw("REPLICAOF", "127.0.0.1", "\(a.port)") == "+OK\r\n")
        #expect(try bc.raw("REPLICAOF", "127.0.0.1", "\(a.port)") == "+OK Already connected to specified master\r\n")
        try ReplicationProbe.waitLinked(bc)
        try ac.call("SET", "after", "promotion")
        try ReplicationProbe.waitCaughtUp(ac, bc)
        #expect(try bc.call("GET", "after") == .bulk("promotion"))
        #expect(try ReplicationProbe.info(ac, "sync_partial_ok", section: "stats") == "1")
        #expect(try ReplicationProbe.info(ac, "sync_full", section: "stats") == "0")
    }

    @Test func publishReachesSubscribersOfReplicasAndExpiriesFollowTheMaster() throws {
        let master = try ServerProcess.miniredis(["--repl-diskless-sync-delay", "0"])
        let replica = try ServerProcess.miniredis(["--replicaof", "127.0.0.1", "\(master.port)"])
        let m = try master.connect(), r = try replica.connect()
        try ReplicationProbe.waitLinked(r)
        let sub = try replica.connect()
        _ = try sub.call("SUBSCRIBE", "news")
        #expect(try m.call("PUBLISH", "news", "hello") == .integer(0))
        #expect(try sub.read() == .array([.bulk("message"), .bulk("news"), .bulk("hello")]))
        // The master expires the key and tells the replica with a DEL.
        try m.call("SET", "short", "lived", "PX", "100")
        try ReplicationProbe.waitCaughtUp(m, r)
        try Wait.until(timeoutSeconds: 10, "the expiry reaches the replica") {
            try r.call("EXISTS", "short") == .integer(0) && r.call("DBSIZE") == .integer(0)
        }
    }

    @Test func chainedReplicaFollowsThroughTheMiddle() throws {
        let master = try ServerProcess.miniredis(["--repl-diskless-sync-delay", "0"])
        let mid = try ServerProcess.miniredis(["--replicaof", "127.0.0.1", "\(master.port)", "--repl-diskless-sync-delay", "0"])
        let leaf = try ServerProcess.miniredis(["--replicaof", "127.0.0.1", "\(mid.port)"])
        let m = try master.connect()
        let l = try leaf.connect()
        try ReplicationProbe.waitLinked(try mid.connect())
        try ReplicationProbe.waitLinked(l)
        try m.call("SELECT", "3")
        try m.call("SET", "deep", "value")
        try ReplicationProbe.waitCaughtUp(m, l)
        try l.call("SELECT", "3")
        #expect(try l.call("GET", "deep") == .bulk("value"))
    }

    /// Commands that arrive split across reads must be counted (and forwarded down a chain)
    /// whole: offsets along the chain agree exactly, and WAIT is answered.
    @Test func offsetsAgreeAlongAChainUnderHeavyPipelinedLoad() throws {
        let master = try ServerProcess.miniredis(["--repl-diskless-sync-delay", "0"])
        let mid = try ServerProcess.miniredis(["--replicaof", "127.0.0.1", "\(master.port)", "--repl-diskless-sync-delay", "0"])
        let leaf = try ServerProcess.miniredis(["--replicaof", "127.0.0.1", "\(mid.port)"])
        let m = try master.connect(), mc = try mid.connect(), l = try leaf.connect()
        try ReplicationProbe.waitLinked(mc)
        try ReplicationProbe.waitLinked(l)
        var batch: [UInt8] = []
        for i in 0..<3000 { batch += RESPWriter.encode(command: ["SET", "k\(i % 100)", String(repeating: "v", count: 1 + i % 700)]) }
        try m.send(raw: batch)
        for _ in 0..<3000 { _ = try m.read() }
        #expect(try m.call("WAIT", "1", "10000") == .integer(1))
        try ReplicationProbe.waitCaughtUp(m, mc)
        try Wait.until(timeoutSeconds: 30, "the leaf's offset equals the middle's") {
            let a = try ReplicationProbe.info(mc, "master_repl_offset")
            let b = try ReplicationProbe.info(l, "slave_repl_offset")
            return a != nil && a == b
        }
        #expect(try l.call("STRLEN", "k99") == m.call("STRLEN", "k99"))
    }

    @Test func waitAndMinReplicasToWrite() throws {
        let master = try ServerProcess.miniredis(["--min-replicas-to-write", "1", "--min-replicas-max-lag", "10", "--repl-diskless-sync-delay", "0"])
        let m = try master.connect()
        #expect(try m.raw("SET", "a", "1") == "-NOREPLICAS Not enough good replicas to write.\r\n")
        #expect(try m.raw("WAIT", "0", "0") == ":0\r\n")
        let replica = try ServerProcess.miniredis(["--replicaof", "127.0.0.1", "\(master.port)"])
        try ReplicationProbe.waitLinked(try replica.connect())
        try Wait.until(timeoutSeconds: 10, "the master counts a good replica") {
            try m.call("SET", "a", "1") == .simpleString(Array("OK".utf8))
        }
        #expect(try m.raw("WAIT", "1", "5000") == ":1\r\n")
        // Asking for more replicas than exist returns what there is after the timeout.
        let start = Date()
        #expect(try m.raw("WAIT", "2", "300") == ":1\r\n")
        #expect(Date().timeIntervalSince(start) >= 0.25)
        #expect(try replica.connect().raw("WAIT", "1", "10").hasPrefix("-ERR WAIT cannot be used with replica instances"))
    }

    @Test func replicaOfANonRedisPortRetriesWithoutHarm() throws {
        // A port with a listener that answers garbage: miniredis's own protected listener is
        // not that, so use a closed port and then a server speaking another protocol.
        let dead = TestPorts.next()
        let replica = try ServerProcess.miniredis(["--replicaof", "127.0.0.1", "\(dead)", "--replica-serve-stale-data", "no"])
        let r = try replica.connect()
        #expect(try ReplicationProbe.info(r, "master_link_status") == "down")
        #expect(try r.raw("GET", "x") == "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n")
        #expect(try r.raw("PING") == "+PONG\r\n")
        // Pointing it at itself is refused by itself (it has no master link) and retried.
        #expect(try r.raw("REPLICAOF", "127.0.0.1", "\(replica.port)") == "+OK\r\n")
        #expect(try r.raw("INFO", "server").contains("redis_version"))
        #expect(try ReplicationProbe.info(r, "master_link_status") == "down")
    }
}

/// miniredis and Debian's redis-server 7 replicating in both directions.
@Suite struct ReplicationInteropTests {
    @Test func redisServerReplicaOfMiniredisMaster() throws {
        let master = try ServerProcess.miniredis(["--repl-diskless-sync-delay", "0"])
        let m = try master.connect()
        try ReplicationTests.fillAllTypes(m)
        for i in 0..<300 { try m.call("RPUSH", "biglist", "element-\(i)") }
        for i in 0..<300 { try m.call("HSET", "bighash", "f\(i)", "v\(i)") }
        guard let real = try ServerProcess.redisServer(["--replicaof", "127.0.0.1", "\(master.port)"]) else { return }
        let r = try real.connect()
        try ReplicationProbe.waitLinked(r)
        try ReplicationTests.checkAllTypes(r)
        #expect(try r.call("LLEN", "biglist") == .integer(300))
        #expect(try r.call("HLEN", "bighash") == .integer(300))
        try m.call("SET", "live", "stream")
        try ReplicationProbe.waitCaughtUp(m, r)
        #expect(try r.call("GET", "live") == .bulk("stream"))
        // Restart the link: redis-server continues partially.
        try m.call("CLIENT", "KILL", "TYPE", "replica")
        try m.call("SET", "after", "restart")
        try ReplicationProbe.waitLinked(r)
        try ReplicationProbe.waitCaughtUp(m, r)
        #expect(try r.call("GET", "after") == .bulk("restart"))
        #expect(try ReplicationProbe.info(m, "sync_partial_ok", section: "stats") == "1")
        #expect(try ReplicationProbe.info(m, "sync_full", section: "stats") == "1")
    }

    @Test(arguments: [true, false]) func miniredisReplicaOfRedisServerMaster(diskless: Bool) throws {
        guard let real = try ServerProcess.redisServer(["--repl-diskless-sync", diskless ? "yes" : "no", "--repl-diskless-sync-delay", "0"]) else { return }
        let m = try real.connect()
        try ReplicationTests.fillAllTypes(m)
        // Long compressible strings (LZF), integers, and listpack/quicklist encodings.
        try m.call("SET", "lzf", String(repeating: "compress me ", count: 200))
        try m.call("SET", "int", "123456")
        for i in 0..<300 { try m.call("ZADD", "bigz", "\(i)", "m\(i)") }
        let replica = try ServerProcess.miniredis(["--replicaof", "127.0.0.1", "\(real.port)"])
        let r = try replica.connect()
        try ReplicationProbe.waitLinked(r)
        try ReplicationTests.checkAllTypes(r)
        #expect(try r.call("STRLEN", "lzf") == .integer(2400))
        #expect(try r.call("GET", "int") == .bulk("123456"))
        #expect(try r.call("ZCARD", "bigz") == .integer(300))
        try m.call("SET", "live", "stream")
        try m.call("EXPIRE", "s", "1000")
        try ReplicationProbe.waitCaughtUp(m, r)
        #expect(try r.call("GET", "live") == .bulk("stream"))
        #expect((try r.call("TTL", "s").integerValue ?? 0) > 900)
    }
}
