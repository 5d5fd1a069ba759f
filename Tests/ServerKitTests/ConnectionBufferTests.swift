import Testing
import Glibc
import RESP
import Runtime
@testable import ServerKit

@Suite struct ConnectionBufferTests {
    @Test func inputParsesAcrossReadsAndCompacts() throws {
        var input = ClientInput(maxBulkLength: 1 << 20, authenticated: true)
        input.query = Array("*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET".utf8)
        #expect(try input.next() == [Array("PING".utf8)])
        #expect(try input.next() == nil)
        input.compact()
        #expect(input.pos == 0 && input.bufferedBytes > 0 && input.parser.isMidCommand)
        input.query += Array("\r\n$1\r\nk\r\n".utf8)
        #expect(try input.next() == [Array("GET".utf8), Array("k".utf8)])
        input.compact()
        #expect(input.query.isEmpty && !input.hasUnread)
    }

    @Test func flushWritesPartiallyThenDrains() {
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        var size: Int32 = 4096
        setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        var w = RESPWriter()
        w.bulk([UInt8](repeating: 120, count: 1 << 20))  // "$1048576\r\n" + 1 MB + "\r\n"
        var sent = 0, written = 0
        #expect(w.flush(to: fds[0], sentPos: &sent, written: &written) == .wouldBlock)
        #expect(sent > 0 && sent == written && sent < w.buffer.count)
        var sink = [UInt8](repeating: 0, count: 1 << 16)
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        var result = FlushResult.wouldBlock
        for _ in 0..<10_000 where result == .wouldBlock {
            while read(fds[1], &sink, sink.count) > 0 {}
            result = w.flush(to: fds[0], sentPos: &sent, written: &written)
        }
        #expect(result == .drained)
        #expect(sent == 0 && w.buffer.isEmpty && written == (1 << 20) + 12)
    }

    @Test func outputLimitHardAndSoft() {
        let limit = OutputLimit(hard: 100, soft: 50, softSeconds: 2)
        var since: Int64?
        #expect(limit.isExceeded(used: 100, softSinceMs: &since, nowMs: 0))
        #expect(!limit.isExceeded(used: 60, softSinceMs: &since, nowMs: 1000))
        #expect(since == 1000)
        #expect(!limit.isExceeded(used: 60, softSinceMs: &since, nowMs: 2999))
        #expect(limit.isExceeded(used: 60, softSinceMs: &since, nowMs: 3000))
        #expect(!limit.isExceeded(used: 10, softSinceMs: &since, nowMs: 3000))
        #expect(since == nil)
    }

    @Test func acceptPolicyRefusals() {
        let p = AcceptPolicy(maxClients: 2, protectedMode: true, passwordSet: false, keepAliveSeconds: 300)
        #expect(p.refusal(connected: 2, address: "127.0.0.1") == .maxClients)
        #expect(p.refusal(connected: 0, address: "10.0.0.1") == .protectedMode)
        #expect(p.refusal(connected: 0, address: "127.0.0.1") == nil)
        #expect(AcceptPolicy.Refusal.maxClients.line == "-ERR max number of clients reached\r\n")
        var q = p
        q.passwordSet = true
        #expect(q.refusal(connected: 0, address: "10.0.0.1") == nil)
    }
}
