import Glibc
import Runtime

/// The sentinel's read-only HTTP side (`metrics-port`, alias `http-port`): Prometheus text, the
/// web view, its JSON snapshot and an event stream, served on the event loop like every other
/// socket. The old endpoint read each request with a 200 ms blocking wait: idle connections
/// froze the sentinel into TILT. Here every limit is explicit:
/// - a request head must arrive within `requestDeadlineMs` and fit in `maxRequestHead`;
/// - a response must be taken by the peer within `responseDeadlineMs`;
/// - at most `maxConnections` are open (beyond: a 503 attempt and close), of which at most
///   `maxStreams` event streams;
/// - an event stream whose unsent backlog passes `maxStreamBacklog` is dropped;
/// - out of descriptors, accepting pauses for `acceptPauseMs` rather than spinning.
/// Nothing received over HTTP reaches the machine: routes only read.
final class HTTPServer: EventHandler {
    static let maxRequestHead = 8192
    static let requestDeadlineMs: Int64 = 5000
    static let responseDeadlineMs: Int64 = 10_000
    static let maxConnections = 128
    static let maxStreams = 32
    static let maxStreamBacklog = 256 << 10
    /// The kernel's send buffer for a stream, fixed (no autotuning to MBs) so the backlog cap is
    /// reached, and a stalled reader noticed, after a bounded amount of data.
    static let streamSocketBuffer: Int32 = 64 << 10
    /// A comment line on every stream this often, so a peer that vanished is noticed by a failed
    /// write and proxies do not time the stream out.
    static let keepAliveMs: Int64 = 15_000
    static let acceptPauseMs: Int64 = 500

    let fd: Int32
    let port: Int
    unowned let server: SentinelServer
    var loop: EventLoop { server.loop }
    var readBuffer: UnsafeMutableRawBufferPointer { server.readBuffer }
    private var connections: [Int32: HTTPConnection] = [:]
    let events = EventHistory(incarnation: EventLoop.wallClockMs())
    private var lastKeepAliveMs = EventLoop.monotonicMs()

    // Counters for the metrics.
    private(set) var requestsTotal: Int64 = 0
    private(set) var refusedTotal: Int64 = 0
    private(set) var timedOutTotal: Int64 = 0
    private(set) var droppedStreamsTotal: Int64 = 0
    private(set) var acceptPausesTotal: Int64 = 0
    private var acceptPaused = false
    var openConnections: Int { connections.count }
    var openStreams: Int { connections.values.count { $0.phase == .streaming } }

    init(server: SentinelServer, port: Int, host: String) throws(SystemError) {
        self.server = server
        self.port = port
        fd = try Socket.listen(host: host, port: port)
        do { try server.loop.register(fd, self) } catch { Glibc.close(fd); throw error }
        // Deadlines are checked by one sweep rather than a timer per connection.
        server.loop.addTimer(afterMs: 250, repeatMs: 250) { [unowned self] in self.sweep() }
    }

    // MARK: Connections

    func readable() {
        // Bounded per wake-up so a connect flood cannot hold the loop.
        for _ in 0..<256 {
            guard let (conn, _, _) = Socket.accept(fd) else {
                if errno == EMFILE || errno == ENFILE { pauseAccepting() }
                return
            }
            if connections.count >= Self.maxConnections {
                refusedTotal += 1
                var refusal = HTTPResponse.error("503 Service Unavailable", extraHeaders: "Retry-After: 5\r\n")
                // One non-blocking attempt: a refusal is not worth buffering.
                _ = refusal.withUnsafeMutableBytes { Socket.write(conn, UnsafeRawBufferPointer($0)) }
                Glibc.close(conn)
                continue
            }
            Socket.setNoDelay(conn)
            let c = HTTPConnection(fd: conn, server: self, deadlineMs: EventLoop.monotonicMs() + Self.requestDeadlineMs)
            do { try loop.register(conn, c) } catch { Glibc.close(conn); continue }
            connections[conn] = c
        }
    }

    func writable() {}

