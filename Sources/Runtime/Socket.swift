import CSystem
import Glibc

/// Thin wrappers over the socket calls: every one retries EINTR and reports EAGAIN as "would
/// block" rather than as an error, so callers handle exactly three outcomes.
/// How a flush ended: everything written, the socket's buffer full (wait for writable), or the
/// connection gone.
public enum FlushResult: Sendable, Equatable {
    case drained
    case wouldBlock
    case failed
}

public enum Socket {
    public enum IOResult: Equatable {
        case bytes(Int)
        case wouldBlock
        case closed
        case failed(Int32)
    }

    /// Opens a non-blocking listening socket on host:port ("*" or "::*" for any address).
    public static func listen(host: String, port: Int, backlog: Int32 = 511) throws(SystemError) -> Int32 {
        let ipv6 = host.contains(":")
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if ipv6 { setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size)) }
        let rc: Int32
        if ipv6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = in_port_t(UInt16(port).bigEndian)
            let text = host == "::*" || host == "*" ? "::" : host
            guard inet_pton(AF_INET6, text, &addr.sin6_addr) == 1 else {
                close(fd)
                throw SystemError("bind \(host): invalid address", code: EINVAL)
            }
            rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            let text = host == "*" ? "0.0.0.0" : host
            guard inet_pton(AF_INET, text, &addr.sin_addr) == 1 else {
                close(fd)
                throw SystemError("bind \(host): invalid address", code: EINVAL)
            }
            rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        guard rc == 0 else {
            let e = SystemError("bind \(host):\(port)")
            close(fd)
            throw e
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let e = SystemError("listen")
            close(fd)
            throw e
        }
        return fd
    }

    /// Opens a non-blocking listening Unix domain socket at `path` (an old socket file there is
    /// removed first, as Redis does), with mode `permissions` when not 0.
    public static func listenUnix(path: String, permissions: UInt32, backlog: Int32 = 511) throws(SystemError) -> Int32 {
        var addr = sockaddr_un()
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard path.utf8.count < capacity else { throw SystemError("unixsocket \(path): path too long (at most \(capacity - 1) bytes)", code: ENAMETOOLONG) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("socket") }
        unlink(path)
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { dst in
            for (i, b) in path.utf8.enumerated() { dst[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        guard rc == 0 else {
            let e = SystemError("bind \(path)")
            close(fd)
            throw e
        }
        if permissions != 0 { chmod(path, mode_t(permissions)) }
        guard Glibc.listen(fd, backlog) == 0 else {
            let e = SystemError("listen")
            close(fd)
            throw e
        }
        return fd
    }

    /// Opens a listener per address of a Redis `bind` list; a leading "-" marks an address that
    /// may be unavailable (skipped, e.g. `-::1` without IPv6). At least one must succeed.
    public static func listenAll(bind: [String], port: Int, backlog: Int32 = 511) throws(SystemError) -> [Int32] {
        var fds: [Int32] = []
        for raw in bind {
            let optional = raw.hasPrefix("-")
            let host = optional ? String(raw.dropFirst()) : raw
            do {
                fds.append(try listen(host: host, port: port, backlog: backlog))
            } catch {
                if optional { continue }
                for fd in fds { close(fd) }
                throw error
            }
        }
        if fds.isEmpty { throw SystemError("bind: no address could be bound", code: EADDRNOTAVAIL) }
        return fds
    }

    /// Accepts one pending connection as a non-blocking descriptor, or nil when none is left.
    public static func accept(_ listener: Int32) -> (fd: Int32, address: String, port: Int)? {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        while true {
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.accept(listener, $0, &len)
                }
            }
            if fd < 0 {
                if errno == EINTR { continue }
                return nil
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            let (address, port) = describe(&storage)
            return (fd, address, port)
        }
    }

    /// Starts a non-blocking connect to an IPv4 or IPv6 literal. The result is known when the
    /// descriptor becomes writable (see `connectResult`).
    public static func connect(host: String, port: Int) throws(SystemError) -> Int32 {
        let ipv6 = host.contains(":")
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("socket") }
        var rc: Int32
        if ipv6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
            guard inet_pton(AF_INET6, host, &addr.sin6_addr) == 1 else { close(fd); throw SystemError("connect \(host): invalid address", code: EINVAL) }
            rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
            guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else { close(fd); throw SystemError("connect \(host): invalid address", code: EINVAL) }
            rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        if rc != 0 && errno != EINPROGRESS {
            let e = SystemError("connect \(host):\(port)")
            close(fd)
            throw e
        }
        setNoDelay(fd)
        return fd
    }

    /// After a non-blocking connect became writable: 0 when connected, else the errno.
    public static func connectResult(_ fd: Int32) -> Int32 {
        var err: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 { return errno }
        return err
    }

    public static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    public static func setKeepAlive(_ fd: Int32, seconds: Int32) {
        guard seconds > 0 else { return }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
        var idle = seconds
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE, &idle, socklen_t(MemoryLayout<Int32>.size))
        var interval = Swift.max(1, seconds / 3)
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPINTVL, &interval, socklen_t(MemoryLayout<Int32>.size))
        var count: Int32 = 3
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPCNT, &count, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Reads what is available, up to the scratch buffer's size; through TLS when the
    /// connection has it.
    public static func read(_ fd: Int32, into scratch: UnsafeMutableRawBufferPointer, tls: TLSConnection? = nil) -> IOResult {
        if let tls { return tls.read(into: scratch) }
        while true {
            let n = Glibc.read(fd, scratch.baseAddress, scratch.count)
            if n > 0 { return .bytes(n) }
            if n == 0 { return .closed }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK ? .wouldBlock : .failed(errno)
        }
    }

    /// Writes bytes[from...]; returns how many went out.
    public static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> IOResult {
        guard bytes.count > 0 else { return .bytes(0) }
        while true {
            let n = Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if n >= 0 { return .bytes(n) }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK ? .wouldBlock : .failed(errno)
        }
    }

    /// Writes `bytes[sent...]` as far as the socket takes them, advancing `sent`: the one write
    /// loop of every output buffer (client replies, instance links, HTTP responses), through TLS
    /// when the connection has it (after a would-block the caller retries with the same bytes
    /// first, as OpenSSL requires: its buffers only grow at the end).
    @inlinable
    public static func writeOut(_ fd: Int32, _ bytes: [UInt8], sent: inout Int, tls: TLSConnection? = nil) -> FlushResult {
        while sent < bytes.count {
            let start = sent
            let result = bytes.withUnsafeBytes { raw -> IOResult in
                let rest = UnsafeRawBufferPointer(rebasing: raw[start...])
                return tls?.write(rest) ?? write(fd, rest)
            }
            switch result {
            case .bytes(let n): sent += n
            case .wouldBlock: return .wouldBlock
            case .closed, .failed: return .failed
            }
        }
        return .drained
    }

    /// Text form of a peer address and its port.
    static func describe(_ storage: inout sockaddr_storage) -> (String, Int) {
        var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        if storage.ss_family == sa_family_t(AF_UNIX) {
            // A Unix socket: its path (empty for the connecting side), port 0.
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_un.self, capacity: 1) { p -> (String, Int) in
                    var path = p.pointee.sun_path
                    let text = withUnsafeBytes(of: &path) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
                    return (text, 0)
                }
            }
        }
        if storage.ss_family == sa_family_t(AF_INET6) {
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p -> (String, Int) in
                    var a = p.pointee.sin6_addr
                    inet_ntop(AF_INET6, &a, &buf, socklen_t(buf.count))
                    var text = CString.string(buf)
                    if text.hasPrefix("::ffff:") { text = String(text.dropFirst(7)) }
                    return (text, Int(UInt16(bigEndian: p.pointee.sin6_port)))
                }
            }
        }
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p -> (String, Int) in
                var a = p.pointee.sin_addr
                inet_ntop(AF_INET, &a, &buf, socklen_t(buf.count))
                return (CString.string(buf), Int(UInt16(bigEndian: p.pointee.sin_port)))
            }
        }
    }

    /// The local address of a connected socket (what the peer sees us as).
    public static func localAddress(_ fd: Int32) -> (String, Int)? {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard rc == 0 else { return nil }
        return describe(&storage)
    }

    /// A peer on this host: a loopback address, or a Unix socket path (which is how clients of
    /// a Unix socket are named, as in Redis).
    public static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.hasPrefix("/")
    }

    /// An IPv4 or IPv6 literal (needs no resolving).
    public static func isAddressLiteral(_ host: String) -> Bool {
        var probe4 = in_addr(), probe6 = in6_addr()
        return inet_pton(AF_INET, host, &probe4) == 1 || inet_pton(AF_INET6, host, &probe6) == 1
    }

    /// Resolves a host name to an address literal (first IPv4, else IPv6), or nil. Blocking:
    /// the event loop's users go through HostResolver.
    public static func resolve(_ host: String) -> String? {
        if isAddressLiteral(host) { return host }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return nil }
        defer { freeaddrinfo(result) }
        var chosen: String?
        var p: UnsafeMutablePointer<addrinfo>? = first
        while let cur = p {
            if let sa = cur.pointee.ai_addr {
                var storage = sockaddr_storage()
                memcpy(&storage, sa, Int(cur.pointee.ai_addrlen))
                let (text, _) = describe(&storage)
                if cur.pointee.ai_family == AF_INET { return text }
                if chosen == nil { chosen = text }
            }
            p = cur.pointee.ai_next
        }
        return chosen
    }
}

/// Text from a NUL-terminated C buffer.
public enum CString {
    public static func string(_ buffer: [CChar]) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
