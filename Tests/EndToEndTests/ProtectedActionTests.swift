import Foundation
import Testing
import TestSupport

/// `enable-debug-command` and `enable-protected-configs` as Redis 7: DEBUG and CONFIG SET of
/// `dir`/`dbfilename` are refused by default with Redis's words, `yes` allows them, `local` only
/// from loopback. Each reply is compared byte for byte with redis-server's when it is installed.
@Suite struct ProtectedActionTests {
    static let debugRefused = "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n"

    static func protectedRefused(_ name: String) -> String {
        "-ERR CONFIG SET failed (possibly related to argument '\(name)') - can't set protected config\r\n"
    }

    /// The miniredis node and, when installed, a redis-server started with the same directives.
    static func pair(_ extra: [String]) throws -> [ServerProcess] {
        [try ServerProcess.miniredis(extra)] + [try ServerProcess.redisServer(extra)].compactMap { $0 }
    }

    @Test func debugIsRefusedByDefaultAsRedisRefusesIt() throws {
        for s in try Self.pair(["--requirepass", "pw"]) {
            let name = s.executable
            let c = try s.connect()
            // Checked before authentication, after the arity, as Redis does.
            #expect(try c.raw("DEBUG", "SLEEP", "0") == Self.debugRefused, "\(name)")
            #expect(try c.raw("DEBUG") == "-ERR wrong number of arguments for 'debug' command\r\n", "\(name)")
            #expect(try c.raw("AUTH", "pw") == "+OK\r\n")
            #expect(try c.raw("DEBUG", "POPULATE", "10") == Self.debugRefused, "\(name)")
            #expect(try c.raw("DBSIZE") == ":0\r\n", "\(name)")
            // In a transaction the refusal aborts it.
            #expect(try c.raw("MULTI") == "+OK\r\n")
            #expect(try c.raw("DEBUG", "SLEEP", "0") == Self.debugRefused, "\(name)")
            #expect(try c.raw("EXEC") == "-EXECABORT Transaction discarded because of previous errors.\r\n", "\(name)")
            // Reported, and not changeable at run time.
            #expect(try c.raw("CONFIG", "GET", "enable-debug-command") == "*2\r\n$20\r\nenable-debug-command\r\n$2\r\nno\r\n", "\(name)")
            #expect(try c.raw("CONFIG", "SET", "enable-debug-command", "yes")
                == "-ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set immutable config\r\n", "\(name)")
        }
    }

    @Test func debugYesAllowsItAndLocalAllowsLoopback() throws {
        for s in try Self.pair(["--enable-debug-command", "yes"]) {
            #expect(try s.connect().raw("DEBUG", "SLEEP", "0") == "+OK\r\n", "\(s.executable)")
            #expect(try s.connect().raw("CONFIG", "GET", "enable-debug-command") == "*2\r\n$20\r\nenable-debug-command\r\n$3\r\nyes\r\n")
        }
        let local = try Self.pair(["--enable-debug-command", "local", "--bind", "0.0.0.0", "--protected-mode", "no"])
        for s in local {
            #expect(try s.connect().raw("DEBUG", "SLEEP", "0") == "+OK\r\n", "\(s.executable)")
            #expect(try s.connect().raw("CONFIG", "GET", "enable-debug-command") == "*2\r\n$20\r\nenable-debug-command\r\n$5\r\nlocal\r\n")
        }
        guard let external = ProtectedModeTests.externalAddress() else {
            print("SKIPPED: no non-loopback IPv4 address on this host (enable-debug-command local from outside)")
            return
        }
        for s in local {
            #expect(try RedisConnection(port: s.port, host: external).raw("DEBUG", "SLEEP", "0") == Self.debugRefused, "\(s.executable)")
        }
    }

    @Test func badValueStopsStartUp() throws {
        let (status, output) = try Tool.run(Binaries.miniredis, ["--port", "\(TestPorts.next())", "--enable-debug-command", "sometimes"])
        #expect(status == 1)
        #expect(output.contains("argument(s) must be one of the following: no, yes, local"), "\(output)")
        if let redis = try Binaries.requireRedis("redis-server") {
            let real = try Tool.run(redis, ["--port", "\(TestPorts.next())", "--enable-debug-command", "sometimes"])
            #expect(real.status == 1)
            #expect(real.output.contains("argument(s) must be one of the following: no, yes, local"), "\(real.output)")
        }
    }

    @Test func protectedConfigsAreRefusedUnlessEnabled() throws {
        for s in try Self.pair([]) {
            let c = try s.connect()
            let dir = s.directory.path
            #expect(try c.raw("CONFIG", "SET", "dir", dir) == Self.protectedRefused("dir"), "\(s.executable)")
            #expect(try c.raw("CONFIG", "SET", "dbfilename", "other.rdb") == Self.protectedRefused("dbfilename"), "\(s.executable)")
            // Nothing of a refused CONFIG SET applies, the other settings change as before.
            #expect(try c.raw("CONFIG", "SET", "maxclients", "50", "dbfilename", "other.rdb") == Self.protectedRefused("dbfilename"))
            #expect(try c.call("CONFIG", "GET", "maxclients").elements?.last?.text == "10000")
            #expect(try c.call("CONFIG", "GET", "dbfilename").elements?.last?.text == "dump.rdb")
            #expect(try c.raw("CONFIG", "SET", "maxclients", "50") == "+OK\r\n")
            #expect(try c.raw("CONFIG", "GET", "enable-protected-configs") == "*2\r\n$24\r\nenable-protected-configs\r\n$2\r\nno\r\n")
        }
        for s in try Self.pair(["--enable-protected-configs", "yes"]) {
            let c = try s.connect()
            #expect(try c.raw("CONFIG", "SET", "dbfilename", "other.rdb") == "+OK\r\n", "\(s.executable)")
            #expect(try c.call("CONFIG", "GET", "dbfilename").elements?.last?.text == "other.rdb")
        }
        let local = try Self.pair(["--enable-protected-configs", "local", "--bind", "0.0.0.0", "--protected-mode", "no"])
        for s in local {
            #expect(try s.connect().raw("CONFIG", "SET", "dbfilename", "local.rdb") == "+OK\r\n", "\(s.executable)")
        }
        guard let external = ProtectedModeTests.externalAddress() else {
            print("SKIPPED: no non-loopback IPv4 address on this host (enable-protected-configs local from outside)")
            return
        }
        for s in local {
            let c = try RedisConnection(port: s.port, host: external)
            #expect(try c.raw("CONFIG", "SET", "dbfilename", "remote.rdb") == Self.protectedRefused("dbfilename"), "\(s.executable)")
        }
    }

    /// The directives are written back by CONFIG REWRITE and read again.
    @Test func configRewriteKeepsThem() throws {
        let dir = try MiniredisConfigTests.tempDir("protected-rewrite")
        defer { try? FileManager.default.removeItem(at: dir) }
        let conf = dir.appendingPathComponent("redis.conf")
        let port = TestPorts.next()
        try "port \(port)\nsave \"\"\nenable-debug-command local\n".write(to: conf, atomically: true, encoding: .utf8)
        let s = try ServerProcess(executable: Binaries.miniredis, arguments: [conf.path, "--enable-protected-configs", "yes"], port: port, directory: dir)
        try s.waitUntilReady()
        #expect(try s.connect().raw("CONFIG", "REWRITE") == "+OK\r\n")
        let text = try String(contentsOf: conf, encoding: .utf8)
        #expect(text.contains("enable-debug-command local"), "\(text)")
        #expect(text.contains("enable-protected-configs yes"), "\(text)")
        try s.restart(arguments: [conf.path])
        #expect(try s.connect().raw("DEBUG", "SLEEP", "0") == "+OK\r\n")
        #expect(try s.connect().raw("CONFIG", "SET", "dbfilename", "x.rdb") == "+OK\r\n")
    }
}

