import Foundation
import Testing
@testable import RDB
import SentinelCore

/// Bad input must end in a thrown `RDBError`: never a crash, a trap or a huge allocation.
@Suite struct RDBCorruptionTests {
    static func smallFile() throws -> [UInt8] {
        try RDBWriter.encode([
            RDBEntry(key: bytes("s"), value: .string(bytes("hello"))),
            RDBEntry(key: bytes("n"), value: .string(bytes("-300")), expireAtMs: 1_900_000_000_000),
            RDBEntry(key: bytes("c"), value: .string(bytes(String(repeating: "abcd", count: 20)))),
            RDBEntry(key: bytes("l"), value: .list([bytes("a"), bytes("17"), bytes("bb")])),
            RDBEntry(key: bytes("t"), value: .set([bytes("x"), bytes("y")])),
            RDBEntry(db: 1, key: bytes("h"), value: .hash([(bytes("f"), bytes("v"))])),
            RDBEntry(db: 1, key: bytes("z"), value: .sortedSet([(bytes("m"), 2.5)])),
        ], header: RDBHeader(creationTimeSeconds: 0))
    }

    @Test func everyTruncationThrows() throws {
        let file = try Self.smallFile()
        for cut in 0..<file.count {
            #expect(throws: RDBError.self, "cut at \(cut)") { _ = try RDBReader.decode(Array(file[..<cut])) }
        }
        _ = try RDBReader.decode(file)
    }

    @Test func truncationIsReportedAsTruncated() throws {
        let file = try Self.smallFile()
        do {
            _ = try RDBReader.decode(Array(file.prefix(file.count / 2)))
            Issue.record("no error")
        } catch {
            #expect(error.kind == .truncated)
            #expect(error.offset != nil)
            #expect("\(error)".contains("unexpected end of input"))
        }
    }

    /// With the checksum on, any changed byte is detected (as corruption or as a checksum
    /// mismatch); with it off, the reader still never crashes.
    @Test func everyByteFlipThrowsOrIsHarmless() throws {
        let file = try Self.smallFile()
        var noChecksum = RDBReaderOptions()
        noChecksum.verifyChecksum = false
        for i in 0..<file.count {
            for delta: UInt8 in [0x01, 0x80, 0xff] {
                var bad = file
                bad[i] ^= delta
                #expect(throws: RDBError.self, "byte \(i) ^ \(delta)") { _ = try RDBReader.decode(bad) }
                _ = try? RDBReader.decode(bad, options: noChecksum)
            }
        }
    }

    @Test func randomGarbageAfterAValidHeaderNeverCrashes() {
        var rng = SplitMix64(seed: 1234)
        var noChecksum = RDBReaderOptions()
        noChecksum.verifyChecksum = false
        for _ in 0..<3000 {
            let garbage = bytes("REDIS0010") + randomBytes(Int.random(in: 0...64, using: &rng), &rng)
            _ = try? RDBReader.decode(garbage, options: noChecksum)
        }
    }

