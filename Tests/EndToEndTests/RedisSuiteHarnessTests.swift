import Foundation
import Testing
import Config
import TestSupport

/// How Redis's tests/sentinel (run.tcl, instances.tcl, includes/start-init-tests.tcl) starts a
/// sentinel, in the project's own words: a config file whose master options come before the
/// monitor line, followed by redis.conf settings the harness adds for every instance, loaded from
/// a working directory the `dir` line is relative to. The sentinel must start from it, and
/// SENTINEL FLUSHCONFIG must keep the file's first lines where they were.
@Suite struct RedisSuiteHarnessTests {
    static let includedConfig = [
        "# assume master is down after being unresponsive for 20s",
        "sentinel down-after-milliseconds setmaster 20000",
        "# reconfigure one slave at a time",
        "sentinel parallel-syncs setmaster 2",
        "# wait for 4m before assuming failover went wrong",
        "sentinel failover-timeout setmaster 240000",
        "# monitoring set",
        "sentinel monitor setmaster 10.0.0.1 30000 2",
    ]

    @Test func startsFromTheSuitesConfigAndFlushKeepsItsLines() throws {
        let port = TestPorts.next()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("suite-harness-\(port)-\(UUID().uuidString.prefix(6))")
        let instance = root.appendingPathComponent("sentinel_0")
        try FileManager.default.createDirectory(at: instance, withIntermediateDirectories: true)
        let lines = Self.includedConfig + [
            "", "port \(port)", "repl-diskless-sync-delay 0", "dir ./sentinel_0", "logfile log.txt",
            "sentinel deny-scripts-reconfig no", "enable-protected-configs yes", "enable-debug-command yes",
        ]
        let conf = instance.appendingPathComponent("sentinel.conf")
        try (lines.joined(separator: "\n") + "\n").write(to: conf, atomically: true, encoding: .utf8)
        let s = try ServerProcess(executable: Binaries.sentinel, arguments: ["sentinel_0/sentinel.conf"], port: port, directory: root)
        try s.waitUntilReady()
        let c = try s.connect()
        let master = try c.call("SENTINEL", "MASTER", "setmaster").pairs ?? []
        let fields = Dictionary(master.compactMap { k, v in k.text.flatMap { key in v.text.map { (key, $0) } } }, uniquingKeysWith: { a, _ in a })
        #expect(fields["down-after-milliseconds"] == "20000")
        #expect(fields["parallel-syncs"] == "2")
        #expect(fields["failover-timeout"] == "240000")
        #expect(try c.raw("SENTINEL", "FLUSHCONFIG") == "+OK\r\n")
        let saved = ConfigFile.splitLines(try String(contentsOf: conf, encoding: .utf8))
        #expect(Array(saved.prefix(Self.includedConfig.count)) == Self.includedConfig, "\(saved.joined(separator: "\n"))")
        // `logfile log.txt` is relative to `dir`, as the harness reads it back.
        #expect(FileManager.default.fileExists(atPath: instance.appendingPathComponent("log.txt").path))

        // A script named relative to `dir` (the suite's ../../tests/helpers/check_leaked_fds.tcl)
        // is accepted by SENTINEL SET and again when the sentinel restarts from its file.
        let helpers = root.appendingPathComponent("helpers")
        try FileManager.default.createDirectory(at: helpers, withIntermediateDirectories: true)
        let script = helpers.appendingPathComponent("notify.sh")
        try "#!/bin/sh\nexit 0\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        #expect(try c.raw("SENTINEL", "SET", "setmaster", "notification-script", "../helpers/notify.sh") == "+OK\r\n")
        try s.restart()
        let again = try s.connect()
        let restarted = try again.call("SENTINEL", "MASTER", "setmaster").pairs ?? []
        #expect(restarted.contains { $0.0.text == "notification-script" && $0.1.text == "../helpers/notify.sh" })
    }

