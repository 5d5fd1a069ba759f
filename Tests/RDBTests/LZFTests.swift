import Testing
@testable import RDB
import SentinelCore

@Suite struct LZFTests {
    func roundTrip(_ input: [UInt8]) throws {
        guard let c = LZF.compress(input, maxOutput: input.count + input.count / 16 + 64) else {
            Issue.record("compression of \(input.count) bytes failed with a generous output bound")
            return
        }
        let d = try LZF.decompress(c, outputLength: input.count)
        #expect(d == input)
    }

    @Test func repetitiveDataCompressesAndRoundTrips() throws {
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: 10_000)
        let c = try #require(LZF.compress(input, maxOutput: input.count - 4))
        #expect(c.count < 200)
        #expect(try LZF.decompress(c, outputLength: input.count) == input)
    }

    @Test func textRoundTrips() throws {
        let text = String(repeating: "the quick brown fox jumps over the lazy dog; ", count: 500)
        try roundTrip(bytes(text))
    }

    @Test func randomDataRoundTripsAtManySizes() throws {
        var rng = SplitMix64(seed: 42)
        for n in [1, 2, 3, 4, 5, 31, 32, 33, 64, 100, 1000, 8191, 8192, 8193, 70_000] {
            try roundTrip(randomBytes(n, &rng))
            // Low-entropy random data: many short matches at random offsets.
            try roundTrip((0..<n).map { _ in UInt8.random(in: 0...3, using: &rng) })
        }
    }

    @Test func incompressibleDataDoesNotFitTheRedisBound() {
        var rng = SplitMix64(seed: 1)
        let input = randomBytes(1000, &rng)
        #expect(LZF.compress(input, maxOutput: input.count - 4) == nil)
    }

    @Test func decompressRejectsBadInput() {
        // Back reference before the start of the output.
        #expect(throws: RDBError.self) { try LZF.decompress([0x20, 0x05], outputLength: 3) }
        // Literal run longer than the input.
        #expect(throws: RDBError.self) { try LZF.decompress([0x05, 0x41], outputLength: 6) }
        // Output shorter than declared.
        #expect(throws: RDBError.self) { try LZF.decompress([0x00, 0x41], outputLength: 2) }
        // Output longer than declared.
        #expect(throws: RDBError.self) { try LZF.decompress([0x01, 0x41, 0x42], outputLength: 1) }
        // Absurd declared length for the input size.
        #expect(throws: RDBError.self) { try LZF.decompress([0x00, 0x41], outputLength: 1 << 40) }
    }

    @Test func randomGarbageNeverCrashes() {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<2000 {
            let input = randomBytes(Int.random(in: 0...40, using: &rng), &rng)
            _ = try? LZF.decompress(input, outputLength: Int.random(in: 0...200, using: &rng))
        }
    }
}

extension LZFTests {
    /// Back references that overlap the bytes they produce (runs with periods 1, 2, 3, 7...).
    @Test func overlappingReferencesRoundTrip() throws {
        for period in [1, 2, 3, 7, 31, 100] {
            let pattern = (0..<period).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 1) }
            for total in [3, 10, 264, 265, 1000, 5000] {
                let input = (0..<total).map { pattern[$0 % period] }
                try roundTrip(input)
            }
        }
    }
}
