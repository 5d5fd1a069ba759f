import Testing
import RESP
import TestSupport

/// Hostile and broken input: each gets Redis's error or a closed connection, and nothing else
/// is affected.
@Suite struct MiniredisBadInputTests {
    let server: ServerProcess

    init() throws {
        server = try ServerProcess.miniredis(["--requirepass", ""])
    }

    /// After each case a fresh client must still be served, with the data intact.
    func assertHealthy() throws {
        let probe = try server.connect()
        #expect(try probe.raw("GET", "sentinel-key") == "$5\r\nsaved\r\n")
    }

    @Test func protocolErrorsCloseOnlyTheOffendingConnection() throws {
        try server.connect().call("SET", "sentinel-key", "saved")
        let cases: [(String, String)] = [
            ("*1\r\n$x\r\n", "-ERR Protocol error: invalid bulk length\r\n"),
            ("*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"),
            ("*1\r\n$600000000\r\n", "-ERR Protocol error: invalid bulk length\r\n"),
            ("*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n"),
            ("*3000000000\r\n", "-ERR Protocol error: invalid multibulk length\r\n"),
            ("*1\r\n+PING\r\n", "-ERR Protocol error: expected '$', got '+'\r\n"),
            ("SET \"unbalanced\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"),
        ]
        for (input, expected) in cases {
            let bad = try server.connect()
            try bad.send(raw: input)
            #expect(try bad.readRaw() == expected, "for input \(input.debugDescription)")
            #expect(try bad.isClosedByPeer(), "connection stays open after \(input.debugDescription)")
        }
        try assertHealthy()
    }

    @Test func inlineCommandsAndPipelines() throws {
        let c = try server.connect()
        try c.send(raw: "PING\r\nSET a \"x y\"\r\nGET a\r\n\r\nECHO 'it''s'\r\n")
        #expect(try c.readRaw() == "+PONG\r\n")
        #expect(try c.readRaw() == "+OK\r\n")
        #expect(try c.readRaw() == "$3\r\nx y\r\n")
        // 'it''s' is not valid: a closing quote must be followed by a space.
        #expect(try c.readRaw() == "-ERR Protocol error: unbalanced quotes in request\r\n")
    }

    @Test func pipelinedRepliesArriveWhole() throws {
        let c = try server.connect()
        var batch: [UInt8] = []
        for i in 0..<1000 { batch += RESPWriter.encode(command: ["SET", "p\(i)", "\(i)"]) }
        for i in 0..<1000 { batch += RESPWriter.encode(command: ["GET", "p\(i)"]) }
        try c.send(raw: batch)
        for _ in 0..<1000 { #expect(try c.read() == .simpleString(Array("OK".utf8))) }
        for i in 0..<1000 { #expect(try c.read() == .bulk("\(i)")) }
    }

    @Test func commandsSplitAcrossManyWritesAndDisconnectsMidFrame() throws {
        try server.connect().call("SET", "sentinel-key", "saved")
        let c = try server.connect()
        let bytes = RESPWriter.encode(command: ["SET", "split", String(repeating: "v", count: 5000)])
        for b in bytes { try c.send(raw: [b]) }
        #expect(try c.readRaw() == "+OK\r\n")
        // A client that vanishes halfway through a frame leaves no trace.
        let quitter = try server.connect()
        try quitter.send(raw: "*3\r\n$3\r\nSET\r\n$5\r\nsplit\r\n$100\r\nonly-part")
        _ = quitter
        try assertHealthy()
        #expect(try c.call("STRLEN", "split") == .integer(5000))
    }

    @Test func garbageFromManyClientsLeavesNormalClientsServed() throws {
        try server.connect().call("SET", "sentinel-key", "saved")
        var g = SystemRandomNumberGenerator()
        var garbage: [RedisConnection] = []
        for _ in 0..<50 {
            let c = try server.connect()
            let junk = (0..<Int.random(in: 1...4096, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
            try? c.send(raw: junk)
            garbage.append(c)
        }
        try assertHealthy()
    }

    @Test func unauthenticatedClientsGetBoundedFrames() throws {
        let secured = try ServerProcess.miniredis(["--requirepass", "s3cret"])
        let c = try secured.connect()
        #expect(try c.raw("GET", "x") == "-NOAUTH Authentication required.\r\n")
        #expect(try c.raw("AUTH", "wrong") == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        #expect(try c.raw("AUTH", "default", "s3cret") == "+OK\r\n")
        let anon = try secured.connect()
        try anon.send(raw: "*20\r\n")
        #expect(try anon.readRaw() == "-ERR Protocol error: unauthenticated multibulk length\r\n")
        let anon2 = try secured.connect()
        try anon2.send(raw: "*2\r\n$4\r\nAUTH\r\n$100000\r\n")
        #expect(try anon2.readRaw() == "-ERR Protocol error: unauthenticated bulk length\r\n")
        let h = try secured.connect()
        #expect(try h.raw("HELLO", "3").hasPrefix("-NOAUTH HELLO must be called with the client already authenticated"))
        #expect(try h.call("HELLO", "3", "AUTH", "default", "s3cret").pairs?.first?.1 == .bulk("redis"))
    }

    @Test func clientThatNeverReadsDoesNotGrowMemoryWithoutBound() throws {
        let writer = try server.connect()
        try writer.call("SET", "blob", String(repeating: "x", count: 1 << 20))
        let reader = try server.connect()
        // 512 GETs of a 1 MB value = 512 MB of replies; the server stops reading this client's
        // commands once 64 MB are pending, so its memory stays bounded.
        var batch: [UInt8] = []
        for _ in 0..<512 { batch += RESPWriter.encode(command: ["GET", "blob"]) }
        try reader.send(raw: batch)
        try Wait.until(timeoutSeconds: 10, "the server reports the reader's pending output") {
            (try writer.call("CLIENT", "LIST").text ?? "").contains("omem=")
        }
        let rss = Int(try writer.call("INFO", "memory").text!.split(separator: "\r\n").first { $0.hasPrefix("used_memory_rss:") }!.dropFirst(16))!
        #expect(rss < 400 << 20, "RSS \(rss) grew with a client that never reads")
        #expect(try writer.raw("PING") == "+PONG\r\n")
    }
}
