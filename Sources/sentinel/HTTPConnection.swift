import Glibc
import Runtime

/// One HTTP connection on the event loop. It reads the request head as it arrives, answers once
/// and closes, or (GET /events) stays open as an event stream. Nothing here blocks: writes that
/// do not fit the socket wait for write interest, and the server's sweep closes connections that
/// miss their deadline, so an idle or slow peer costs a descriptor and a few KB, never time.
final class HTTPConnection: EventHandler {
    enum Phase {
        /// Waiting for the request head, until `deadlineMs`.
        case reading
        /// Sending a response, then closing; must be done by `deadlineMs`.
        case responding
        /// An event stream: open until the peer goes or stops reading.
        case streaming
    }

    let fd: Int32
    unowned let server: HTTPServer
    private(set) var phase = Phase.reading
    /// When the connection is closed by the sweep if still reading or responding.
    var deadlineMs: Int64
    private var input: [UInt8] = []
    private var output: [UInt8] = []
    private var sent = 0
    private(set) var closed = false

    init(fd: Int32, server: HTTPServer, deadlineMs: Int64) {
        self.fd = fd
        self.server = server
        self.deadlineMs = deadlineMs
    }

    /// Bytes accepted for the peer and not yet taken by the socket.
    var pendingBytes: Int { output.count - sent }

    func readable() {
        let scratch = server.readBuffer
        switch Socket.read(fd, into: scratch) {
        case .wouldBlock: return
        case .closed, .failed: server.close(self); return
        case .bytes(let n):
            // After the head, what a peer sends is ignored (there is no body to read), but it
            // is drained so the descriptor does not stay readable.
            guard phase == .reading else { return }
            input.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
        }
        switch HTTPRequestHead.parse(input, limit: HTTPServer.maxRequestHead) {
        case .incomplete: return
        case .bad: respond(HTTPResponse.error("400 Bad Request"))
        case .tooLarge: respond(HTTPResponse.error("431 Request Header Fields Too Large"))
        case .request(let head):
            input = []
            server.route(head, on: self)
        }
    }

    func writable() { flush() }

    /// Sends a complete response and closes when it is out.
    func respond(_ bytes: [UInt8]) {
        phase = .responding
        deadlineMs = EventLoop.monotonicMs() + HTTPServer.responseDeadlineMs
        output += bytes
        flush()
    }

    /// Switches to an event stream after sending `head`.
    func startStream(_ head: [UInt8]) {
        phase = .streaming
        output += head
        flush()
    }

    /// Appends stream bytes; a peer whose backlog passes the cap is dropped, so a tab in the
    /// background (or a client that never reads) cannot make the sentinel buffer without bound.
    func stream(_ bytes: [UInt8]) {
        guard phase == .streaming, !closed else { return }
        if pendingBytes + bytes.count > HTTPServer.maxStreamBacklog {
            server.dropSlowStream(self)
            return
        }
        output += bytes
        flush()
    }

    func flush() {
        guard !closed else { return }
        switch Socket.writeOut(fd, output, sent: &sent) {
        case .drained: break
        case .wouldBlock:
            server.loop.setInterest(fd, read: true, write: true)
            return
        case .failed:
            server.close(self)
            return
        }
        output.removeAll(keepingCapacity: output.capacity <= 64 << 10)
        sent = 0
        server.loop.setInterest(fd, read: true, write: false)
        if phase == .responding { server.close(self) }
    }

    /// Called by the server only.
    func markClosed() { closed = true }
}
