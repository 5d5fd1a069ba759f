import Foundation
import Glibc
import Testing
import TestSupport

/// The data node configured the Redis way: files, command line, CONFIG REWRITE, limits.
@Suite struct MiniredisConfigTests {
    static func tempDir(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(TestPorts.next())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func badLineStopsStartupNamingFileAndLine() throws {
        let dir = try Self.tempDir("badconf")
        defer { try? FileManager.default.removeItem(at: dir) }
        let conf = dir.appendingPathComponent("redis.conf")
        try "# comment\nport 7000\nmaxclients lots\n".write(to: conf, atomically: true, encoding: .utf8)
        let (status, output) = try Tool.run(Binaries.miniredis, [conf.path])
        #expect(status == 1)
        #expect(output.contains("redis.conf, at line 3"))
        #expect(output.contains(">>> 'maxclients lots'"))
        #expect(output.contains("argument couldn't be parsed into an integer"))
        let unknown = try Tool.run(Binaries.miniredis, ["--port", "7000", "--no-such-directive", "1"])
        #expect(unknown.status == 1)
        #expect(unknown.output.contains("Bad directive or wrong number of arguments"))
        let missing = try Tool.run(Binaries.miniredis, [dir.appendingPathComponent("nope.conf").path])
        #expect(missing.status == 1)
        #expect(missing.output.contains("can't open config file"))
    }

    @Test func configRewriteKeepsTheFilesLinesCommentsAndMode() throws {
        let dir = try Self.tempDir("rewrite")
        let conf = dir.appendingPathComponent("redis.conf")
        let port = TestPorts.next()
        try "# my node\nport \(port)\nsave \"\"\n# limits below\nmaxclients 100\n".write(to: conf, atomically: true, encoding: .utf8)
        chmod(conf.path, 0o600)
        let s = try ServerProcess(executable: Binaries.miniredis, arguments: [conf.path], port: port, directory: dir)
        try s.waitUntilReady()
        let c = try s.connect()
        #expect(try c.raw("CONFIG", "SET", "maxclients", "200", "appendfsync", "always") == "+OK\r\n")
        #expect(try c.raw("CONFIG", "REWRITE") == "+OK\r\n")
        let text = try String(contentsOf: conf, encoding: .utf8)
        #expect(text.hasPrefix("# my node\nport \(port)\nsave \"\"\n# limits below\nmaxclients 200\n"))
        #expect(text.contains("appendfsync always"))
        var st = stat()
        stat(conf.path, &st)
        #expect(st.st_mode & 0o777 == 0o600)
        // The rewritten file starts the node again with the same settings.
        try s.restart()
        #expect(try s.connect().call("CONFIG", "GET", "maxclients") == .array([.bulk("maxclients"), .bulk("200")]))
    }

    @Test func maxclientsAndIdleTimeout() throws {
        let s = try ServerProcess.miniredis(["--maxclients", "3", "--timeout", "1"])
        let held = try (0..<3).map { _ in try s.connect() }
        for h in held { try h.call("PING") }
        let extra = try s.connect()
        #expect(try extra.readRaw() == "-ERR max number of clients reached\r\n")
        // Idle clients are closed after `timeout` seconds.
        for h in held { #expect(try h.isClosedByPeer()) }
        #expect(try s.connect().raw("PING") == "+PONG\r\n")
    }

    @Test func shutdownSaveAndNosave() throws {
        let port = TestPorts.next()
        let s = try ServerProcess.miniredis(port: port)
        let c = try s.connect()
        try c.call("SET", "k", "v")
        try c.send(["SHUTDOWN", "SAVE"])
        s.process.waitUntilExit()
        #expect(s.process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: s.directory.appendingPathComponent("dump.rdb").path))
        try s.restart()
        #expect(try s.connect().call("GET", "k") == .bulk("v"))
        let c2 = try s.connect()
        try c2.call("SET", "k", "changed")
        try c2.send(["SHUTDOWN", "NOSAVE"])
        s.process.waitUntilExit()
        try s.restart()
        #expect(try s.connect().call("GET", "k") == .bulk("v"))
    }

    @Test func logLinesUseRedisFormat() throws {
        let s = try ServerProcess.miniredis()
        let line = try #require(s.logText.split(separator: "\n").first { $0.contains("Ready to accept connections") })
        // pid:role dd Mon yyyy hh:mm:ss.mmm <level> message
        let pattern = #/^\d+:M \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}\.\d{3} \* Ready to accept connections/#
        #expect(line.firstMatch(of: pattern) != nil, "\(line)")
    }
}

/// Found by Redis's tests/sentinel (12-master-reboot over miniredis): a config file named by a
/// relative path, with a `dir` elsewhere, is rewritten where it is, not under dir.
@Suite struct RelativeConfigPathTests {
    @Test func rewriteFindsARelativeConfigAfterTheChdir() throws {
        let port = TestPorts.next()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relconf-\(port)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        try "port \(port)\ndir ./data\nsave \"\"\n".write(to: dir.appendingPathComponent("node.conf"), atomically: true, encoding: .utf8)
        let s = try ServerProcess(executable: Binaries.miniredis, arguments: ["node.conf"], port: port, directory: dir)
        try s.waitUntilReady()
        let c = try s.connect()
        #expect(try c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru") == .simpleString(Array("OK".utf8)))
        #expect(try c.raw("CONFIG", "REWRITE") == "+OK\r\n")
        let text = try String(contentsOf: dir.appendingPathComponent("node.conf"), encoding: .utf8)
        #expect(text.contains("maxmemory-policy allkeys-lru"), "\(text)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("data/node.conf").path))
    }
}
