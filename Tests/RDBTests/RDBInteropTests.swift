import Foundation
import Testing
@testable import RDB
import SentinelCore
import TestSupport

/// Interop with the real redis-server 7.0: files it writes are read by `RDBReader`; files
/// `RDBWriter` writes pass redis-check-rdb and load into redis-server with the same contents.
@Suite struct RDBInteropTests {
    /// Fills a real server with every type in its small (listpack/intset) and large
    /// (quicklist/hashtable/skiplist) encodings, SAVEs, and reads dump.rdb with our reader.
    @Test func readsEveryEncodingRedisServerWrites() throws {
        guard RedisTools.available() else { return }
        let dir = try RedisTools.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = try RedisServer.start(dir: dir)
        defer { server.stop() }
        let c = try server.client()

        var commands: [[String]] = [
            ["SET", "s:plain", "hello"],
            ["SET", "s:int8", "-100"], ["SET", "s:int16", "30000"], ["SET", "s:int32", "-2000000000"],
            ["SET", "s:int64", "9223372036854775807"], ["SET", "s:not-int", "0012"],
            ["SET", "s:empty", ""],
            ["SET", "s:lzf", String(repeating: "compress me please ", count: 200)],
            ["SET", "s:exp", "soon", "PX", "100000000"],
            ["RPUSH", "l:small", "a", "", "7", "-1", "100000", "-9000000000", "x"],
            ["SADD", "set:intset", "1", "-5", "70000", "-3000000000", "12"],
            ["SADD", "set:hashtable", "alpha", "beta", "3"],
            ["HSET", "h:listpack", "f1", "v1", "n", "12345", "e", ""],
            ["ZADD", "z:listpack", "1", "a", "2.5", "b", "-inf", "c", "+inf", "d", "-3", "e", "0.1", "f"],
            ["SELECT", "5"],
            ["SET", "db5:key", "in db 5"],
            ["PEXPIRE", "db5:key", "200000000"],
            ["SELECT", "0"],
            ["FUNCTION", "LOAD", "#!lua name=rdbtestlib\nredis.register_function('rdbtestf', function() return 1 end)"],
            // Elements over 100 bytes go into PLAIN quicklist nodes from now on.
            ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"],
            ["RPUSH", "l:plain", "small", String(repeating: "P", count: 300), "small2"],
        ]
        for i in 0..<2000 {
            commands.append(["RPUSH", "l:quicklist", "element number \(i) with some padding to fill nodes"])
            commands.append(["SADD", "set:big-intset-overflow", "\(i * 13)"])
            commands.append(["HSET", "h:hashtable", "field:\(i)", i % 2 == 0 ? "\(i)" : "value \(i)"])
            commands.append(["ZADD", "z:skiplist", "\(Double(i) / 7)", "member:\(i)"])
        }
        commands.append(["SET", [UInt8](arrayLiteral: 0, 1, 2, 255, 10, 13).map { String(UnicodeScalar($0)) }.joined(), "x"])
        let replies = try c.pipeline(commands.map { $0.map { Array($0.utf8) } })
        for (cmd, r) in zip(commands, replies) {
            if case .error(let e) = r { Issue.record("\(cmd.prefix(3)) failed: \(String(decoding: e, as: UTF8.self))") }
        }
        let binaryKey: [UInt8] = [0, 1, 2, 255, 10, 13]
        _ = try c.command(bytes("SET"), binaryKey, [0, 0, 254])

        // The encodings Redis holds (and therefore writes) are the ones meant to be covered.
        let expected: [String: String] = [
            "s:plain": "embstr", "s:int8": "int", "s:lzf": "raw", "l:small": "quicklist", "l:quicklist": "quicklist",
            "set:intset": "intset", "set:hashtable": "hashtable", "set:big-intset-overflow": "hashtable",
            "h:listpack": "listpack", "h:hashtable": "hashtable", "z:listpack": "listpack", "z:skiplist": "skiplist",
        ]
        for (key, encoding) in expected {
            #expect(try c.command("OBJECT", "ENCODING", key).text == encoding, "\(key)")
        }
        #expect(try c.command("SAVE").text == "OK")

        let fd = open(dir + "/dump.rdb", O_RDONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        var reader = RDBReader(source: FileDescriptorSource(fd: fd))
        var entries: [RDBEntry] = []
        let meta = try reader.read { entries.append($0) }

        #expect(meta.version == 10)
        #expect(meta.checksumVerified)
        #expect(meta.aux("redis-ver") == "7.0.15" || meta.aux("redis-ver")?.hasPrefix("7.") == true)
        #expect(meta.functionLibraries.count == 1)
        #expect(meta.functionLibraries.first.map { String(decoding: $0, as: UTF8.self).contains("rdbtestlib") } == true)
        let dbsize0 = try c.command("DBSIZE").int ?? -1
        #expect(entries.filter { $0.db == 0 }.count == Int(dbsize0))
        #expect(entries.filter { $0.db == 5 }.map(\.key) == [bytes("db5:key")])

        for e in entries {
            if e.db != 0 { _ = try c.command("SELECT", "\(e.db)") }
            let live = try c.fetch(e.key)
            #expect(live.map(Normalized.init) == Normalized(e.value), "key \(String(decoding: e.key, as: UTF8.self))")
            let expireTime = try c.command(bytes("PEXPIRETIME"), e.key).int ?? -3
            #expect(e.expireAtMs == (expireTime >= 0 ? expireTime : nil), "expiry of \(String(decoding: e.key, as: UTF8.self))")
            if e.db != 0 { _ = try c.command("SELECT", "0") }
        }
        // Spot checks on values whose exact form matters.
        let byKey = Dictionary(entries.map { (String(decoding: $0.key, as: UTF8.self), $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(byKey["s:int32"] == .string(bytes("-2000000000")))
        #expect(byKey["s:not-int"] == .string(bytes("0012")))
        #expect(byKey["l:plain"] == .list([bytes("small"), Array(repeating: UInt8(ascii: "P"), count: 300), bytes("small2")]))
        #expect(byKey["l:small"] == .list([bytes("a"), [], bytes("7"), bytes("-1"), bytes("100000"), bytes("-9000000000"), bytes("x")]))
        if case .sortedSet(let z)? = byKey["z:listpack"] {
            let scores = Dictionary(z.map { (String(decoding: $0.0, as: UTF8.self), $0.1) }, uniquingKeysWith: { a, _ in a })
            #expect(scores == ["a": 1, "b": 2.5, "c": -.infinity, "d": .infinity, "e": -3, "f": 0.1])
        } else {
            Issue.record("z:listpack missing")
        }
        #expect(entries.first { $0.key == binaryKey }?.value == .string([0, 0, 254]))
    }

    /// Our file passes redis-check-rdb, loads into redis-server with the same contents, and what
    /// that server saves again reads back equal.
    @Test func redisServerLoadsWhatWeWrite() throws {
        guard RedisTools.available() else { return }
        let dir = try RedisTools.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var entries = RDBRoundTripTests.sampleEntries()
        entries.append(RDBEntry(key: bytes("future-expiry"), value: .hash([(bytes("a"), bytes("b"))]), expireAtMs: now + 86_400_000))
        entries.append(RDBEntry(db: 2, key: bytes("db2-list"), value: .list((0..<50_000).map { bytes("\($0)") })))
        let replID = String(repeating: "0123456789", count: 4)
        let header = RDBHeader(replication: .init(id: replID, offset: 12345, streamDB: 0))
        let path = dir + "/ours.rdb"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var writer = RDBWriter(sink: FileDescriptorSink(fd: fd), header: header)
        for db in Set(entries.map(\.db)).sorted() {
            let inDB = entries.filter { $0.db == db }
            try writer.selectDB(db, keyCount: inDB.count, expiresCount: inDB.filter { $0.expireAtMs != nil }.count)
            for e in inDB { try writer.write(e) }
        }
        try writer.finish()
        close(fd)

        let check = try RedisTools.run(RedisTools.checkRDB, [path])
        #expect(check.status == 0, "redis-check-rdb: \(check.output)")
        #expect(check.output.contains("RDB looks OK"), "redis-check-rdb: \(check.output)")

        let server = try RedisServer.start(dir: dir, dbfilename: "ours.rdb")
        defer { server.stop() }
        let c = try server.client()
        let live = entries.filter { $0.expireAtMs.map { $0 > now } ?? true }
        for db in Set(entries.map(\.db)).sorted() {
            _ = try c.command("SELECT", "\(db)")
            #expect(try c.command("DBSIZE").int == Int64(live.filter { $0.db == db }.count), "db \(db)")
            for e in live where e.db == db {
                let got = try c.fetch(e.key)
                #expect(got.map(Normalized.init) == Normalized(e.value), "key \(String(decoding: e.key, as: UTF8.self)): \(String(describing: got))")
                let expireTime = try c.command(bytes("PEXPIRETIME"), e.key).int ?? -3
                #expect((expireTime >= 0 ? expireTime : nil) == e.expireAtMs)
            }
        }
        _ = try c.command("SELECT", "0")
        // Redis took the ID and offset from the file: as a master it keeps them as its secondary
        // ID (so replicas of the old history can still partially resync) from offset + 1.
        let info = try c.command("INFO", "replication").text ?? ""
        #expect(info.contains("master_replid2:\(replID)"), "\(info)")
        #expect(info.contains("second_repl_offset:12346"), "\(info)")

        // Full circle: what Redis saves from our data reads back equal.
        #expect(try c.command("SAVE").text == "OK")
        let fd2 = open(path, O_RDONLY)
        defer { close(fd2) }
        var reader = RDBReader(source: FileDescriptorSource(fd: fd2))
        var back: [RDBEntry] = []
        _ = try reader.read { back.append($0) }
        #expect(back.count == live.count)
        let index = Dictionary(back.map { ("\($0.db)/\($0.key)", $0) }, uniquingKeysWith: { a, _ in a })
        for e in live {
            let b = index["\(e.db)/\(e.key)"]
            #expect(b.map { Normalized($0.value) } == Normalized(e.value), "key \(String(decoding: e.key, as: UTF8.self))")
            #expect(b?.expireAtMs == e.expireAtMs)
        }
    }
    /// A real stream key makes the reader stop with a clear "unsupported" error, not garbage.
    @Test func streamsFromRedisAreRefusedClearly() throws {
        guard RedisTools.available() else { return }
        let dir = try RedisTools.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = try RedisServer.start(dir: dir)
        defer { server.stop() }
        let c = try server.client()
        _ = try c.command("SET", "before", "x")
        _ = try c.command("XADD", "events", "*", "field", "value")
        #expect(try c.command("SAVE").text == "OK")
        let file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/dump.rdb")))
        do {
            _ = try RDBReader.decode(file)
            Issue.record("a stream was accepted")
        } catch {
            #expect(error.kind == .unsupported)
            #expect(error.message.contains("stream"), "\(error)")
        }
    }
    /// Lists with PLAIN quicklist nodes (elements over the threshold) and many listpack nodes.
    @Test func plainAndPackedListNodesWeWriteLoadInRedis() throws {
        guard RedisTools.available() else { return }
        let dir = try RedisTools.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var rng = SplitMix64(seed: 77)
        let list: [[UInt8]] = (0..<3000).map { i in
            i % 500 == 0 ? randomBytes(200 + i, &rng) : bytes(i % 2 == 0 ? "\(i)" : "item-\(i)")
        }
        var options = RDBWriterOptions()
        options.listPlainNodeThresholdBytes = 150
        options.listNodeMaxBytes = 1000
        options.chunkSize = 512
        let file = try RDBWriter.encode([RDBEntry(key: bytes("mixed"), value: .list(list))], options: options)
        #expect(try RDBReader.decode(file).entries.first?.value == .list(list))
        try Data(file).write(to: URL(fileURLWithPath: dir + "/plain.rdb"))
        let check = try RedisTools.run(RedisTools.checkRDB, [dir + "/plain.rdb"])
        #expect(check.status == 0 && check.output.contains("RDB looks OK"), "\(check.output)")
        let server = try RedisServer.start(dir: dir, dbfilename: "plain.rdb")
        defer { server.stop() }
        #expect(try server.client().fetch(bytes("mixed")) == .list(list))
    }
    /// redis-server with `rdbchecksum no` (zero trailer, not checked) and `rdbcompression no`.
    @Test func readsFilesSavedWithoutChecksumOrCompression() throws {
        guard RedisTools.available() else { return }
        let dir = try RedisTools.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = try RedisServer.start(dir: dir, extraArgs: ["--rdbchecksum", "no", "--rdbcompression", "no"])
        defer { server.stop() }
        let c = try server.client()
        let long = String(repeating: "uncompressed ", count: 100)
        _ = try c.pipeline([["SET", "long", long], ["RPUSH", "l", long, "x"]].map { $0.map { Array($0.utf8) } })
        #expect(try c.command("SAVE").text == "OK")
        var entries: [RDBEntry] = []
        let meta = try RDBFile.load(from: dir + "/dump.rdb") { entries.append($0) }
        #expect(meta.storedChecksum == 0)
        #expect(!meta.checksumVerified)
        let byKey = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(byKey[bytes("long")] == .string(bytes(long)))
        #expect(byKey[bytes("l")] == .list([bytes(long), bytes("x")]))
    }
}
