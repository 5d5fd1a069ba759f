import Foundation
import Testing
import TestSupport

/// `rename-command` as Redis 7: a renamed command answers under its new name only, an empty new
/// name removes it, and COMMAND reports them as redis-server does. Each reply is compared with
/// redis-server 7.0.15 started with the same lines when it is installed.
@Suite struct RenameCommandTests {
    static let renames = ["--rename-command", "CONFIG", "XCONFIG", "--rename-command", "flushall", "",
                          "--rename-command", "get", "Fetch"]

    static func servers(_ extra: [String]) throws -> [ServerProcess] {
        [try ServerProcess.miniredis(extra)] + [try ServerProcess.redisServer(extra)].compactMap { $0 }
    }

    @Test func renamedCommandsAnswerUnderTheirNewNameOnly() throws {
        for s in try Self.servers(Self.renames) {
            let name = s.executable
            let c = try s.connect()
            #expect(try c.raw("CONFIG", "GET", "port") == "-ERR unknown command 'CONFIG', with args beginning with: 'GET' 'port' \r\n", "\(name)")
            #expect(try c.call("XCONFIG", "GET", "port").elements?.last?.text == "\(s.port)", "\(name)")
            #expect(try c.call("xconfig", "get", "port").elements?.last?.text == "\(s.port)", "\(name)")
            // Errors name the command itself, its help the name it was called by.
            #expect(try c.raw("XCONFIG") == "-ERR wrong number of arguments for 'config' command\r\n", "\(name)")
            #expect(try c.raw("XCONFIG", "FOO") == "-ERR unknown subcommand 'FOO'. Try XCONFIG HELP.\r\n", "\(name)")
            #expect(try c.raw("FLUSHALL") == "-ERR unknown command 'FLUSHALL', with args beginning with: \r\n", "\(name)")
            #expect(try c.raw("SET", "k", "v") == "+OK\r\n")
            #expect(try c.raw("FETCH", "k") == "$1\r\nv\r\n", "\(name)")
            #expect(try c.raw("GET", "k") == "-ERR unknown command 'GET', with args beginning with: 'k' \r\n", "\(name)")
            #expect(try c.raw("FETCH") == "-ERR wrong number of arguments for 'get' command\r\n", "\(name)")
            // In a transaction the new name is queued and runs.
            #expect(try c.raw("MULTI") == "+OK\r\n")
            #expect(try c.raw("FETCH", "k") == "+QUEUED\r\n")
            #expect(try c.raw("EXEC") == "*1\r\n$1\r\nv\r\n", "\(name)")
            // COMMAND INFO finds a command by the name it answers to and reports its own name.
            #expect(try c.call("COMMAND", "INFO", "xconfig").elements?.first?.elements?.first?.text == "config", "\(name)")
            #expect(try c.raw("COMMAND", "INFO", "config") == "*1\r\n$-1\r\n", "\(name)")
            #expect(try c.raw("COMMAND", "INFO", "flushall") == "*1\r\n$-1\r\n", "\(name)")
            #expect(try c.raw("COMMAND", "GETKEYS", "fetch", "k") == "*1\r\n$1\r\nk\r\n", "\(name)")
            #expect(try c.raw("COMMAND", "GETKEYS", "get", "k") == "-ERR Invalid command specified\r\n", "\(name)")
            #expect(try c.call("COMMAND", "DOCS", "xconfig").elements?.first?.text == "config", "\(name)")
            let list = try c.call("COMMAND", "LIST").elements?.compactMap(\.text) ?? []
            #expect(list.contains("config") && list.contains("get") && !list.contains("flushall"), "\(name)")
            #expect(!list.contains("xconfig") && !list.contains("Fetch"), "\(name)")
        }
    }

    @Test func commandCountLosesOnlyRemovedCommands() throws {
        func count(_ s: ServerProcess) throws -> Int { try s.connect().call("COMMAND", "COUNT").integerValue.map(Int.init) ?? -1 }
        let mini = try count(ServerProcess.miniredis()) - count(ServerProcess.miniredis(Self.renames))
        #expect(mini == 1)
        if let plain = try ServerProcess.redisServer(), let renamed = try ServerProcess.redisServer(Self.renames) {
            #expect(try count(plain) - count(renamed) == 1)
        }
    }

