import Glibc
import RESP

/// Blocking socket helpers with timeouts, so a misbehaving peer fails the test instead of hanging it.
public enum BlockingSocket {
    public static func setTimeout(_ fd: Int32, seconds: Int) {
        var tv = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    public static func loopback(_ port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return addr
    }

    public static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = loopback(port)
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else { close(fd); throw RedisConnection.Failure(description: "connect failed: errno \(errno)") }
        setTimeout(fd, seconds: 30)
        return fd
    }

    /// A listening socket on a free port in the interop range.
    public static func listen() throws -> (fd: Int32, port: Int) {
        for _ in 0..<20 {
            let port = TestPorts.next()
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var addr = loopback(port)
            let r = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if r == 0 && Glibc.listen(fd, 4) == 0 { return (fd, port) }
            close(fd)
        }
        throw RedisConnection.Failure(description: "no free port to listen on")
    }

    public static func accept(_ listener: Int32, deadlineSeconds: Int32) throws -> Int32 {
        var p = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, deadlineSeconds * 1000) == 1 else { throw RedisConnection.Failure(description: "no connection within \(deadlineSeconds) s") }
        let fd = Glibc.accept(listener, nil, nil)
        guard fd >= 0 else { throw RedisConnection.Failure(description: "accept failed: errno \(errno)") }
        setTimeout(fd, seconds: 30)
        return fd
    }

    public static func sendAll(_ fd: Int32, _ data: [UInt8]) throws {
        var sent = 0
        while sent < data.count {
            let n = data.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw RedisConnection.Failure(description: "send failed: errno \(errno)") }
            sent += n
        }
    }

    public static func sendCommand(_ fd: Int32, _ args: [String]) throws {
        var w = RESPWriter()
        w.command(args)
        try sendAll(fd, w.buffer)
    }

    public static func readSome(_ fd: Int32) throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
        guard n > 0 else { throw RedisConnection.Failure(description: "connection closed or timed out") }
        return Array(chunk[0..<n])
    }

    public static func readExactly(_ fd: Int32, _ count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        while out.count < count {
            var b: UInt8 = 0
            guard recv(fd, &b, 1, 0) == 1 else { throw RedisConnection.Failure(description: "connection closed or timed out") }
            out.append(b)
        }
        return out
    }

    /// One line without its terminator ("\r\n", or a lone "\n" keep-alive → ""), byte by byte so
    /// nothing after the line is consumed.
    public static func readLine(_ fd: Int32) throws -> String {
        var line: [UInt8] = []
        while true {
            let b = try readExactly(fd, 1)[0]
            if b == 10 { break }
            line.append(b)
        }
        if line.last == 13 { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
    }
}
