import Foundation
import Glibc
import RESP
import Runtime
import Synchronization

/// A scripted stand-in for a master, to inject faults a real one never makes on cue: it answers
/// the replica's handshake and then sends whatever `payload` returns for PSYNC, and closes.
public final class FakeMaster: Sendable {
    public let port: Int
    private let listener: Int32
    private let connections = ConnectionCounter()

    public var connectionCount: Int { connections.value.load(ordering: .relaxed) }

    public init(payload: @escaping @Sendable () -> [UInt8]) throws {
        port = TestPorts.next()
        listener = try Socket.listen(host: "127.0.0.1", port: port)
        // The listening socket is non-blocking (the event loop's kind); poll before accepting.
        // The thread owns the descriptor and closes it itself when told to stop: closing it
        // from another thread could close a number the process has already reused.
        let fd = listener
        let counter = connections
        let thread = Thread {
            defer { close(fd) }
            while !counter.stopped.load(ordering: .relaxed) {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, 100) >= 0 else { return }
                guard p.revents & Int16(POLLIN) != 0, let (conn, _, _) = Socket.accept(fd) else { continue }
                counter.value.add(1, ordering: .relaxed)
                _ = fcntl(conn, F_SETFL, fcntl(conn, F_GETFL) & ~O_NONBLOCK)
                FakeMaster.serve(conn, payload: payload)
                close(conn)
            }
        }
        thread.start()
    }

    deinit { connections.stopped.store(true, ordering: .relaxed) }

    private static func serve(_ fd: Int32, payload: () -> [UInt8]) {
        var parser = RESPCommandParser()
        var buffer: [UInt8] = []
        var pos = 0
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 5000) > 0 else { return }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return }
            buffer += chunk[0..<n]
            while let cmd = try? parser.next(buffer, &pos) {
                guard let name = cmd.first.map({ String(decoding: $0, as: UTF8.self).uppercased() }) else { continue }
                let reply: [UInt8]
                switch name {
                case "PING": reply = Array("+PONG\r\n".utf8)
                case "PSYNC", "SYNC": reply = payload()
                default: reply = Array("+OK\r\n".utf8)
                }
                _ = reply.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if name == "PSYNC" || name == "SYNC" { return }
            }
        }
    }

    /// +FULLRESYNC followed by a `$len` payload made of `body`, announced as `announced` bytes.
    public static func fullResync(body: [UInt8], announced: Int? = nil) -> [UInt8] {
        Array("+FULLRESYNC \(String(repeating: "a", count: 40)) 100\r\n$\(announced ?? body.count)\r\n".utf8) + body
    }
}

/// Shared with the accept thread; the atomic makes the count safe to read from the test.
public final class ConnectionCounter: Sendable {
    public let value = Atomic<Int>(0)
    public let stopped = Atomic<Bool>(false)
}
