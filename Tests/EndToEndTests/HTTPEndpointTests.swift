import Foundation
import Glibc
import Testing
import TestSupport

/// The sentinel's HTTP side (metrics, web view, state, event stream) must never cost the sentinel
/// its loop: idle, half-sent or unread connections are bounded and closed, and PING stays fast.
@Suite struct HTTPEndpointTests {
    /// A master and one sentinel with the HTTP port, configured on the command line only (no
    /// config file, so SENTINEL SET floods do not wait for fsync).
    final class Setup {
        let master: ServerProcess
        let sentinel: ServerProcess
        let httpPort: Int
        init() throws {
            master = try ServerProcess.miniredis()
            let port = TestPorts.next()
            httpPort = TestPorts.next()
            sentinel = try ServerProcess(executable: Binaries.sentinel, arguments: [
                "--port", "\(port)", "--bind", "127.0.0.1", "--http-port", "\(httpPort)",
                "--sentinel", "monitor", "mymaster", "127.0.0.1", "\(master.port)", "1",
            ], port: port)
            try sentinel.waitUntilReady()
        }
    }

    /// Max of `count` PING round trips on a fresh connection, in ms.
    static func maxPing(_ s: ServerProcess, count: Int = 20) throws -> Double {
        let c = try s.connect()
        _ = try RawHTTP.pingMs(c)  // the first one pays for the connection
        var worst = 0.0
        for _ in 0..<count { worst = max(worst, try RawHTTP.pingMs(c)) }
        return worst
    }

    @Test func routesAndMethods() throws {
        let s = try Setup()
        let metrics = try RawHTTP.request(port: s.httpPort, path: "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.head.contains("text/plain; version=0.0.4"))
        #expect(metrics.body.contains("sentinel_master_status{master=\"mymaster\",address=\"127.0.0.1:\(s.master.port)\"} 0"))
        #expect(metrics.body.contains("sentinel_connected_clients "))
        let page = try RawHTTP.request(port: s.httpPort, path: "/")
        #expect(page.status == 200 && page.head.contains("text/html"))
        #expect(page.body.contains("<script id=\"initial-state\"") && page.body.contains("new EventSource(\"/events\")"))
        #expect(!page.body.contains("src=\"http"), "the page loads nothing from elsewhere")
        let state = try RawHTTP.request(port: s.httpPort, path: "/api/state?x=1")
        #expect(state.status == 200 && state.head.contains("application/json"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(state.body.utf8)) as? [String: Any])
        let masters = try #require(json["masters"] as? [[String: Any]])
        #expect(masters.first?["address"] as? String == "127.0.0.1:\(s.master.port)")
        // From the master's cached INFO: miniredis reports `fencing:off` without write fencing,
        // and a replica's lag is the master's offset minus the one it lists for that replica.
        let replica = try ServerProcess.miniredis(["--replicaof", "127.0.0.1", "\(s.master.port)"])
        try ReplicationProbe.waitLinked(try replica.connect())
        var last = ""
        try Wait.until(timeoutSeconds: 40, "the state shows the fencing line and the replica's lag:\n\(last)") {
            last = try RawHTTP.request(port: s.httpPort, path: "/api/state").body
            let m = ((try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])?["masters"] as? [[String: Any]])?.first
            let r = (m?["replicas"] as? [[String: Any]])?.first
            return m?["fencing"] as? String == "off" && r?["address"] as? String == "127.0.0.1:\(replica.port)"
                && r?["link"] as? String == "ok" && (r?["lag"] as? NSNumber) != nil
        }
        #expect(try RawHTTP.request(port: s.httpPort, path: "/nope").status == 404)
        #expect(try RawHTTP.request(port: s.httpPort, path: "/metrics", method: "POST").status == 405)
        #expect(try RawHTTP.request(port: s.httpPort, path: "/api/state", method: "DELETE").status == 405)
        #expect(try RawHTTP.request(port: s.httpPort, path: "/", method: "HEAD").body.isEmpty)
        // A request that arrives in pieces is read incrementally (a PING round trip between the
        // pieces makes sure the sentinel's loop saw each one on its own).
        let pieces = try BlockingSocket.connect(port: s.httpPort)
        defer { close(pieces) }
        let ping = try s.sentinel.connect()
        for part in ["GE", "T /metr", "ics HTTP/1.1\r\nHo", "st: x\r\n", "\r\n"] {
            try BlockingSocket.sendAll(pieces, Array(part.utf8))
            _ = try RawHTTP.pingMs(ping)
        }
        #expect(try BlockingSocket.readLine(pieces) == "HTTP/1.1 200 OK")
        let garbage = try BlockingSocket.connect(port: s.httpPort)
        defer { close(garbage) }
        try BlockingSocket.sendAll(garbage, Array("HELLO\r\n\r\n".utf8))
        #expect(try BlockingSocket.readLine(garbage).hasPrefix("HTTP/1.1 400"))
        // A head larger than the limit is refused, not buffered.
        let fd = try BlockingSocket.connect(port: s.httpPort)
        defer { close(fd) }
        try BlockingSocket.sendAll(fd, Array("GET /metrics HTTP/1.1\r\nX-Big: \(String(repeating: "a", count: 10000))\r\n".utf8))
        #expect(try BlockingSocket.readLine(fd).hasPrefix("HTTP/1.1 431"))
        #expect(!s.sentinel.logText.contains("+tilt"))
    }

