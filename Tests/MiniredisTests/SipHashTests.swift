import Testing
@testable import miniredis

/// The key table's hash is SipHash-1-2; the same code with 2 and 4 rounds must give the
/// published SipHash-2-4 test vectors (key 00…0f, messages 00…(n-1)), which checks the word
/// loading, the length byte and the tail.
@Suite struct SipHashTests {
    static let key: (UInt64, UInt64) = (0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908)

    func sip24(_ n: Int) -> UInt64 {
        let message = (0..<n).map { UInt8($0) }
        return message.withUnsafeBytes { SipHash.hash($0, key: Self.key, compressionRounds: 2, finalizationRounds: 4) }
    }

    @Test func publishedSipHash24Vectors() {
        #expect(sip24(0) == 0x726f_db47_dd0e_0e31)
        #expect(sip24(1) == 0x74f8_39c5_93dc_67fd)
        #expect(sip24(8) == 0x93f5_f579_9a93_2462)
        #expect(sip24(15) == 0xa129_ca61_49be_45e5)
    }

    @Test func keyedAndLengthSensitive() {
        let a: [UInt8] = [1, 2, 3], b: [UInt8] = [1, 2, 3, 0]
        let ha = a.withUnsafeBytes { SipHash.hash($0) }
        let hb = b.withUnsafeBytes { SipHash.hash($0) }
        #expect(ha != hb)  // a trailing zero byte changes the length byte
        let other = a.withUnsafeBytes { SipHash.hash($0, key: (1, 2), compressionRounds: 1, finalizationRounds: 2) }
        #expect(ha != other)
    }
}

@Suite struct ByteStringDecimalTests {
    @Test(arguments: [Int64.min, Int64.min + 1, -10, -9, -1, 0, 1, 9, 10, 99, 100, 12345, Int64.max])
    func decimalIsTheNumbersText(_ n: Int64) {
        let s = ByteString(decimal: n)
        #expect(s == ByteString(Array(String(n).utf8)))
        #expect(s.text == String(n))
    }
}

@Suite struct ByteStringHashTests {
    /// Inline and heap strings hash differently by design; equal strings must hash equally, and
    /// a string just past the inline capacity must still find itself.
    @Test func equalStringsHashEqually() {
        for n in [0, 1, 7, 8, 15, 16, 22, 23, 24, 40] {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 1) }
            // Built in two steps (APPEND's path, crossing the inline capacity or not) it is the
            // same string and must hash the same.
            var grown = ByteString(Array(bytes.prefix(n / 2)))
            grown.append(Array(bytes.dropFirst(n / 2)))
            #expect(grown == ByteString(bytes))
            #expect(grown.tableHash == ByteString(bytes).tableHash)
            if n > 0 {
                var other = bytes
                other[n - 1] ^= 1
                #expect(ByteString(bytes).tableHash != ByteString(other).tableHash)
            }
        }
    }
}
