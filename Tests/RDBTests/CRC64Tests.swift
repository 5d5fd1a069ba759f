import Testing
@testable import RDB
import SentinelCore

@Suite struct CRC64Tests {
    @Test func checkValueMatchesRedis() {
        #expect(CRC64.checksum(bytes("123456789")) == 0xe9c6_d914_c4b8_d9ca)
    }

    @Test func emptyInputIsZero() {
        #expect(CRC64.checksum([]) == 0)
    }

    /// Slicing-by-8 and the byte-at-a-time loop must agree for every length and split.
    @Test func incrementalUpdatesMatchOneShotForEverySplit() {
        var rng = SplitMix64(seed: 7)
        let data = randomBytes(300, &rng)
        var naive: UInt64 = 0
        for b in data {
            naive ^= UInt64(b)
            for _ in 0..<8 { naive = naive & 1 == 1 ? (naive >> 1) ^ 0x95ac_9329_ac4b_c9b5 : naive >> 1 }
        }
        #expect(CRC64.checksum(data) == naive)
        for split in [0, 1, 7, 8, 9, 63, 150, 299, 300] {
            var crc = CRC64()
            crc.update(Array(data[..<split]))
            crc.update(Array(data[split...]))
            #expect(crc.value == naive, "split at \(split)")
        }
    }
}