    /// `http-port` is `metrics-port` under another name: bad values are refused at start-up.
    @Test func badHTTPPortIsAConfigError() throws {
        for (directive, value) in [("--http-port", "70000"), ("--http-port", "web"), ("--metrics-port", "-1")] {
            let r = try Tool.run(Binaries.sentinel, ["--port", "\(TestPorts.next())", directive, value])
            #expect(r.status == 1)
            #expect(r.output.contains(directive == "--http-port" ? "Invalid HTTP port" : "Invalid metrics port"), "\(r.output)")
            #expect(r.output.contains("(command line)"), "\(r.output)")
        }
    }

    /// 50 HTTP and 50 client connections that first send nothing, then half a request (HTTP)
    /// or half a RESP command, then nothing: the sentinel keeps answering PING fast, serves
    /// scrapes, does not TILT, and closes the HTTP ones at their deadline. (The old endpoint
    /// polled each new connection for 200 ms: 50 silent ones froze the loop for 10 s — the
    /// worst PING was 10,044 ms — and the sentinel entered TILT.)
    @Test func slowLorisCannotStallTheSentinel() throws {
        let s = try Setup()
        let openedAt = Date()
        var httpIdle: [Int32] = []
        var clientIdle: [Int32] = []
        defer { for fd in httpIdle + clientIdle { close(fd) } }
        for _ in 0..<50 { httpIdle.append(try BlockingSocket.connect(port: s.httpPort)) }
        for _ in 0..<50 { clientIdle.append(try BlockingSocket.connect(port: s.sentinel.port)) }
        var pings: [Double] = []
        var scrapes = 0
        // Measured while the connections are pending (well before their 5 s deadline): rounds
        // of 20 PINGs, each followed by a scrape; silent first, then with half requests.
        func measure() throws {
            pings.append(try Self.maxPing(s.sentinel))
            let m = try RawHTTP.request(port: s.httpPort, path: "/metrics")
            #expect(m.status == 200 && m.body.contains("sentinel_tilt 0"))
            scrapes += 1
        }
        for _ in 0..<2 { try measure() }
        for fd in httpIdle { try BlockingSocket.sendAll(fd, Array("GET /metrics HTTP/1.1\r\nHost: x\r\n".utf8)) }
        for fd in clientIdle { try BlockingSocket.sendAll(fd, Array("*3\r\n$8\r\nSENTINEL\r\n$3\r\nge".utf8)) }
        for _ in 0..<3 { try measure() }
        #expect(Date().timeIntervalSince(openedAt) < 4.5, "the measurement ran past the idle connections' deadline")
        let worst = pings.max() ?? 0
        print("slow-loris: worst PING \(String(format: "%.2f", worst)) ms over \(pings.count * 20) PINGs, \(scrapes) scrapes with 50 idle HTTP + 50 idle client connections")
        #expect(worst < 50, "PING took \(worst) ms with idle connections open")
                // The HTTP ones are closed at their deadline (5 s), not before; the client ones stay
        // (Redis has no timeout for clients by default either).
        try Wait.until(timeoutSeconds: 20, "the idle HTTP connections are closed") { httpIdle.allSatisfy(RawHTTP.isClosed) }
        let closedAfter = Date().timeIntervalSince(openedAt)
        print("slow-loris: idle HTTP connections closed \(String(format: "%.1f", closedAfter)) s after they opened")
        #expect(closedAfter >= 4.5 && closedAfter < 12)
        #expect(clientIdle.allSatisfy { !RawHTTP.isClosed($0) })
        let after = try RawHTTP.request(port: s.httpPort, path: "/metrics").body
        #expect(RawHTTP.sample(after, "sentinel_http_timeouts_total").map { $0 >= 50 } == true)
        #expect(try Self.maxPing(s.sentinel) < 50)
        #expect(!s.sentinel.logText.contains("+tilt"), "\(s.sentinel.logText)")
    }

