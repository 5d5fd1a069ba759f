#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import RDB
import SentinelCore

/// A source that hands out at most `step` bytes per read, to exercise buffer refills.
struct DribbleSource: RDBByteSource {
    var inner: ByteArraySource
    let step: Int
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(RDBError) -> Int {
        try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer.prefix(step)))
    }
}

@Suite struct RDBRoundTripTests {
    static func sampleEntries() -> [RDBEntry] {
        var rng = SplitMix64(seed: 2024)
        let bigList = (0..<5000).map { i in i % 3 == 0 ? bytes("\(i * 7919 - 20000)") : bytes("element-\(i)") }
        return [
            RDBEntry(key: bytes("plain"), value: .string(bytes("hello"))),
            RDBEntry(key: [], value: .string([])),
            RDBEntry(key: [0, 255, 13, 10, 0], value: .string([0, 1, 2, 255])),
            RDBEntry(key: bytes("int-small"), value: .string(bytes("-128"))),
            RDBEntry(key: bytes("int-16"), value: .string(bytes("32767"))),
            RDBEntry(key: bytes("int-32"), value: .string(bytes("-2147483648"))),
            RDBEntry(key: bytes("int-64"), value: .string(bytes("9223372036854775807"))),
            RDBEntry(key: bytes("int-min64"), value: .string(bytes("-9223372036854775808"))),
            RDBEntry(key: bytes("not-int-leading-zero"), value: .string(bytes("007"))),
            RDBEntry(key: bytes("not-int-plus"), value: .string(bytes("+5"))),
            RDBEntry(key: bytes("not-int-minus-zero"), value: .string(bytes("-0"))),
            RDBEntry(key: bytes("compressible"), value: .string(Array(repeating: UInt8(ascii: "z"), count: 100_000))),
            RDBEntry(key: bytes("random-big"), value: .string(randomBytes(300_000, &rng))),
            RDBEntry(key: bytes("expiring"), value: .string(bytes("v")), expireAtMs: 4_102_444_800_000),
            RDBEntry(key: bytes("expired-long-ago"), value: .string(bytes("v")), expireAtMs: 1),
            RDBEntry(key: bytes("list-small"), value: .list([bytes("a"), [], bytes("1"), bytes("-70000"), bytes("12345678901")])),
            RDBEntry(key: bytes("list-big"), value: .list(bigList), expireAtMs: 4_102_444_800_123),
            RDBEntry(key: bytes("list-long-elements"), value: .list([randomBytes(20_000, &rng), bytes("x"), Array(repeating: 7, count: 5000)])),
            RDBEntry(key: bytes("set"), value: .set([bytes("1"), bytes("2"), bytes("three"), [0, 0]])),
            RDBEntry(key: bytes("hash"), value: .hash([(bytes("f1"), bytes("v1")), (bytes("n"), bytes("42")), ([], [])])),
            RDBEntry(db: 3, key: bytes("zset"), value: .sortedSet([
                (bytes("a"), 1.5), (bytes("b"), -.infinity), (bytes("c"), .infinity), (bytes("d"), -0.0),
                (bytes("e"), 1e300), (bytes("f"), .leastNonzeroMagnitude), (bytes("g"), -42),
            ])),
            RDBEntry(db: 3, key: bytes("big-hash"), value: .hash((0..<3000).map { (bytes("field:\($0)"), bytes("\($0)")) })),
            RDBEntry(db: 15, key: bytes("big-set"), value: .set((0..<3000).map { bytes("\($0 * 3)") })),
        ]
    }

    @Test func everyTypeRoundTrips() throws {
        let entries = Self.sampleEntries()
        let header = RDBHeader(creationTimeSeconds: 1_700_000_000, usedMemoryBytes: 123,
                               replication: .init(id: String(repeating: "ab", count: 20), offset: 987_654_321, streamDB: 3))
        let file = try RDBWriter.encode(entries, header: header)
        #expect(Array(file.prefix(9)) == bytes("REDIS0010"))
        let (decoded, meta) = try RDBReader.decode(file)
        #expect(decoded.count == entries.count)
        for (a, b) in zip(decoded, entries) {
            #expect(a == b, "key \(String(decoding: b.key, as: UTF8.self))")
        }
        #expect(meta.version == 10)
        #expect(meta.checksumVerified)
        #expect(meta.replID == String(repeating: "ab", count: 20))
        #expect(meta.replOffset == 987_654_321)
        #expect(meta.replStreamDB == 3)
        #expect(meta.aux("redis-bits") == "64")
        #expect(meta.aux("ctime") == "1700000000")
        // -0.0 keeps its sign bit through the binary encoding.
        if case .sortedSet(let z) = decoded.first(where: { $0.key == bytes("zset") })?.value {
            #expect(z[3].1.sign == .minus)
        }
    }

    @Test func emptyCollectionsAreNotWritten() throws {
        let file = try RDBWriter.encode([
            RDBEntry(key: bytes("l"), value: .list([])),
            RDBEntry(key: bytes("s"), value: .set([])),
            RDBEntry(key: bytes("h"), value: .hash([])),
            RDBEntry(key: bytes("z"), value: .sortedSet([])),
            RDBEntry(key: bytes("kept"), value: .string([])),
        ])
        let (decoded, _) = try RDBReader.decode(file)
        #expect(decoded.map(\.key) == [bytes("kept")])
    }

