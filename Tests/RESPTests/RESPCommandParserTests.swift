import Testing
@testable import RESP

@Suite struct RESPCommandParserTests {
    func commands(_ text: String, chunk: Int? = nil) throws -> [[String]] {
        var parser = RESPCommandParser(maxBulkLength: 1 << 20)
        let bytes = Array(text.utf8)
        var buffer: [UInt8] = []
        var pos = 0
        var out: [[String]] = []
        var offset = 0
        repeat {
            let end = chunk.map { min(bytes.count, offset + $0) } ?? bytes.count
            buffer += bytes[offset..<end]
            offset = end
            while let cmd = try parser.next(buffer, &pos) {
                if !cmd.isEmpty { out.append(cmd.map { String(decoding: $0, as: UTF8.self) }) }
            }
        } while offset < bytes.count
        #expect(pos == buffer.count)
        return out
    }

    /// The arguments of an unfinished command are memory the server holds for the client:
    /// heldBytes counts them (with per-array overhead) until the command completes.
    @Test func heldBytesCountsTheArgumentsOfAnUnfinishedCommand() throws {
        var parser = RESPCommandParser()
        let buffer = Array(("*1000\r\n" + String(repeating: "$1\r\na\r\n", count: 10)).utf8)
        var pos = 0
        #expect(try parser.next(buffer, &pos) == nil)
        #expect(pos == buffer.count)
        #expect(parser.heldBytes == 10 * (1 + RESPCommandParser.perArgumentOverhead))
        let whole = Array("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n".utf8)
        var p2 = 0
        var fresh = RESPCommandParser()
        #expect(try fresh.next(whole, &p2)?.count == 2)
        #expect(fresh.heldBytes == 0)
    }

    @Test func multibulkAndInlineMixed() throws {
        let text = "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\nPING\r\nSET a \"b c\\n\" 'd'\r\n\r\n*0\r\n*1\r\n$4\r\nPING\r\n"
        let expected = [["GET", "key"], ["PING"], ["SET", "a", "b c\n", "d"], ["PING"]]
        #expect(try commands(text) == expected)
        for size in 1...9 {
            #expect(try commands(text, chunk: size) == expected, "chunk \(size)")
        }
    }

    @Test func redisProtocolErrors() {
        let cases: [(String, String)] = [
            ("*x\r\n", "Protocol error: invalid multibulk length"),
            ("*1\r\n$-1\r\n", "Protocol error: invalid bulk length"),
            ("*1\r\n$2000000\r\n", "Protocol error: invalid bulk length"),
            ("*1\r\n:1\r\n", "Protocol error: expected '$', got ':'"),
            ("GET \"x\r\n", "Protocol error: unbalanced quotes in request"),
            ("*1\r\n" + String(repeating: "9", count: 70000), "Protocol error: too big bulk count string"),
            (String(repeating: "A", count: 70000), "Protocol error: too big inline request"),
        ]
        for (input, message) in cases {
            var parser = RESPCommandParser(maxBulkLength: 1 << 20)
            var pos = 0
            #expect(throws: RESPError(message), "\(input.prefix(20).debugDescription)") {
                _ = try parser.next(Array(input.utf8), &pos)
            }
        }
    }

    @Test func splitterMatchesRedisQuoting() {
        #expect(ArgumentSplitter.split("set k \"a\\x41\\tb\"") == ["set", "k", "aA\tb"])
        #expect(ArgumentSplitter.split("say 'it\\'s'") == ["say", "it's"])
        #expect(ArgumentSplitter.split("a \"b\"c") == nil)
        #expect(ArgumentSplitter.split("   ") == [])
        #expect(ArgumentSplitter.split("save \"\"") == ["save", ""])
    }

    /// The string form cuts quote-free lines itself; it must split every line exactly as the
    /// byte walk does (random lines over spaces, VT/FF, quotes, backslashes and non-ASCII).
    @Test func stringSplitAgreesWithTheByteWalk() {
        let alphabet: [String] = ["a", "b", "7", " ", "  ", "\t", "\r", "\n", "\u{0B}", "\u{0C}", "\"", "'", "\\", "é", "\u{301}", "x"]
        var seed: UInt64 = 1
        func next() -> Int { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Int(seed >> 33) }
        for _ in 0..<20000 {
            let line = (0..<(next() % 12)).map { _ in alphabet[next() % alphabet.count] }.joined()
            let walked = ArgumentSplitter.split(Array(line.utf8)).map { $0.map { String(decoding: $0, as: UTF8.self) } }
            #expect(ArgumentSplitter.split(line) == walked, "line \(line.debugDescription)")
        }
    }
}
