import Foundation
import Testing
@testable import RDB

@Suite struct RDBFileTests {
    @Test func saveIsAtomicAndLoadStreamsItBack() throws {
        let dir = try RedisTools.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/dump.rdb"
        let entries = RDBRoundTripTests.sampleEntries()
        let size = try RDBFile.save(to: path) { w in
            for e in entries { try w.write(e) }
        }
        #expect(size == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))
        var loaded: [RDBEntry] = []
        let meta = try RDBFile.load(from: path) { loaded.append($0) }
        #expect(loaded == entries)
        #expect(meta.checksumVerified)
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["dump.rdb"])
    }

    @Test func failedSaveKeepsTheOldFile() throws {
        struct Boom: Error {}
        let dir = try RedisTools.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/dump.rdb"
        try RDBFile.save(to: path) { w in try w.write(key: bytes("old"), value: .string(bytes("1"))) }
        #expect(throws: Boom.self) {
            try RDBFile.save(to: path) { w in
                try w.write(key: bytes("new"), value: .string(bytes("2")))
                throw Boom()
            }
        }
        var keys: [[UInt8]] = []
        _ = try RDBFile.load(from: path) { keys.append($0.key) }
        #expect(keys == [bytes("old")])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["dump.rdb"])
    }

    @Test func missingFileIsAnIOError() {
        do {
            _ = try RDBFile.load(from: "/nonexistent/dir/dump.rdb") { _ in }
            Issue.record("no error")
        } catch let e as RDBError {
            #expect(e.kind == .io)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func listpackSetsFromRedis72AreRead() throws {
        var b = ListpackBuilder()
        for m in ["a", "17", "-3"] { b.append(bytes(m)) }
        var f = RawRDB(version: 11)
        f.key(RDBType.setListpack, "s"); f.string(b.finish())
        let (entries, _) = try RDBReader.decode(f.finish())
        #expect(entries == [RDBEntry(key: bytes("s"), value: .set([bytes("a"), bytes("17"), bytes("-3")]))])
    }
}