    /// The config loader's errors, with Redis's reasons, for each way a line can be wrong.
    @Test func badRenamesStopStartUpWithRedisReasons() throws {
        let dir = try MiniredisConfigTests.tempDir("rename-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(lines: String, reason: String)] = [
            ("rename-command NOPE X", "No such command in rename-command"),
            ("rename-command GET SET", "Target command name already exists"),
            ("rename-command CONFIG X\nrename-command CONFIG Y", "No such command in rename-command"),
            ("rename-command CONFIG X\nrename-command GET x", "Target command name already exists"),
            ("rename-command GET", "Bad directive or wrong number of arguments"),
        ]
        let redis = try Binaries.requireRedis("redis-server")
        for (i, (lines, reason)) in cases.enumerated() {
            let conf = dir.appendingPathComponent("bad\(i).conf")
            try "port \(TestPorts.next())\n\(lines)\n".write(to: conf, atomically: true, encoding: .utf8)
            let lineNumber = lines.split(separator: "\n").count + 1
            let ours = try Tool.run(Binaries.miniredis, [conf.path])
            #expect(ours.status == 1, "\(lines)")
            #expect(ours.output.contains("at line \(lineNumber)\n"), "\(ours.output)")
            #expect(ours.output.hasSuffix("\(reason)\n"), "\(ours.output)")
            if let redis {
                let real = try Tool.run(redis, [conf.path])
                #expect(real.status == 1, "\(lines)")
                #expect(real.output.contains("at line \(lineNumber)\n"), "\(real.output)")
                #expect(real.output.contains("\n\(reason)\n"), "\(real.output)")
            }
        }
        // On the command line, as Redis appends it to the file's text.
        let line = try Tool.run(Binaries.miniredis, ["--port", "\(TestPorts.next())", "--rename-command", "NOPE", "X"])
        #expect(line.status == 1)
        #expect(line.output.contains("No such command in rename-command"), "\(line.output)")
    }

    /// A chain of renames follows the command (CONFIG → A → B), and renaming a name to itself is
    /// no change, as Redis's table delete-then-add makes them.
    @Test func renamesChainAndMayKeepTheName() throws {
        let s = try ServerProcess.miniredis(["--rename-command", "CONFIG", "A", "--rename-command", "a", "B", "--rename-command", "PING", "ping"])
        let c = try s.connect()
        #expect(try c.call("B", "GET", "port").elements?.last?.text == "\(s.port)")
        #expect(try c.raw("A", "GET", "port").hasPrefix("-ERR unknown command 'A'"))
        #expect(try c.raw("PING") == "+PONG\r\n")
    }

    /// CONFIG REWRITE keeps the file's rename-command lines where they are (Redis leaves lines it
    /// does not rewrite alone), so the node comes back with the same names.
    @Test func configRewriteKeepsRenameLines() throws {
        let dir = try MiniredisConfigTests.tempDir("rename-rewrite")
        defer { try? FileManager.default.removeItem(at: dir) }
        let conf = dir.appendingPathComponent("redis.conf")
        let port = TestPorts.next()
        try "port \(port)\nsave \"\"\nrename-command CONFIG XCONFIG\nrename-command DEBUG \"\"\n".write(to: conf, atomically: true, encoding: .utf8)
        let s = try ServerProcess(executable: Binaries.miniredis, arguments: [conf.path], port: port, directory: dir)
        try s.waitUntilReady()
        let c = try s.connect()
        #expect(try c.raw("XCONFIG", "SET", "maxclients", "77") == "+OK\r\n")
        #expect(try c.raw("XCONFIG", "REWRITE") == "+OK\r\n")
        let text = try String(contentsOf: conf, encoding: .utf8)
        #expect(text.contains("rename-command CONFIG XCONFIG\n"), "\(text)")
        #expect(text.contains("rename-command DEBUG \"\"\n"), "\(text)")
        #expect(text.contains("maxclients 77"), "\(text)")
        try s.restart()
        let r = try s.connect()
        #expect(try r.call("XCONFIG", "GET", "maxclients").elements?.last?.text == "77")
        #expect(try r.raw("DEBUG", "SLEEP", "0").hasPrefix("-ERR unknown command 'DEBUG'"))
    }
}
