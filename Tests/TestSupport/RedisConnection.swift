import Foundation
import Glibc
import RESP

/// A blocking test client over a real TCP socket: sends raw bytes or commands, reads whole RESP
/// values (raw bytes too, for byte-exact reply checks). Every read has a deadline so a broken
/// server fails the test instead of hanging it.
public final class RedisConnection {
    public let fd: Int32
    private var buffer: [UInt8] = []
    private let parser = RESPParser()
    public var timeoutSeconds: Double = 10

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        /// The peer closed or reset the connection (a CLIENT KILL, a restart): a caller that
        /// expects cuts may retry on a new connection; any other failure is an answer.
        public let isConnectionCut: Bool
        public init(description: String, isConnectionCut: Bool = false) {
            self.description = description
            self.isConnectionCut = isConnectionCut
        }
    }

    public init(port: Int, host: String = "127.0.0.1") throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            // No close here: the initializer has set every property, so deinit runs and closes
            // the descriptor; closing it twice could close a number another test reused.
            throw Failure(description: "connect to \(host):\(port) failed: \(String(cString: strerror(errno)))")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    public func send(raw bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else {
                let cut = errno == EPIPE || errno == ECONNRESET
                throw Failure(description: "send failed: \(String(cString: strerror(errno)))", isConnectionCut: cut)
            }
            off += n
        }
    }

    public func send(raw text: String) throws { try send(raw: Array(text.utf8)) }

    public func send(_ args: [String]) throws { try send(raw: RESPWriter.encode(command: args)) }

    public func send(bytes args: [[UInt8]]) throws {
        var w = RESPWriter()
        w.command(args)
        try send(raw: w.buffer)
    }

    /// Reads more bytes; false on EOF.
    private func fill() throws -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, Int32(timeoutSeconds * 1000))
        guard ready > 0 else { throw Failure(description: "timed out after \(timeoutSeconds)s waiting for a reply") }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        // A reset reads as a close: both are the peer cutting the connection.
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// The next whole reply, parsed.
    public func read() throws -> RESPValue {
        try readWithBytes().value
    }

    /// The next whole reply and its exact bytes.
    public func readWithBytes() throws -> (value: RESPValue, bytes: [UInt8]) {
        while true {
            if let (v, next) = try parser.parse(buffer) {
                let raw = Array(buffer[0..<next])
                buffer.removeFirst(next)
                return (v, raw)
            }
            guard try fill() else { throw Failure(description: "connection closed by server", isConnectionCut: true) }
        }
    }

    /// On a pattern-subscribed connection: sends PING and returns every message that arrived
    /// before its answer, as "channel message" (what the server published before the PING).
    public func patternMessagesBeforePong() throws -> [String] {
        try send(["PING"])
        var lines: [String] = []
        while true {
            let m = try read().elements ?? []
            if m.first?.text == "pong" { return lines }
            if m.count == 4, m.first?.text == "pmessage" { lines.append("\(m[2].text ?? "") \(m[3].text ?? "")") }
        }
    }

    /// The exact bytes of the next reply, as text for readable assertions.
    public func readRaw() throws -> String {
        String(decoding: try readWithBytes().bytes, as: UTF8.self)
    }

    /// Sends a command and returns its reply.
    @discardableResult
    public func call(_ args: String...) throws -> RESPValue {
        try send(args)
        return try read()
    }

    public func call(_ args: [String]) throws -> RESPValue {
        try send(args)
        return try read()
    }

    /// Sends all commands at once, then reads one reply per command.
    public func pipeline(_ commands: [[[UInt8]]]) throws -> [RESPValue] {
        var w = RESPWriter()
        for c in commands { w.command(c) }
        try send(raw: w.buffer)
        return try commands.map { _ in try read() }
    }

    /// Sends a binary-safe command and returns its reply.
    @discardableResult
    public func command(_ args: [UInt8]...) throws -> RESPValue { try pipeline([args])[0] }
    @discardableResult
    public func command(_ args: String...) throws -> RESPValue { try pipeline([args.map { Array($0.utf8) }])[0] }

    /// Sends a command and returns the exact reply bytes as text.
    public func raw(_ args: String...) throws -> String {
        try send(args)
        return try readRaw()
    }

    /// Sends a command given as an array and returns the exact reply bytes as text.
    public func raw(_ args: [String]) throws -> String {
        try send(args)
        return try readRaw()
    }

    /// Everything received and not yet parsed, as text (for non-RESP peers).
    public func drainBuffer() -> String {
        defer { buffer.removeAll() }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// True when the server closed the connection (after reading anything pending).
    public func isClosedByPeer() throws -> Bool {
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, Int32(timeoutSeconds * 1000)) > 0 else { return false }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return true }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }
}