    /// Out of descriptors, the pending connection cannot be accepted, and the listener stays
    /// readable: the level-triggered loop would call us again at once, forever, at full CPU. The
    /// listener is left alone for a while instead (the kernel keeps the connections queued).
    private func pauseAccepting() {
        guard !acceptPaused else { return }
        acceptPaused = true
        acceptPausesTotal += 1
        server.log.warning("HTTP: out of file descriptors, not accepting for \(Self.acceptPauseMs) ms")
        loop.setInterest(fd, read: false, write: false)
        loop.addTimer(afterMs: Self.acceptPauseMs) { [unowned self] in
            self.acceptPaused = false
            self.loop.setInterest(self.fd, read: true, write: false)
        }
    }

    func close(_ c: HTTPConnection) {
        guard !c.closed else { return }
        c.markClosed()
        loop.unregister(c.fd)
        Glibc.close(c.fd)
        connections[c.fd] = nil
    }

    func dropSlowStream(_ c: HTTPConnection) {
        droppedStreamsTotal += 1
        server.log.verbose("Closing an event stream that stopped reading (\(c.pendingBytes) bytes unsent)")
        close(c)
    }

    /// Closes connections past their deadline; keeps streams alive.
    private func sweep() {
        let now = EventLoop.monotonicMs()
        for c in Array(connections.values) where c.phase != .streaming && now >= c.deadlineMs {
            timedOutTotal += 1
            close(c)
        }
        if now - lastKeepAliveMs >= Self.keepAliveMs {
            lastKeepAliveMs = now
            for c in Array(connections.values) where c.phase == .streaming { c.stream(Array(": keep-alive\n\n".utf8)) }
        }
    }

    // MARK: Routes

    func route(_ head: HTTPRequestHead, on c: HTTPConnection) {
        requestsTotal += 1
        guard head.method == "GET" || head.method == "HEAD" else {
            c.respond(HTTPResponse.error("405 Method Not Allowed", extraHeaders: "Allow: GET\r\n"))
            return
        }
        var response: [UInt8]
        switch head.path {
        case "/metrics":
            response = HTTPResponse.make(status: "200 OK", contentType: "text/plain; version=0.0.4; charset=utf-8",
                                         body: Array((server.metrics?.render() ?? "").utf8))
        case "/":
            response = HTTPResponse.make(status: "200 OK", contentType: "text/html; charset=utf-8",
                                         body: WebPage.html(state: StateSnapshot.json(server, http: self)),
                                         extraHeaders: "Content-Security-Policy: \(WebPage.contentSecurityPolicy)\r\n")
        case "/api/state":
            response = HTTPResponse.make(status: "200 OK", contentType: "application/json",
                                         body: Array(StateSnapshot.json(server, http: self).utf8))
        case "/events":
            guard head.method == "GET" else { response = HTTPResponse.error("405 Method Not Allowed"); break }
            guard openStreams < Self.maxStreams else {
                refusedTotal += 1
                response = HTTPResponse.error("503 Service Unavailable", extraHeaders: "Retry-After: 5\r\n")
                break
            }
            var size = Self.streamSocketBuffer
            setsockopt(c.fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            // `retry` tells EventSource how soon to reconnect after the stream ends.
            c.startStream(Array("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Accel-Buffering: no\r\n\r\nretry: 2000\n: connected\n\n".utf8))
            // A reconnecting EventSource says what it saw last: send what it missed, if kept.
            if let last = head.header("last-event-id") {
                for e in events.missed(after: last) { c.stream(streamBytes(e)) }
            }
            return
        default:
            response = HTTPResponse.error("404 Not Found")
        }
        if head.method == "HEAD", let end = Self.headEnd(response) { response.removeSubrange(end...) }
        c.respond(response)
    }

    private static func headEnd(_ r: [UInt8]) -> Int? {
        let marker = Array("\r\n\r\n".utf8)
        guard r.count >= 4 else { return nil }
        for i in 0...(r.count - 4) where r[i] == marker[0] && Array(r[i..<(i + 4)]) == marker { return i + 4 }
        return nil
    }

    // MARK: Events

    /// Called for every event the machine publishes: kept for /api/state and pushed to streams.
    func published(channel: String, message: String) {
        let bytes = streamBytes(events.append(channel: channel, message: message, wallMs: EventLoop.wallClockMs()))
        for c in Array(connections.values) where c.phase == .streaming { c.stream(bytes) }
    }

    private func streamBytes(_ e: EventHistory.Entry) -> [UInt8] {
        Array("id: \(events.streamID(e))\ndata: \(e.json)\n\n".utf8)
    }
}
