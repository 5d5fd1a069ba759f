import Foundation
import Testing
import TestSupport

/// RDB and AOF through the real binary: data survives restarts, files are ones Redis accepts,
/// and broken files stop start-up with a clear message instead of serving a partial dataset.
@Suite struct MiniredisPersistenceTests {
    func fill(_ c: RedisConnection) throws {
        try c.call("SET", "s", "v")
        try c.call("SET", "n", "12345")
        try c.call("SET", "long", String(repeating: "abc", count: 1000))
        try c.call("RPUSH", "l", "a", "b", "c")
        try c.call("HSET", "h", "f1", "v1", "f2", "v2")
        try c.call("SADD", "set", "x", "y")
        try c.call("ZADD", "z", "1.5", "m1", "-2", "m2")
        try c.call("SET", "ttl", "v", "EX", "1000")
        try c.call("SELECT", "3")
        try c.call("SET", "db3", "here")
        try c.call("SELECT", "0")
    }

    func check(_ c: RedisConnection) throws {
        #expect(try c.call("GET", "s") == .bulk("v"))
        #expect(try c.call("GET", "n") == .bulk("12345"))
        #expect(try c.call("STRLEN", "long") == .integer(3000))
        #expect(try c.call("LRANGE", "l", "0", "-1") == .array([.bulk("a"), .bulk("b"), .bulk("c")]))
        #expect(try c.call("HGET", "h", "f2") == .bulk("v2"))
        #expect(try c.call("SCARD", "set") == .integer(2))
        #expect(try c.call("ZSCORE", "z", "m2") == .bulk("-2"))
        let ttl = try c.call("TTL", "ttl").integerValue ?? -1
        #expect(ttl > 900 && ttl <= 1000)
        try c.call("SELECT", "3")
        #expect(try c.call("GET", "db3") == .bulk("here"))
        try c.call("SELECT", "0")
    }

    @Test func rdbSurvivesRestartAndIsValidForRedis() throws {
        let port = TestPorts.next()
        let first = try ServerProcess.miniredis(port: port)
        let dir = first.directory
        try fill(try first.connect())
        #expect(try first.connect().raw("SAVE") == "+OK\r\n")
        let rdb = dir.appendingPathComponent("dump.rdb").path
        if let check = try Binaries.requireRedis("redis-check-rdb") {
            let (status, output) = try Tool.run(check, [rdb])
            #expect(status == 0, "redis-check-rdb refused our file:\n\(output)")
        }
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("rdb-\(port)").path
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: rdb, toPath: copy + "/dump.rdb")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        #expect(first.terminate() == 0)
        // SHUTDOWN-less restart with the file left by SAVE.
        let second = try ServerProcess(executable: Binaries.miniredis, arguments: ["--port", "\(port)"], port: port, directory: dir)
        try second.waitUntilReady()
        try check(try second.connect())
        // A real redis-server loads it too.
        if let real = try ServerProcess.redisServer(["--dir", copy, "--dbfilename", "dump.rdb"]) {
            try check(try real.connect())
        }
    }

    @Test func loadsWhatRedisServerWrote() throws {
        guard let real = try ServerProcess.redisServer() else { return }
        let c = try real.connect()
        try fill(c)
        for i in 0..<200 { try c.call("RPUSH", "biglist", "item\(i)") }
        try c.call("SADD", "ints", "1", "2", "3")
        #expect(try c.raw("SAVE") == "+OK\r\n")
        let src = real.directory.appendingPathComponent("dump.rdb").path
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("from-redis-\(real.port)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: src, toPath: dir.appendingPathComponent("dump.rdb").path)
        let ours = try ServerProcess.miniredis(directory: dir)
        let o = try ours.connect()
        try check(o)
        #expect(try o.call("LLEN", "biglist") == .integer(200))
        #expect(try o.call("SISMEMBER", "ints", "2") == .integer(1))
    }

    @Test func corruptRdbStopsStartup() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("corrupt-\(TestPorts.next())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = TestPorts.next()
        let good = try ServerProcess.miniredis(port: port, directory: dir)
        try fill(try good.connect())
        try good.connect().call("SAVE")
        _ = good.terminate()
        let path = dir.appendingPathComponent("dump.rdb").path
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let bad = try ServerProcess(executable: Binaries.miniredis, arguments: ["--port", "\(port)"], port: port, directory: dir)
        bad.process.waitUntilExit()
        #expect(bad.process.terminationStatus != 0)
        #expect(bad.logText.contains("Fatal error loading the DB"))
    }

    @Test func aofReplaysAndToleratesATruncatedTail() throws {
        let port = TestPorts.next()
        let first = try ServerProcess.miniredis(["--appendonly", "yes", "--appendfsync", "always"], port: port)
        let dir = first.directory
        let c = try first.connect()
        try fill(c)
        for i in 0..<100 { try c.call("INCR", "counter\(i % 3)") }
        first.kill()
        let restarted = try ServerProcess(executable: Binaries.miniredis, arguments: ["--port", "\(port)", "--appendonly", "yes"], port: port, directory: dir)
        try restarted.waitUntilReady()
        let r = try restarted.connect()
        try check(r)
        #expect(try r.call("GET", "counter0") == .bulk("34"))
        restarted.kill()
        // A crash in the middle of an append leaves half a command at the end.
        let incr = dir.appendingPathComponent("appendonlydir/appendonly.aof.1.incr.aof")
        let handle = try FileHandle(forWritingTo: incr)
        handle.seekToEndOfFile()
        handle.write(Data("*3\r\n$3\r\nSET\r\n$4\r\nhalf".utf8))
        try handle.close()
        let third = try ServerProcess(executable: Binaries.miniredis, arguments: ["--port", "\(port)", "--appendonly", "yes"], port: port, directory: dir)
        try third.waitUntilReady()
        let t = try third.connect()
        try check(t)
        #expect(try t.call("EXISTS", "half") == .integer(0))
        #expect(third.logText.contains("short read while loading the AOF"))
    }

    @Test func bgsaveForksAndKeepsServing() throws {
        let s = try ServerProcess.miniredis(["--enable-debug-command", "yes"])
        let c = try s.connect()
        try c.call("DEBUG", "POPULATE", "50000")
        #expect(try c.raw("BGSAVE") == "+Background saving started\r\n")
        try c.call("SET", "during", "bgsave")
        try Wait.until(timeoutSeconds: 30, "BGSAVE finishes") {
            (try c.call("INFO", "persistence").text ?? "").contains("rdb_bgsave_in_progress:0")
        }
        #expect((try c.call("INFO", "persistence").text ?? "").contains("rdb_last_bgsave_status:ok"))
        #expect(FileManager.default.fileExists(atPath: s.directory.appendingPathComponent("dump.rdb").path))
    }
}
