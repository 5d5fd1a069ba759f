import Glibc
import RESP

/// A small blocking RESP client on loopback: commands are encoded with SentinelCore's
/// RESPWriter, replies decoded with its RESPParser. Every read has a deadline, so a node that
/// hangs makes a step fail with a message instead of freezing the demo. Any error closes the
/// connection; callers make a new one (see NodeLink), because the sentinels' reconfiguration
/// kills client connections (CLIENT KILL TYPE normal) on purpose.
final class RESPClient {
    let port: Int
    private(set) var fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private let parser = RESPParser()
    var timeoutMs: Int32

    init(port: Int, timeoutMs: Int32 = 2000) throws {
        self.port = port
        self.timeoutMs = timeoutMs
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw DemoError("socket: \(String(cString: strerror(errno)))") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        addr.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let e = errno
            close(fd)
            fd = -1
            throw DemoError("connect to 127.0.0.1:\(port): \(String(cString: strerror(e)))")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { if fd >= 0 { close(fd) } }

    func send(_ commands: [[String]]) throws {
        var w = RESPWriter()
        for c in commands { w.command(c) }
        var off = 0
        while off < w.buffer.count {
            let n = w.buffer.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, $0.count - off, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw DemoError("write to :\(port): \(String(cString: strerror(errno)))") }
            off += n
        }
    }

    /// Sends one command and returns its reply; an error reply is returned, not thrown.
    func call(_ args: String...) throws -> RESPValue { try call(args) }

    func call(_ args: [String]) throws -> RESPValue {
        try send([args])
        return try read(deadline: Clock.nowMs() + Int64(timeoutMs))
    }

    /// Sends a batch in one write and reads its replies in order.
    func pipeline(_ commands: [[String]]) throws -> [RESPValue] {
        try send(commands)
        let deadline = Clock.nowMs() + Int64(timeoutMs)
        return try commands.map { _ in try read(deadline: deadline) }
    }

    /// Replies already received, without waiting (pub/sub messages).
    func drain() throws -> [RESPValue] {
        var out: [RESPValue] = []
        while try fill(waitMs: 0) {}
        while let v = try next() { out.append(v) }
        return out
    }

    private func read(deadline: Int64) throws -> RESPValue {
        while true {
            if let v = try next() { return v }
            let left = deadline - Clock.nowMs()
            guard left > 0 else { throw DemoError("no reply from :\(port) within \(timeoutMs) ms") }
            guard try fill(waitMs: Int32(left)) else { throw DemoError("no reply from :\(port) within \(timeoutMs) ms") }
        }
    }

    private func next() throws -> RESPValue? {
        guard let (v, after) = try parser.parse(buffer, from: start) else { return nil }
        start = after
        if start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
        return v
    }

    /// Waits up to `waitMs` for bytes; true when some arrived. Throws when the peer closed.
    private func fill(waitMs: Int32) throws -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, waitMs)
        if ready < 0 && errno == EINTR { return false }
        guard ready > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 && (errno == EINTR || errno == EAGAIN) { return false }
        guard n > 0 else { throw DemoError("connection to :\(port) closed") }
        if start > 0 { buffer.removeFirst(start); start = 0 }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }
}

/// A connection that comes back: `call` reconnects after any failure, and returns nil instead
/// of throwing, for the observer's polling where a dead node is a state, not an error.
final class NodeLink {
    let port: Int
    private var client: RESPClient?
    var timeoutMs: Int32

    init(port: Int, timeoutMs: Int32 = 1000) {
        self.port = port
        self.timeoutMs = timeoutMs
    }

    func call(_ args: String...) -> RESPValue? { call(args) }

    func call(_ args: [String]) -> RESPValue? {
        do {
            if client == nil { client = try RESPClient(port: port, timeoutMs: timeoutMs) }
            return try client!.call(args)
        } catch {
            client = nil
            return nil
        }
    }

    /// Like `call`, but throws what went wrong (for steps that must succeed).
    func require(_ args: [String]) throws -> RESPValue {
        do {
            if client == nil { client = try RESPClient(port: port, timeoutMs: timeoutMs) }
            return try client!.call(args)
        } catch {
            client = nil
            throw error
        }
    }

    func pipeline(_ commands: [[String]]) throws -> [RESPValue] {
        do {
            if client == nil { client = try RESPClient(port: port, timeoutMs: timeoutMs) }
            return try client!.pipeline(commands)
        } catch {
            client = nil
            throw error
        }
    }

    func reset() { client = nil }
}

extension RESPValue {
    /// The fields of an INFO reply ("key:value" lines).
    var infoFields: [String: String] {
        var out: [String: String] = [:]
        for line in (text ?? "").split(whereSeparator: \.isNewline) {  // "\r\n" is one Character
            guard !line.hasPrefix("#"), let colon = line.firstIndex(of: ":") else { continue }
            out[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        return out
    }

    /// A SENTINEL MASTER style reply as a dictionary.
    var fieldMap: [String: String] {
        var out: [String: String] = [:]
        for (k, v) in pairs ?? [] { if let k = k.text { out[k] = v.text ?? "" } }
        return out
    }
}