    @Test func nanScoreIsRefused() {
        #expect(throws: RDBError.self) {
            _ = try RDBWriter.encode([RDBEntry(key: bytes("z"), value: .sortedSet([(bytes("m"), .nan)]))])
        }
    }

    @Test func integerStringsUseIntegerEncoding() throws {
        let file = try RDBWriter.encode([RDBEntry(key: bytes("k"), value: .string(bytes("-129")))])
        // ... type 0, key "k", then 0xC1 and -129 as int16 little-endian, then EOF.
        let tail: [UInt8] = [0x00, 0x01, UInt8(ascii: "k"), 0xc1, 0x7f, 0xff]
        #expect(Array(file[(file.count - 9 - tail.count)..<(file.count - 9)]) == tail)
    }

    @Test func chunkedWriterAndDribblingReaderAgreeWithOneShot() throws {
        let entries = Self.sampleEntries()
        let header = RDBHeader(creationTimeSeconds: 1)
        let oneShot = try RDBWriter.encode(entries, header: header)
        var options = RDBWriterOptions()
        options.chunkSize = 100
        var chunks = 0
        var collected: [UInt8] = []
        var w = RDBWriter(sink: ClosureSink { b in chunks += 1; collected.append(contentsOf: b) }, header: header, options: options)
        for e in entries { try w.write(e) }
        try w.finish()
        #expect(collected == oneShot)
        #expect(chunks > 100)
        #expect(w.bytesWritten == oneShot.count)

        for step in [1, 7, 4096] {
            var ro = RDBReaderOptions()
            ro.chunkSize = 64
            var r = RDBReader(source: DribbleSource(inner: ByteArraySource(oneShot), step: step), options: ro)
            var got: [RDBEntry] = []
            let meta = try r.read { got.append($0) }
            #expect(got == entries)
            #expect(meta.checksumVerified)
        }
    }

    @Test func uncompressedAndUnchecksummedFilesRoundTrip() throws {
        var options = RDBWriterOptions()
        options.compressStrings = false
        options.checksum = false
        let entries = Self.sampleEntries()
        let file = try RDBWriter.encode(entries, options: options)
        let (decoded, meta) = try RDBReader.decode(file)
        #expect(decoded == entries)
        #expect(meta.storedChecksum == 0)
        #expect(!meta.checksumVerified)
    }

    @Test func bytesAfterTheFileAreLeftOver() throws {
        let file = try RDBWriter.encode([RDBEntry(key: bytes("a"), value: .string(bytes("b")))])
        var r = RDBReader(source: ByteArraySource(file + bytes("*1\r\n$4\r\nPING\r\n")))
        _ = try r.read { _ in }
        #expect(r.leftover == bytes("*1\r\n$4\r\nPING\r\n"))
    }

    @Test func writesGoToTheSelectedDatabaseUnlessOneIsNamed() throws {
        var w = RDBWriter(sink: ByteArraySink())
        try w.write(key: bytes("a"), value: .string(bytes("1")))
        try w.selectDB(4, keyCount: 2, expiresCount: 0)
        try w.write(key: bytes("b"), value: .string(bytes("2")))
        try w.write(key: bytes("c"), value: .string(bytes("3")), db: 2)
        try w.write(key: bytes("d"), value: .string(bytes("4")))
        try w.finish()
        let (entries, _) = try RDBReader.decode(w.sink.bytes)
        #expect(entries.map(\.db) == [0, 4, 2, 2])
        #expect(throws: RDBError.self) { try w.write(key: bytes("late"), value: .string([])) }
    }

    @Test func aReaderReadsOnce() throws {
        var r = RDBReader(source: ByteArraySource(try RDBWriter.encode([])))
        _ = try r.read { _ in }
        #expect(throws: RDBError.self) { _ = try r.read { _ in } }
    }

    @Test func callbackErrorsPropagate() throws {
        struct Stop: Error {}
        let file = try RDBWriter.encode(Self.sampleEntries())
        var r = RDBReader(source: ByteArraySource(file))
        #expect(throws: Stop.self) { _ = try r.read { _ in throw Stop() } }
    }

    @Test func fileDescriptorSinkAndSourceRoundTrip() throws {
        let path = "/tmp/rdb-fd-test-\(UInt64.random(in: 0...UInt64.max)).rdb"
        defer { unlink(path) }
        let entries = Self.sampleEntries()
        let wfd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(wfd >= 0)
        var w = RDBWriter(sink: FileDescriptorSink(fd: wfd))
        for e in entries { try w.write(e) }
        try w.finish()
        close(wfd)
        let rfd = open(path, O_RDONLY)
        defer { close(rfd) }
        var r = RDBReader(source: FileDescriptorSource(fd: rfd))
        var got: [RDBEntry] = []
        _ = try r.read { got.append($0) }
        #expect(got == entries)
    }
}
