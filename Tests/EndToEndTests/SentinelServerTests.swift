import Foundation
import Testing
import TestSupport
import RESP

/// Our sentinel as a server: start-up from config files (including the shipped example), bad
/// configs, and the client surface.
@Suite struct SentinelServerTests {
    /// The repository root, found from this file.
    static var root: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    static func startSentinel(config: String, extra: [String] = []) throws -> ServerProcess {
        let port = TestPorts.next()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-conf-\(port)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let conf = dir.appendingPathComponent("sentinel.conf")
        try config.write(to: conf, atomically: true, encoding: .utf8)
        let s = try ServerProcess(executable: Binaries.sentinel, arguments: [conf.path, "--port", "\(port)"] + extra, port: port, directory: dir)
        try s.waitUntilReady()
        return s
    }

    @Test func theShippedExampleStarts() throws {
        let example = try String(contentsOf: Self.root.appendingPathComponent("sentinel.conf.example"), encoding: .utf8)
        let s = try Self.startSentinel(config: example)
        let c = try s.connect()
        #expect(try c.call("PING") == .simpleString(Array("PONG".utf8)))
        let masters = try c.call("SENTINEL", "MASTERS").elements ?? []
        #expect(masters.count == 1)
        #expect(masters.first?.pairs?.first?.1 == .bulk("mymaster"))
        #expect(try c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster") == .array([.bulk("127.0.0.1"), .bulk("6379")]))
        // The state was written back: a myid line now, the user's comments kept.
        let saved = try String(contentsOf: s.directory.appendingPathComponent("sentinel.conf"), encoding: .utf8)
        #expect(saved.contains("sentinel myid "))
        #expect(saved.contains("# sentinel.conf.example — a working configuration"))
    }

    @Test func badConfigStopsStartupNamingFileAndLine() throws {
        let port = TestPorts.next()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-bad-\(port)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let conf = dir.appendingPathComponent("bad.conf")
        try "port \(port)\nsentinel monitor mymaster 127.0.0.1 6379 2\nsentinel down-after-milliseconds nosuch 1000\n".write(to: conf, atomically: true, encoding: .utf8)
        let (status, output) = try Tool.run(Binaries.sentinel, [conf.path])
        #expect(status != 0)
        #expect(output.contains("bad.conf"))
        #expect(output.contains("line 3"))
        #expect(output.contains("No such master"))
    }

    @Test func clientSurface() throws {
        let s = try Self.startSentinel(config: "sentinel monitor mymaster 127.0.0.1 1 2\nsentinel down-after-milliseconds mymaster 5000\n")
        let c = try s.connect()
        #expect(try c.raw("PUBLISH", "foo", "bar") == "-ERR Only HELLO messages are accepted by Sentinel instances.\r\n")
        #expect(try c.raw("SENTINEL", "MASTER", "nosuch") == "-ERR No such master with that name\r\n")
        #expect(try c.raw("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nosuch") == "*-1\r\n")
        #expect(try c.call("ROLE") == .array([.bulk("sentinel"), .array([.bulk("mymaster")])]))
        #expect(try c.call("INFO", "sentinel").text?.contains("master0:name=mymaster") == true)
        #expect(try c.call("INFO").text?.contains("redis_mode:sentinel") == true)
        #expect(try c.raw("GET", "x").hasPrefix("-ERR unknown command 'GET'"))
        let hello = try c.call("HELLO", "3")
        #expect(hello.pairs?.first(where: { $0.0 == .bulk("mode") })?.1 == .bulk("sentinel"))
        #expect(try c.raw("SENTINEL", "MYID").count > 40)
        #expect(try c.raw("CLIENT", "SETNAME", "probe") == "+OK\r\n")
        // Events reach subscribers: SENTINEL SET publishes +set... and MONITOR publishes +monitor.
        let sub = try s.connect()
        try sub.send(["PSUBSCRIBE", "*"])
        _ = try sub.read()
        #expect(try c.raw("SENTINEL", "MONITOR", "other", "127.0.0.1", "2", "1") == "+OK\r\n")
        let event = try sub.read().elements ?? []
        #expect(event.count == 4)
        #expect(event[2] == .bulk("+monitor"))
    }

    /// A reply that waits for the state to be on disk (the shell's group commit) holds back the
    /// client's later commands, so pipelined replies keep their order: here errors the shell
    /// gives at once, a machine reply and a shell command, between two persisting SETs.
    @Test func pipelinedRepliesBehindAPersistKeepTheirOrder() throws {
        let s = try Self.startSentinel(config: "sentinel monitor m 127.0.0.1 1 2\n")
        let c = try s.connect()
        var w = RESPWriter()
        for command in [["SENTINEL", "SET", "m", "quorum", "3"], ["GET", "x"], ["PING"], ["SENTINEL", "SET", "m", "quorum", "4"],
                        ["CLIENT", "SETNAME", "x y"], ["CLIENT", "SETNAME", "probe"],
                        ["SENTINEL", "SET", "m", "down-after-milliseconds", "7000"], ["CLIENT", "GETNAME"]] {
            w.command(command.map { Array($0.utf8) })
        }
        try c.send(raw: w.buffer)
        var replies: [String] = []
        for _ in 0..<8 { replies.append(try c.readRaw()) }
        #expect(replies == [
            "+OK\r\n", "-ERR unknown command 'GET', with args beginning with: 'x' \r\n", "+PONG\r\n", "+OK\r\n",
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n", "+OK\r\n", "+OK\r\n", "$5\r\nprobe\r\n",
        ])
        let master = try c.call("SENTINEL", "MASTER", "m").pairs ?? []
        #expect(master.first { $0.0.text == "quorum" }?.1.text == "4")
        let file = try String(contentsOf: s.directory.appendingPathComponent("sentinel.conf"), encoding: .utf8)
        #expect(file.contains("sentinel monitor m 127.0.0.1 1 4"), "\(file)")
        #expect(file.contains("sentinel down-after-milliseconds m 7000"), "\(file)")
    }

    @Test func requirepassProtectsTheSentinel() throws {
        let s = try Self.startSentinel(config: "requirepass s3cret\nsentinel monitor mymaster 127.0.0.1 1 2\n")
        let c = try s.connect()
        #expect(try c.raw("SENTINEL", "MASTERS") == "-NOAUTH Authentication required.\r\n")
        #expect(try c.raw("AUTH", "wrong") == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        #expect(try c.raw("AUTH", "s3cret") == "+OK\r\n")
        #expect(try c.call("SENTINEL", "MASTERS").elements?.count == 1)
    }
}
