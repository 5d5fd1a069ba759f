import Foundation
import Testing
@testable import RDB
import TestSupport

/// Files with the encodings older Redis versions wrote (and 7.0 still loads): built by hand,
/// read by our reader, and cross-checked with redis-check-rdb and redis-server 7.0.
@Suite struct RDBLegacyFileTests {
    static let farFutureSeconds: Int64 = 2_100_000_000 // 2036; FD holds a signed 32-bit time

    static func legacyFile() -> (file: [UInt8], expected: [RDBEntry]) {
        var f = RawRDB(version: 9)
        var expected: [RDBEntry] = []
        f.byte(RDBOpcode.aux); f.string(bytes("redis-ver")); f.string(bytes("5.0.14"))
        f.byte(RDBOpcode.selectDB); f.length(0)
        f.byte(RDBOpcode.resizeDB); f.length(12); f.length(2)

        // Integer-encoded strings, C0/C1/C2, and an LZF one written by hand.
        f.key(RDBType.string, "int8"); f.bytes += [0xc0, 0x85]
        expected.append(RDBEntry(key: bytes("int8"), value: .string(bytes("-123"))))
        f.key(RDBType.string, "int16"); f.bytes += [0xc1, 0x39, 0x30]
        expected.append(RDBEntry(key: bytes("int16"), value: .string(bytes("12345"))))
        f.key(RDBType.string, "int32"); f.bytes += [0xc2, 0x00, 0xca, 0x9a, 0x3b]
        expected.append(RDBEntry(key: bytes("int32"), value: .string(bytes("1000000000"))))
        let text = bytes(String(repeating: "legacy lzf ", count: 40))
        let compressed = LZF.compress(text, maxOutput: text.count - 4)!
        f.key(RDBType.string, "lzf"); f.byte(0xc3); f.length(compressed.count); f.length(text.count); f.bytes += compressed
        expected.append(RDBEntry(key: bytes("lzf"), value: .string(text)))

        // Expiry in seconds (FD), with LRU/LFU opcodes before the key.
        f.byte(RDBOpcode.expireTime); f.bytes += LegacyEncoders.le(UInt64(farFutureSeconds), 4)
        f.byte(RDBOpcode.idle); f.length(1000)
        f.key(RDBType.string, "expires-in-seconds"); f.string(bytes("v"))
        expected.append(RDBEntry(key: bytes("expires-in-seconds"), value: .string(bytes("v")), expireAtMs: farFutureSeconds * 1000))
        f.byte(RDBOpcode.expireTimeMs); f.bytes += LegacyEncoders.le(UInt64(farFutureSeconds * 1000 + 7), 8)
        f.byte(RDBOpcode.freq); f.byte(5)
        f.key(RDBType.string, "expires-in-ms"); f.string(bytes("w"))
        expected.append(RDBEntry(key: bytes("expires-in-ms"), value: .string(bytes("w")), expireAtMs: farFutureSeconds * 1000 + 7))

        // LIST (1), ZSET with text scores (3), ZIPMAP (9).
        f.key(RDBType.list, "list1"); f.length(3); f.string(bytes("a")); f.string([]); f.string(bytes("c"))
        expected.append(RDBEntry(key: bytes("list1"), value: .list([bytes("a"), [], bytes("c")])))
        f.key(RDBType.zset, "zset3"); f.length(3)
        f.string(bytes("m1")); f.byte(3); f.bytes += bytes("1.5")
        f.string(bytes("m2")); f.byte(254)
        f.string(bytes("m3")); f.byte(255)
        expected.append(RDBEntry(key: bytes("zset3"), value: .sortedSet([(bytes("m1"), 1.5), (bytes("m2"), .infinity), (bytes("m3"), -.infinity)])))
        f.key(RDBType.hashZipmap, "zipmap9")
        f.string(LegacyEncoders.zipmap([(bytes("f1"), bytes("v1")), (bytes("f2"), bytes("22"))], free: 1))
        expected.append(RDBEntry(key: bytes("zipmap9"), value: .hash([(bytes("f1"), bytes("v1")), (bytes("f2"), bytes("22"))])))

        // Ziplist list (10), intset (11), ziplist zset (12) and hash (13), quicklist of ziplists (14).
        f.key(RDBType.listZiplist, "ziplist10")
        f.string(LegacyEncoders.ziplist([.s(bytes("x")), .i(5), .i(-70000), .s(bytes("yz"))]))
        expected.append(RDBEntry(key: bytes("ziplist10"), value: .list([bytes("x"), bytes("5"), bytes("-70000"), bytes("yz")])))
        f.key(RDBType.setIntset, "intset11")
        f.string(LegacyEncoders.intset([-40000, 3, 100_000], width: 4))
        expected.append(RDBEntry(key: bytes("intset11"), value: .set([bytes("-40000"), bytes("3"), bytes("100000")])))
        f.key(RDBType.zsetZiplist, "ziplist12")
        f.string(LegacyEncoders.ziplist([.s(bytes("low")), .i(-7), .s(bytes("mid")), .s(bytes("3.25")), .s(bytes("top")), .s(bytes("inf"))]))
        expected.append(RDBEntry(key: bytes("ziplist12"), value: .sortedSet([(bytes("low"), -7), (bytes("mid"), 3.25), (bytes("top"), .infinity)])))
        f.key(RDBType.hashZiplist, "ziplist13")
        f.string(LegacyEncoders.ziplist([.s(bytes("name")), .s(bytes("redis")), .s(bytes("n")), .i(4000)]))
        expected.append(RDBEntry(key: bytes("ziplist13"), value: .hash([(bytes("name"), bytes("redis")), (bytes("n"), bytes("4000"))])))
        let nodeA = (0..<100).map { PackedElement.s(bytes("node-a-\($0)")) }
        let nodeB: [PackedElement] = [.i(1), .i(2), .s(bytes("last"))]
        f.key(RDBType.listQuicklist, "quicklist14"); f.length(2)
        let zlA = LegacyEncoders.ziplist(nodeA)
        let zlACompressed = LZF.compress(zlA, maxOutput: zlA.count - 4)!
        f.byte(0xc3); f.length(zlACompressed.count); f.length(zlA.count); f.bytes += zlACompressed  // LZF node, as Redis writes them
        f.string(LegacyEncoders.ziplist(nodeB))
        expected.append(RDBEntry(key: bytes("quicklist14"),
                                 value: .list((0..<100).map { bytes("node-a-\($0)") } + [bytes("1"), bytes("2"), bytes("last")])))

        f.byte(RDBOpcode.selectDB); f.length(1)
        f.key(RDBType.set, "set2-db1"); f.length(2); f.string(bytes("p")); f.string(bytes("q"))
        expected.append(RDBEntry(db: 1, key: bytes("set2-db1"), value: .set([bytes("p"), bytes("q")])))
        return (f.finish(), expected)
    }

