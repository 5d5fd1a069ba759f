import Testing
@testable import RESP
@testable import SentinelCore

/// The codec is fed the same bytes whole, byte by byte, and in random splits: it must give the
/// same values every way, and never consume part of a value.
@Suite struct RESPParserTests {
    static let sample: [UInt8] = Array((
        "+OK\r\n-ERR bad thing\r\n:42\r\n:-7\r\n$5\r\nhello\r\n$0\r\n\r\n$-1\r\n*-1\r\n"
        + "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n:1\r\n*0\r\n_\r\n#t\r\n,3.5\r\n,inf\r\n(12345678901234567890\r\n"
        + "=8\r\ntxt:abcd\r\n%1\r\n+a\r\n:1\r\n~2\r\n+x\r\n+y\r\n>2\r\n+message\r\n$1\r\nz\r\n!3\r\nERR\r\n"
    ).utf8)

    static let expected: [RESPValue] = [
        .simpleString(Array("OK".utf8)), .error(Array("ERR bad thing".utf8)), .integer(42), .integer(-7),
        .bulk("hello"), .bulk(""), .null, .null,
        .array([.bulk("SET"), .bulk("k"), .integer(1)]), .array([]), .null, .boolean(true), .double(3.5), .double(.infinity),
        .bigNumber(Array("12345678901234567890".utf8)), .verbatim(format: Array("txt".utf8), text: Array("abcd".utf8)),
        .map([(.simpleString(Array("a".utf8)), .integer(1))]), .set([.simpleString(Array("x".utf8)), .simpleString(Array("y".utf8))]),
        .push([.simpleString(Array("message".utf8)), .bulk("z")]), .error(Array("ERR".utf8)),
    ]

    /// Parses everything the way a connection would: append chunks, take whole values.
    static func parseInChunks(_ bytes: [UInt8], splits: [Int]) throws -> [RESPValue] {
        let parser = RESPParser()
        var buffer: [UInt8] = []
        var out: [RESPValue] = []
        var offset = 0
        for size in splits + [bytes.count] {
            let end = min(bytes.count, offset + size)
            buffer += bytes[offset..<end]
            offset = end
            while let (v, next) = try parser.parse(buffer) {
                out.append(v)
                buffer.removeFirst(next)
            }
            if offset == bytes.count { break }
        }
        #expect(buffer.isEmpty)
        return out
    }

    @Test func wholeBuffer() throws {
        #expect(try Self.parseInChunks(Self.sample, splits: []) == Self.expected)
    }

    @Test func byteByByte() throws {
        #expect(try Self.parseInChunks(Self.sample, splits: Array(repeating: 1, count: Self.sample.count)) == Self.expected)
    }

    @Test(arguments: 0..<50) func randomSplits(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed))
        var splits: [Int] = []
        var total = 0
        while total < Self.sample.count {
            let s = Int(rng.next() % 17) + 1
            splits.append(s)
            total += s
        }
        #expect(try Self.parseInChunks(Self.sample, splits: splits) == Self.expected, "seed \(seed)")
    }

    @Test func partialFrameNeedsMore() throws {
        let parser = RESPParser()
        for cut in 0..<Self.sample.count {
            // Whatever prefix we have, the parser returns whole values or nil, never throws.
            var buffer = Array(Self.sample[0..<cut])
            while let (_, next) = try parser.parse(buffer) { buffer.removeFirst(next) }
        }
        #expect(try parser.parse(Array("$5\r\nhel".utf8)) == nil)
        #expect(try parser.parse(Array("*2\r\n:1\r\n".utf8)) == nil)
    }

    @Test func malformedInputIsAnError() {
        let parser = RESPParser(maxBulkLength: 1000, maxAggregateCount: 100, maxDepth: 4)
        let bad = ["?x\r\n", ":12a\r\n", "$-2\r\n", "$1001\r\n", "*101\r\n", "$3\r\nabcXY", "#x\r\n", ",nope\r\n",
                   "*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n"]
        for b in bad {
            #expect(throws: RESPError.self, "\(b.debugDescription)") { try parser.parse(Array(b.utf8)) }
        }
    }

    @Test func writerRoundTripsThroughParser() throws {
        for version in [2, 3] {
            var w = RESPWriter(protocolVersion: version)
            w.value(.array([.bulk("a"), .integer(-5), .null, .map([(.bulk("k"), .double(1.5))])]))
            let (v, _) = try #require(try RESPParser().parse(w.buffer))
            if version == 3 {
                #expect(v == .array([.bulk("a"), .integer(-5), .null, .map([(.bulk("k"), .double(1.5))])]))
            } else {
                #expect(v == .array([.bulk("a"), .integer(-5), .null, .array([.bulk("k"), .bulk("1.5")])]))
            }
        }
    }

    @Test func doublesFormatAsRedis72() {
        #expect(RESPWriter.formatDouble(1) == "1")
        #expect(RESPWriter.formatDouble(-0.0) == "-0")
        #expect(RESPWriter.formatDouble(1.5) == "1.5")
        #expect(RESPWriter.formatDouble(0.1) == "0.1")
        #expect(RESPWriter.formatDouble(.infinity) == "inf")
        #expect(RESPWriter.formatDouble(-.infinity) == "-inf")
        #expect(RESPWriter.formatDouble(1e20) == "1e+20")
    }

    @Test func integerParsingIsStrict() {
        #expect(Numbers.int64("0") == 0)
        #expect(Numbers.int64("-9223372036854775808") == Int64.min)
        #expect(Numbers.int64("9223372036854775807") == Int64.max)
        for bad in ["", "-", "01", "+1", " 1", "1 ", "9223372036854775808", "-0", "1.0", "abc"] {
            #expect(Numbers.int64(bad) == nil, "\(bad.debugDescription)")
        }
    }
}

