import Testing
@testable import RESP

/// The in-place form of the request parser (the server's hot loop): a command split across reads
/// keeps its arguments, recycling mid-command loses nothing, and a recycled array keeps its
/// storage for the next command.
@Suite struct CommandParserInPlaceTests {
    @Test func splitCommandsSurviveRecycleAndStorageIsReused() throws {
        var parser = RESPCommandParser()
        let whole = Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n*1\r\n$4\r\nPING\r\n".utf8)
        // The first read ends inside the third argument.
        var buffer = Array(whole[0..<22])
        var pos = 0
        #expect(try parser.nextInPlace(buffer, &pos) == false)
        #expect(parser.isMidCommand && parser.args.map { String(decoding: $0, as: UTF8.self) } == ["SET", "k"])
        parser.recycle()
        #expect(parser.args.count == 2, "recycle mid-command must keep the arguments")
        buffer = whole
        #expect(try parser.nextInPlace(buffer, &pos))
        #expect(parser.args.map { String(decoding: $0, as: UTF8.self) } == ["SET", "k", "value"])
        let storage = parser.args.withUnsafeBufferPointer { $0.baseAddress }
        parser.recycle()
        #expect(parser.args.isEmpty)
        #expect(try parser.nextInPlace(buffer, &pos))
        #expect(parser.args == [Array("PING".utf8)])
        #expect(parser.args.withUnsafeBufferPointer { $0.baseAddress } == storage, "the array's storage is reused")
        #expect(pos == whole.count)
        // The old form still returns a fresh array per command.
        var old = RESPCommandParser()
        var p2 = 0
        #expect(try old.next(whole, &p2) == [Array("SET".utf8), Array("k".utf8), Array("value".utf8)])
        #expect(try old.next(whole, &p2) == [Array("PING".utf8)])
    }
}