    @Test func readerDecodesEveryLegacyEncoding() throws {
        let (file, expected) = Self.legacyFile()
        let (entries, meta) = try RDBReader.decode(file)
        #expect(meta.version == 9)
        #expect(meta.checksumVerified)
        #expect(entries.count == expected.count)
        for (a, b) in zip(entries, expected) { #expect(a == b, "key \(String(decoding: b.key, as: UTF8.self))") }
    }

    @Test func version1FileWithoutChecksumIsRead() throws {
        var f = RawRDB(version: 1)
        f.byte(RDBOpcode.selectDB); f.length(0)
        f.key(RDBType.string, "k"); f.string(bytes("v"))
        let (entries, meta) = try RDBReader.decode(f.finish())
        #expect(entries == [RDBEntry(key: bytes("k"), value: .string(bytes("v")))])
        #expect(meta.storedChecksum == nil)
    }

    @Test func redisAgreesWithOurReadingOfTheLegacyFile() throws {
        guard RedisTools.available() else { return }
        let dir = try RedisTools.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (file, expected) = Self.legacyFile()
        try Data(file).write(to: URL(fileURLWithPath: dir + "/legacy.rdb"))
        let check = try RedisTools.run(RedisTools.checkRDB, [dir + "/legacy.rdb"])
        #expect(check.status == 0 && check.output.contains("RDB looks OK"), "\(check.output)")

        let server = try RedisServer.start(dir: dir, dbfilename: "legacy.rdb")
        defer { server.stop() }
        let c = try server.client()
        for e in expected {
            _ = try c.command("SELECT", "\(e.db)")
            let live = try c.fetch(e.key)
            #expect(live.map(Normalized.init) == Normalized(e.value), "key \(String(decoding: e.key, as: UTF8.self))")
            let t = try c.command(bytes("PEXPIRETIME"), e.key).int ?? -3
            #expect((t >= 0 ? t : nil) == e.expireAtMs, "expiry of \(String(decoding: e.key, as: UTF8.self))")
        }
    }
}