/// In sentinel mode there is no DEBUG: redis-sentinel answers it as an unknown command even with
/// `enable-debug-command yes` in its config (which it accepts), and so does ours.
@Suite struct SentinelDebugCommandTests {
    static func start(_ exe: String, _ lines: String) throws -> ServerProcess {
        let port = TestPorts.next()
        let dir = try MiniredisConfigTests.tempDir("sentinel-debug")
        let conf = dir.appendingPathComponent("sentinel.conf")
        try "port \(port)\n\(lines)".write(to: conf, atomically: true, encoding: .utf8)
        let s = try ServerProcess(executable: exe, arguments: [conf.path], port: port, directory: dir)
        try s.waitUntilReady()
        return s
    }

    @Test func debugIsAnUnknownCommandWhateverTheSetting() throws {
        let lines = "enable-debug-command yes\nenable-protected-configs local\nsentinel monitor m 127.0.0.1 \(TestPorts.next()) 1\n"
        var sentinels = [try Self.start(Binaries.sentinel, lines)]
        if let redis = try Binaries.requireRedis("redis-sentinel") { sentinels.append(try Self.start(redis, lines)) }
        for s in sentinels {
            let c = try s.connect()
            #expect(try c.raw("DEBUG", "SLEEP", "0") == "-ERR unknown command 'DEBUG', with args beginning with: 'SLEEP' '0' \r\n", "\(s.executable)")
            #expect(try c.raw("DEBUG") == "-ERR unknown command 'DEBUG', with args beginning with: \r\n", "\(s.executable)")
        }
        let bad = try Tool.run(Binaries.sentinel, ["--port", "\(TestPorts.next())", "--enable-debug-command", "maybe",
                                                   "--sentinel", "monitor", "m", "127.0.0.1", "6379", "1"])
        #expect(bad.status == 1)
        #expect(bad.output.contains("argument(s) must be one of the following: no, yes, local"), "\(bad.output)")
    }
}
