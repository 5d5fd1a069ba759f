import Foundation
import Glibc

/// HTTP over raw sockets for the sentinel's HTTP side: a whole GET (status, headers, body) with
/// a deadline, and the pieces the slow-client tests need (half requests, unread streams).
public enum RawHTTP {
    public struct Response {
        public let status: Int
        public let head: String
        public let body: String
    }

    /// GET (or another method) and read to the end (every response but /events closes).
    public static func request(port: Int, path: String, method: String = "GET", timeoutSeconds: Int = 10) throws -> Response {
        let fd = try BlockingSocket.connect(port: port)
        defer { close(fd) }
        BlockingSocket.setTimeout(fd, seconds: timeoutSeconds)
        try BlockingSocket.sendAll(fd, Array("\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else { throw RedisConnection.Failure(description: "GET \(path): read failed or timed out (errno \(errno)) after \(bytes.count) bytes") }
            bytes += chunk[0..<n]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw RedisConnection.Failure(description: "no response head: \(text.prefix(200))") }
        let head = String(text[..<split.lowerBound])
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return Response(status: status, head: head, body: String(text[split.upperBound...]))
    }

    /// Opens an event stream and reads its response head; returns the descriptor, positioned at
    /// the first event line.
    public static func openStream(port: Int, receiveBuffer: Int32? = nil, lastEventID: String? = nil) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer {
            // Before connect, so the advertised window is small from the start.
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var addr = BlockingSocket.loopback(port)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw RedisConnection.Failure(description: "connect to \(port) failed: errno \(errno)") }
        BlockingSocket.setTimeout(fd, seconds: 30)
        try BlockingSocket.sendAll(fd, Array("GET /events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\(lastEventID.map { "Last-Event-ID: \($0)\r\n" } ?? "")\r\n".utf8))
        var head = ""
        while true {
            let line = try BlockingSocket.readLine(fd)
            if line.isEmpty { break }
            head += line + "\n"
        }
        guard head.hasPrefix("HTTP/1.1 200"), head.lowercased().contains("content-type: text/event-stream") else {
            close(fd)
            throw RedisConnection.Failure(description: "not an event stream: \(head)")
        }
        return fd
    }

    /// True once the peer closed the connection (EOF or reset), false while it is open and quiet;
    /// data that arrives is discarded.
    public static func isClosed(_ fd: Int32) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, Int32(MSG_DONTWAIT)) }
            if n > 0 { continue }
            if n == 0 { return true }
            return errno != EAGAIN && errno != EWOULDBLOCK
        }
    }

    /// Milliseconds for one PING round trip on `c`.
    public static func pingMs(_ c: RedisConnection) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        let reply = try c.call("PING")
        guard reply.text == "PONG" else { throw RedisConnection.Failure(description: "PING answered \(reply)") }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }

    /// The value of an unlabelled sample, or of the first sample whose line starts with `prefix`.
    public static func sample(_ metrics: String, _ prefix: String) -> Double? {
        for line in metrics.split(separator: "\n") where line.hasPrefix(prefix) && !line.hasPrefix("#") {
            let rest = line.dropFirst(prefix.count)
            guard rest.first == " " || rest.first == "{" else { continue }
            return line.split(separator: " ").last.flatMap { Double($0) }
        }
        return nil
    }
}