    /// Beyond the connection cap (128) a connection is refused at once with 503.
    @Test func connectionCapRefusesTheExcess() throws {
        let s = try Setup()
        var fds: [Int32] = []
        defer { for fd in fds { close(fd) } }
        for _ in 0..<128 { fds.append(try BlockingSocket.connect(port: s.httpPort)) }
        // The sentinel accepts in batches as the loop turns: wait until it holds all 128.
        try Wait.until(timeoutSeconds: 10, "128 connections are open") {
            let fd = try BlockingSocket.connect(port: s.httpPort)
            defer { close(fd) }
            try BlockingSocket.sendAll(fd, Array("GET /metrics HTTP/1.1\r\n\r\n".utf8))
            return (try? BlockingSocket.readLine(fd))?.hasPrefix("HTTP/1.1 503") == true
        }
        #expect(try Self.maxPing(s.sentinel) < 50)
    }

    /// Out of descriptors (a sentinel run with a limit of 64), the HTTP port stops accepting for a
    /// while instead of spinning on a listener it cannot drain, and resumes once the silent
    /// connections reach their deadline.
    @Test func outOfDescriptorsDoesNotSpin() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit") else {
            print("SKIPPED: /usr/bin/prlimit (util-linux) is not installed")
            return
        }
        let master = try ServerProcess.miniredis()
        let port = TestPorts.next()
        let httpPort = TestPorts.next()
        // prlimit sets the limit and execs the sentinel, so the process is the sentinel itself.
        let s = try ServerProcess(executable: "/usr/bin/prlimit", arguments: [
            "--nofile=64:64", Binaries.sentinel, "--port", "\(port)", "--bind", "127.0.0.1", "--http-port", "\(httpPort)",
            "--sentinel", "monitor", "mymaster", "127.0.0.1", "\(master.port)", "1",
        ], port: port)
        try s.waitUntilReady()
        let ping = try s.connect()
        var fds: [Int32] = []
        defer { for fd in fds { close(fd) } }
        for _ in 0..<80 { fds.append(try BlockingSocket.connect(port: httpPort)) }
        try Wait.until(timeoutSeconds: 10, "the sentinel runs out of descriptors") {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(s.process.processIdentifier)/fd"))?.count ?? 0) >= 63
        }
        // CPU time over one second with 20 PINGs paced through it (a measuring window, not a
        // wait for a condition): an idle sentinel uses almost none, a spinning loop all of it.
        func cpuTicks() throws -> Int {
            let stat = try String(contentsOfFile: "/proc/\(s.process.processIdentifier)/stat", encoding: .utf8)
            let fields = stat[stat.range(of: ") ")!.upperBound...].split(separator: " ")
            return Int(fields[11])! + Int(fields[12])!  // utime, stime (fields 14 and 15)
        }
        let before = try cpuTicks()
        let start = Date()
        var worst = 0.0
        for _ in 0..<20 {
            worst = max(worst, try RawHTTP.pingMs(ping))
            usleep(50_000)
        }
        let used = try cpuTicks() - before
        print("out of descriptors: \(used) CPU ticks in \(String(format: "%.2f", Date().timeIntervalSince(start))) s (100 a second is a full core), worst PING \(String(format: "%.2f", worst)) ms")
        #expect(worst < 50)
        #expect(used < 30, "the sentinel used \(used) ticks in about 1 s")
        #expect(s.logText.contains("HTTP: out of file descriptors"))
        // Once the silent connections time out the queued ones are accepted and a scrape works.
        for fd in fds { close(fd) }
        fds = []
        var metrics = ""
        try Wait.until(timeoutSeconds: 30, "a scrape works again") {
            metrics = (try? RawHTTP.request(port: httpPort, path: "/metrics", timeoutSeconds: 2).body) ?? ""
            return metrics.contains("sentinel_http_accept_pauses_total")
        }
        #expect((RawHTTP.sample(metrics, "sentinel_http_accept_pauses_total") ?? 0) >= 1)
        #expect(!s.logText.contains("+tilt"))
    }

    @Test func eventStreamCarriesPublishedEvents() throws {
        let s = try Setup()
        let fd = try RawHTTP.openStream(port: s.httpPort)
        defer { close(fd) }
        #expect(try s.sentinel.connect().call("SENTINEL", "SET", "mymaster", "down-after-milliseconds", "4321").text == "OK")
        var data: String?
        var id: String?
        try Wait.until(timeoutSeconds: 10, "a data line for +set") {
            let line = try BlockingSocket.readLine(fd)
            if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
            if line.hasPrefix("data: "), line.contains("+set") { data = String(line.dropFirst(6)) }
            return data != nil
        }
        let line = try #require(data)
        let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(event["channel"] as? String == "+set")
        #expect(event["message"] as? String == "master mymaster 127.0.0.1 \(s.master.port) down-after-milliseconds 4321")
        #expect(((event["time"] as? NSNumber)?.int64Value ?? 0) > 1_600_000_000_000)

        // A client reconnecting with Last-Event-ID gets what it missed, in order, then new events.
        let lastID = try #require(id)
        let c = try s.sentinel.connect()
        for v in ["5001", "5002"] { #expect(try c.call("SENTINEL", "SET", "mymaster", "down-after-milliseconds", v).text == "OK") }
        let again = try RawHTTP.openStream(port: s.httpPort, lastEventID: lastID)
        defer { close(again) }
        var replayed: [String] = []
        try Wait.until(timeoutSeconds: 10, "the missed events are replayed") {
            let line = try BlockingSocket.readLine(again)
            if line.hasPrefix("data: ") { replayed.append(line) }
            return replayed.count == 2
        }
        #expect(replayed[0].contains("down-after-milliseconds 5001") && replayed[1].contains("down-after-milliseconds 5002"), "\(replayed)")
        // An id from another run of the sentinel replays the whole history kept.
        let stranger = try RawHTTP.openStream(port: s.httpPort, lastEventID: "1-999")
        defer { close(stranger) }
        #expect(try BlockingSocket.readLine(stranger).hasPrefix("retry:"))
        #expect(try BlockingSocket.readLine(stranger) == ": connected")
        #expect(try BlockingSocket.readLine(stranger) == "")
        #expect(try BlockingSocket.readLine(stranger).hasPrefix("id: "))
    }

    /// An event stream whose reader never reads: its backlog is capped and it is dropped, PING
    /// stays fast meanwhile, and a reading stream keeps receiving.
    @Test func unreadEventStreamIsDroppedNotBuffered() throws {
        let s = try Setup()
        let stalled = try RawHTTP.openStream(port: s.httpPort, receiveBuffer: 4096)
        defer { close(stalled) }
        let reader = try RawHTTP.openStream(port: s.httpPort)
        defer { close(reader) }
        let c = try s.sentinel.connect()
        var worst = 0.0
        // ~150 bytes per event: 4000 of them overflow 4 KB + 64 KB of socket buffers plus the
        // 256 KB backlog cap.
        for round in 0..<40 {
            let commands = (0..<100).map { i in ["SENTINEL", "SET", "mymaster", "down-after-milliseconds", "\(10000 + round * 100 + i)"].map { Array($0.utf8) } }
            let replies = try c.pipeline(commands)
            #expect(replies.allSatisfy { $0.text == "OK" })
            worst = max(worst, try Self.maxPing(s.sentinel, count: 3))
            // The reading stream is drained as we go.
            _ = RawHTTP.isClosed(reader)
        }
        print("unread stream: worst PING \(String(format: "%.2f", worst)) ms during 4000 events")
        #expect(worst < 50)
        var metrics = ""
        try Wait.until(timeoutSeconds: 10, "the stalled stream is dropped") {
            metrics = try RawHTTP.request(port: s.httpPort, path: "/metrics").body
            return RawHTTP.sample(metrics, "sentinel_http_streams_dropped_total") == 1
        }
        #expect(RawHTTP.sample(metrics, "sentinel_http_event_streams") == 1)
        // The reader still gets new events.
        #expect(try c.call("SENTINEL", "SET", "mymaster", "down-after-milliseconds", "777").text == "OK")
        try Wait.until(timeoutSeconds: 10, "the reading stream gets the last event") {
            try BlockingSocket.readLine(reader).contains("down-after-milliseconds 777")
        }
    }
}