    /// 03-runtime-reconf: the config file replaced by a directory, SENTINEL SET answers
    /// redis-sentinel's error and the connection stays usable.
    @Test func failedPersistAnswersTheErrorAndKeepsTheConnection() throws {
        let s = try SentinelServerTests.startSentinel(config: "sentinel monitor m 127.0.0.1 1 2\n")
        let c = try s.connect()
        let conf = s.directory.appendingPathComponent("sentinel.conf")
        let aside = s.directory.appendingPathComponent("sentinel.conf.bak")
        try FileManager.default.moveItem(at: conf, to: aside)
        try FileManager.default.createDirectory(at: conf, withIntermediateDirectories: false)
        let reply = try c.raw("SENTINEL", "SET", "m", "quorum", "3")
        try FileManager.default.removeItem(at: conf)
        try FileManager.default.moveItem(at: aside, to: conf)
        #expect(reply == "-ERR Failed to save config file. Check server logs.\r\n")
        #expect(try c.raw("PING") == "+PONG\r\n")
        #expect(s.logText.contains("Sentinel was not able to save the new configuration on disk"))
    }

    /// 08-hostname-conf: a master monitored as `localhost` is reported as `localhost` while
    /// announce-hostnames is yes, and as the address the name resolved to once it is no.
    @Test func announceHostnamesChoosesNameOrResolvedAddress() throws {
        let node = try ServerProcess.miniredis()
        let s = try SentinelServerTests.startSentinel(config: """
            sentinel resolve-hostnames yes
            sentinel announce-hostnames yes
            sentinel monitor m localhost \(node.port) 1

            """)
        let c = try s.connect()
        try Wait.until(timeoutSeconds: 10, "the sentinel reaches localhost:\(node.port)") {
            let flags = try c.call("SENTINEL", "MASTER", "m").pairs?.first { $0.0.text == "flags" }?.1.text
            return flags == "master"
        }
        #expect(try c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "m") == .array([.bulk("localhost"), .bulk("\(node.port)")]))
        #expect(try c.raw("SENTINEL", "CONFIG", "SET", "announce-hostnames", "no") == "+OK\r\n")
        let host = try c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "m").elements?.first?.text
        #expect(host == "127.0.0.1" || host == "::1", "\(host ?? "nil")")
    }

    /// redis-sentinel's command table has every CLIENT subcommand of 7.2 but NO-TOUCH (00-base).
    @Test func clientNoTouchIsAnUnknownSubcommand() throws {
        let s = try SentinelServerTests.startSentinel(config: "sentinel monitor m 127.0.0.1 1 2\n")
        let c = try s.connect()
        func unknown(_ sub: String) -> String { "-ERR unknown subcommand '\(sub)'. Try CLIENT HELP.\r\n" }
        #expect(try c.raw("CLIENT", "NO-TOUCH") == unknown("NO-TOUCH"))
        #expect(try c.raw("CLIENT", "no-touch", "on") == unknown("no-touch"))
        #expect(try c.raw("CLIENT", "NO-EVICT", "on") == "+OK\r\n")
    }

    /// miniredis started as the harness starts a data node: `dir ./redis_0` then `logfile log.txt`
    /// from the parent directory; the log is inside the data directory, as redis-server puts it.
    @Test func miniredisLogfileIsRelativeToDir() throws {
        let port = TestPorts.next()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("suite-node-\(port)-\(UUID().uuidString.prefix(6))")
        let instance = root.appendingPathComponent("redis_0")
        try FileManager.default.createDirectory(at: instance, withIntermediateDirectories: true)
        let conf = instance.appendingPathComponent("redis.conf")
        try "port \(port)\nrepl-diskless-sync-delay 0\ndir ./redis_0\nlogfile log.txt\nenable-protected-configs yes\nenable-debug-command yes\nsave ''\n"
            .write(to: conf, atomically: true, encoding: .utf8)
        let s = try ServerProcess(executable: Binaries.miniredis, arguments: ["redis_0/redis.conf"], port: port, directory: root)
        try s.waitUntilReady()
        #expect(FileManager.default.fileExists(atPath: instance.appendingPathComponent("log.txt").path))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("log.txt").path))
    }
}
