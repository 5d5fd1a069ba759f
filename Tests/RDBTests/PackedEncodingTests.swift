import Testing
@testable import RDB
import SentinelCore

@Suite struct PackedEncodingTests {
    func listpackElements(_ lp: [UInt8]) throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        try Listpack.forEach(lp) { out.append($0.array) }
        return out
    }

    func ziplistElements(_ zl: [UInt8]) throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        try Ziplist.forEach(zl) { out.append($0.array) }
        return out
    }

    /// Every listpack encoding, byte by byte as listpack.c lays it out.
    @Test func listpackHandBuiltEntries() throws {
        let entries: [UInt8] = [
            0x05, 0x01,                                     // 7-bit uint 5
            0x83, 0x61, 0x62, 0x63, 0x04,                   // 6-bit string "abc"
            0xdf, 0xff, 0x02,                               // 13-bit int -1
            0xc1, 0x00, 0x02,                               // 13-bit int 256
            0xf1, 0x00, 0x80, 0x03,                         // int16 -32768
            0xf2, 0xff, 0xff, 0x7f, 0x04,                   // int24 8388607
            0xf3, 0x00, 0x00, 0x00, 0x80, 0x05,             // int32 -2147483648
            0xf4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x09, // int64 max
            0x80, 0x01,                                     // empty string
        ]
        var lp = LegacyEncoders.le(UInt64(6 + entries.count + 1), 4) + [9, 0] + entries + [0xff]
        #expect(try listpackElements(lp) == ["5", "abc", "-1", "256", "-32768", "8388607", "-2147483648", "9223372036854775807", ""].map(bytes))
        // Unknown count (65535) is accepted.
        lp[4] = 0xff; lp[5] = 0xff
        #expect(try listpackElements(lp).count == 9)
    }

    @Test func listpackBuilderRoundTripsEveryWidth() throws {
        var rng = SplitMix64(seed: 3)
        var elements: [[UInt8]] = ["0", "127", "128", "-1", "-4096", "4095", "-4097", "32767", "-32769", "8388607",
                                   "-8388609", "2147483647", "-2147483649", "9223372036854775807",
                                   "-9223372036854775808", "18446744073709551616", "01", "-0", "", "x"].map(bytes)
        elements.append(randomBytes(63, &rng))
        elements.append(randomBytes(64, &rng))
        elements.append(randomBytes(4095, &rng))
        elements.append(randomBytes(4096, &rng))
        elements.append(randomBytes(20_000, &rng))
        var b = ListpackBuilder()
        for e in elements { b.append(e) }
        let lp = b.finish()
        #expect(try listpackElements(lp) == elements)
        #expect(lp.count == 7 + elements.map(Listpack.entrySize).reduce(0, +))
    }

    @Test func listpackCorruptionIsRejected() {
        var b = ListpackBuilder()
        for e in ["a", "1000", "hello world"] { b.append(bytes(e)) }
        let good = b.finish()
        var wrongTotal = good; wrongTotal[0] &+= 1
        var noTerminator = good; noTerminator[good.count - 1] = 0
        var wrongCount = good; wrongCount[4] = 4
        var badBacklen = good; badBacklen[8] = 9         // backlen of "a" (encoding + 1 byte = 2)
        var badEncoding = good; badEncoding[6] = 0xf5
        var overrun = good; overrun[6] = 0xbf            // 63-byte string in a short blob
        for (name, lp) in [("total", wrongTotal), ("terminator", noTerminator), ("count", wrongCount),
                           ("backlen", badBacklen), ("encoding", badEncoding), ("overrun", overrun),
                           ("short", Array(good.prefix(5)))] {
            #expect(throws: RDBError.self, "\(name)") { _ = try listpackElements(lp) }
        }
    }

    @Test func ziplistEveryEncoding() throws {
        var rng = SplitMix64(seed: 5)
        let long = randomBytes(300, &rng)      // forces a 5-byte prevlen on the next entry
        let huge = randomBytes(17_000, &rng)   // 32-bit string length
        let elements: [PackedElement] = [.s(bytes("abc")), .i(0), .i(12), .i(13), .i(-128), .i(1000), .i(-70000),
                                         .i(8_388_607), .i(2_000_000_000), .i(-5_000_000_000), .s(long), .s([]), .s(huge), .i(Int64.min)]
        let zl = LegacyEncoders.ziplist(elements)
        let expected: [[UInt8]] = [bytes("abc"), bytes("0"), bytes("12"), bytes("13"), bytes("-128"), bytes("1000"),
                                   bytes("-70000"), bytes("8388607"), bytes("2000000000"), bytes("-5000000000"), long, [], huge,
                                   bytes("-9223372036854775808")]
        #expect(try ziplistElements(zl) == expected)
        #expect(try ziplistElements(LegacyEncoders.ziplist([])).isEmpty)
    }

    @Test func ziplistCorruptionIsRejected() {
        let good = LegacyEncoders.ziplist([.s(bytes("a")), .i(5), .s(bytes("bc"))])
        var badTail = good; badTail[4] &+= 1
        var badPrev = good; badPrev[13] = 7              // prevlen of the second entry
        var badCount = good; badCount[8] = 2
        var badEnc = good; badEnc[14] = 0xc1
        for (name, zl) in [("tail", badTail), ("prevlen", badPrev), ("count", badCount), ("encoding", badEnc),
                           ("short", Array(good.prefix(10)))] {
            #expect(throws: RDBError.self, "\(name)") { _ = try ziplistElements(zl) }
        }
    }

    @Test func intsetWidths() throws {
        for (width, values) in [(2, [Int64(-32768), -1, 0, 32767]), (4, [Int64(Int32.min), 70000]), (8, [Int64.min, 0, Int64.max])] {
            var got: [Int64] = []
            try Intset.forEach(LegacyEncoders.intset(values, width: width)) { got.append($0) }
            #expect(got == values)
        }
    }

    @Test func intsetCorruptionIsRejected() {
        let good = LegacyEncoders.intset([1, 2, 3], width: 2)
        var badWidth = good; badWidth[0] = 3
        var badCount = good; badCount[4] = 4
        let unsorted = LegacyEncoders.le(2, 4) + LegacyEncoders.le(2, 4) + [5, 0, 1, 0]
        let duplicate = LegacyEncoders.le(2, 4) + LegacyEncoders.le(2, 4) + [5, 0, 5, 0]
        for (name, s) in [("width", badWidth), ("count", badCount), ("unsorted", unsorted), ("dup", duplicate), ("short", [2, 0])] {
            #expect(throws: RDBError.self, "\(name)") { try Intset.forEach(s) { _ in } }
        }
    }

    @Test func zipmapPairs() throws {
        var rng = SplitMix64(seed: 8)
        let big = randomBytes(400, &rng)
        let pairs = [(bytes("k"), bytes("v")), (big, bytes("x")), ([], big)]
        var got: [([UInt8], [UInt8])] = []
        try LegacyEncoders.zipmap(pairs, free: 2).withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(RDBError) in
            try Zipmap.forEachPair(b) { got.append(($0, $1)) }
        }
        #expect(got.map(\.0) == pairs.map(\.0))
        #expect(got.map(\.1) == pairs.map(\.1))
    }
}