    @Test func checksumMismatchIsReported() throws {
        var file = try Self.smallFile()
        file[file.count - 1] ^= 1
        do {
            _ = try RDBReader.decode(file)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .checksum)
        }
        var skip = RDBReaderOptions()
        skip.verifyChecksum = false
        #expect(try RDBReader.decode(file, options: skip).entries.count == 7)
    }

    /// Lengths that claim far more than the input holds fail on the missing input, without
    /// allocating what they claim.
    @Test func hostileLengthsDoNotAllocate() throws {
        // A string claiming 2^62 bytes (0x81 + 8 bytes big-endian).
        var f1 = RawRDB(version: 10)
        f1.key(RDBType.string, "k"); f1.bytes += [0x81, 0x40, 0, 0, 0, 0, 0, 0, 0] + bytes("short")
        #expect(throws: RDBError.self) { _ = try RDBReader.decode(f1.finish()) }
        // A string claiming 4 GiB - 1 (0x80 + 4 bytes): fails on the missing input.
        var f2 = RawRDB(version: 10)
        f2.key(RDBType.string, "k"); f2.bytes += [0x80, 0xff, 0xff, 0xff, 0xff] + bytes("short")
        do {
            _ = try RDBReader.decode(f2.finish())
            Issue.record("no error")
        } catch {
            #expect(error.kind == .truncated)
        }
        // A list claiming 2^40 elements.
        var f3 = RawRDB(version: 10)
        f3.key(RDBType.list, "k"); f3.bytes += [0x81, 0, 0, 1, 0, 0, 0, 0, 0]; f3.string(bytes("one"))
        #expect(throws: RDBError.self) { _ = try RDBReader.decode(f3.finish()) }
        // An LZF string claiming a 1 GiB result from 3 bytes.
        var f4 = RawRDB(version: 10)
        f4.key(RDBType.string, "k"); f4.byte(0xc3); f4.length(3); f4.bytes += [0x80, 0x40, 0, 0, 0]; f4.bytes += [0, 0x41, 0x41]
        #expect(throws: RDBError.self) { _ = try RDBReader.decode(f4.finish()) }
        // A length wider than Int.
        var f5 = RawRDB(version: 10)
        f5.key(RDBType.set, "k"); f5.bytes += [0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        #expect(throws: RDBError.self) { _ = try RDBReader.decode(f5.finish()) }
    }

    @Test func unsupportedContentIsNamed() throws {
        for type in [RDBType.streamListpacks, RDBType.streamListpacks2, RDBType.streamListpacks3] {
            var f = RawRDB(version: 10)
            f.key(type, "stream"); f.string([1, 2, 3])
            do {
                _ = try RDBReader.decode(f.finish())
                Issue.record("no error")
            } catch {
                #expect(error.kind == .unsupported)
                #expect(error.message.contains("stream"))
            }
        }
        var module = RawRDB(version: 10)
        module.key(RDBType.module2, "m")
        #expect(throws: RDBError.self) { _ = try RDBReader.decode(module.finish()) }
        var unknown = RawRDB(version: 10)
        unknown.key(99, "u")
        #expect(throws: RDBError.self) { _ = try RDBReader.decode(unknown.finish()) }
        var future = RawRDB(version: 13)
        #expect(throws: RDBError.self) { _ = try RDBReader.decode(future.finish()) }
        #expect(throws: RDBError.self) { _ = try RDBReader.decode(bytes("REDIX0010\u{ff}")) }
        #expect(throws: RDBError.self) { _ = try RDBReader.decode(bytes("REDIS00a0\u{ff}")) }
    }

    @Test func moduleAuxIsSkipped() throws {
        var f = RawRDB(version: 10)
        f.byte(RDBOpcode.moduleAux)
        f.length(12345)          // module id
        f.length(2); f.length(1) // when opcode (UINT), when
        f.length(1); f.length(7) // SINT
        f.length(3); f.bytes += [0, 0, 0, 0]          // FLOAT
        f.length(4); f.bytes += [0, 0, 0, 0, 0, 0, 0, 0] // DOUBLE
        f.length(5); f.string(bytes("blob"))          // STRING
        f.length(0)              // EOF
        f.key(RDBType.string, "after"); f.string(bytes("ok"))
        let (entries, _) = try RDBReader.decode(f.finish())
        #expect(entries == [RDBEntry(key: bytes("after"), value: .string(bytes("ok")))])
    }

    @Test func nanScoresInFilesAreRejected() {
        var text = RawRDB(version: 10)
        text.key(RDBType.zset, "z"); text.length(1); text.string(bytes("m")); text.byte(253)
        #expect(throws: RDBError.self) { _ = try RDBReader.decode(text.finish()) }
        var binary = RawRDB(version: 10)
        binary.key(RDBType.zset2, "z"); binary.length(1); binary.string(bytes("m"))
        binary.bytes += LegacyEncoders.le(Double.nan.bitPattern, 8)
        #expect(throws: RDBError.self) { _ = try RDBReader.decode(binary.finish()) }
    }
}

extension RDBCorruptionTests {
    /// A small file holding every encoding the reader decodes (listpack hash/zset/set, ziplists,
    /// zipmap, intset, quicklists, LZF), for mutation testing.
    static func everyEncodingFile() throws -> [UInt8] {
        var f = RawRDB(version: 11)
        var hash = ListpackBuilder()
        for e in ["f", "v", "n", "-5000", "big", "123456789012"] { hash.append(bytes(e)) }
        f.key(RDBType.hashListpack, "lh"); f.string(hash.finish())
        var zset = ListpackBuilder()
        for e in ["a", "1.5", "b", "7", "c", "-inf"] { zset.append(bytes(e)) }
        f.key(RDBType.zsetListpack, "lz"); f.string(zset.finish())
        var set = ListpackBuilder()
        for e in ["x", "300"] { set.append(bytes(e)) }
        f.key(RDBType.setListpack, "ls"); f.string(set.finish())
        let legacy = RDBLegacyFileTests.legacyFile().file
        // The legacy file's keys, without its header and trailer (from its first type byte).
        let body = Array(legacy[9..<(legacy.count - 9)])
        f.bytes += body
        let ours = try RDBWriter.encode([
            RDBEntry(key: bytes("ql"), value: .list((0..<40).map { bytes("e\($0)") })),
            RDBEntry(key: bytes("z2"), value: .sortedSet([(bytes("m"), 1)])),
        ], header: RDBHeader(creationTimeSeconds: 0))
        f.bytes += Array(ours[9..<(ours.count - 9)])
        return f.finish()
    }

    @Test func everyEncodingFileIsValid() throws {
        let (entries, meta) = try RDBReader.decode(Self.everyEncodingFile())
        #expect(meta.checksumVerified)
        #expect(entries.count == 20)
    }

    /// Random mutations (flips, overwrites, insertions, deletions) of a file with every encoding,
    /// read with the checksum off so the decoders see the damage: errors only, never a trap.
    @Test func randomMutationsNeverCrash() throws {
        let file = try Self.everyEncodingFile()
        var options = RDBReaderOptions()
        options.verifyChecksum = false
        var rng = SplitMix64(seed: 0xbad)
        var failures = 0
        for _ in 0..<20_000 {
            var bad = file
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 9..<bad.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bad[at] ^= UInt8.random(in: 1...255, using: &rng)
                case 1: bad[at] = [0x00, 0x3f, 0x40, 0x7f, 0x80, 0x81, 0xc0, 0xc3, 0xfe, 0xff].randomElement(using: &rng)!
                case 2: bad.insert(UInt8.random(in: 0...255, using: &rng), at: at)
                default: bad.remove(at: at)
                }
            }
            do { _ = try RDBReader.decode(bad, options: options) } catch { failures += 1 }
        }
        #expect(failures > 10_000)
    }
}
