import Foundation
import Glibc
import Testing
import TestSupport

/// Scripts that cannot run are refused where Redis refuses them — at config load and by
/// SENTINEL SET, with Redis's words — and a script that could not start is reported as an error,
/// not as a time-out. Side by side with redis-sentinel where it applies.
@Suite struct SentinelScriptPathTests {
    static func sentinelBinary(_ kind: FailoverFleet.SentinelKind) throws -> String? {
        kind == .ours ? Binaries.sentinel : try Binaries.requireRedis("redis-sentinel")
    }

    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scripts-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test(arguments: [FailoverFleet.SentinelKind.ours, .redis])
    func configLoadRefusesAScriptThatCannotRun(kind: FailoverFleet.SentinelKind) throws {
        guard let exe = try Self.sentinelBinary(kind) else { return }
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let notExecutable = dir.appendingPathComponent("plain.sh").path
        try "#!/bin/sh\n".write(toFile: notExecutable, atomically: true, encoding: .utf8)
        for (line, reason) in [
            ("sentinel notification-script mymaster \(dir.path)/missing.sh", "Notification script seems non existing or non executable."),
            ("sentinel client-reconfig-script mymaster \(notExecutable)", "Client reconfiguration script seems non existing or non executable."),
        ] {
            let conf = dir.appendingPathComponent("sentinel.conf")
            try "port \(TestPorts.next())\nsentinel monitor mymaster 127.0.0.1 \(TestPorts.next()) 1\n\(line)\n".write(to: conf, atomically: true, encoding: .utf8)
            let (status, output) = try Tool.run(exe, [conf.path])
            #expect(status != 0, "\(kind) started with \(line)")
            #expect(output.contains("FATAL CONFIG FILE ERROR"), "\(kind): \(output)")
            #expect(output.contains(">>> '\(line)'"), "\(kind): \(output)")
            #expect(output.contains(reason), "\(kind): \(output)")
        }
    }

    @Test(arguments: [FailoverFleet.SentinelKind.ours, .redis])
    func sentinelSetRefusesAScriptThatCannotRun(kind: FailoverFleet.SentinelKind) throws {
        guard let exe = try Self.sentinelBinary(kind) else { return }
        let dir = try Self.scratch()
        let port = TestPorts.next()
        let conf = dir.appendingPathComponent("sentinel.conf")
        try "port \(port)\nsentinel monitor mymaster 127.0.0.1 \(TestPorts.next()) 1\nsentinel deny-scripts-reconfig no\n".write(to: conf, atomically: true, encoding: .utf8)
        let s = try ServerProcess(executable: exe, arguments: [conf.path], port: port, directory: dir)
        try s.waitUntilReady()
        let good = dir.appendingPathComponent("good.sh").path
        try "#!/bin/sh\nexit 0\n".write(toFile: good, atomically: true, encoding: .utf8)
        chmod(good, 0o755)
        let plain = dir.appendingPathComponent("plain.sh").path
        try "#!/bin/sh\n".write(toFile: plain, atomically: true, encoding: .utf8)
        let c = try s.connect()
        #expect(try c.raw(["SENTINEL", "SET", "mymaster", "notification-script", dir.path + "/missing.sh"])
                == "-ERR Notification script seems non existing or non executable\r\n", "\(kind)")
        #expect(try c.raw(["SENTINEL", "SET", "mymaster", "client-reconfig-script", plain])
                == "-ERR Client reconfiguration script seems non existing or non executable\r\n", "\(kind)")
        #expect(try c.raw(["SENTINEL", "SET", "mymaster", "notification-script", good]) == "+OK\r\n", "\(kind)")
        #expect(try c.raw(["SENTINEL", "SET", "mymaster", "notification-script", ""]) == "+OK\r\n", "\(kind): an empty path clears it")
        #expect(try c.raw(["SENTINEL", "SET", "nosuch", "notification-script", plain]) == "-ERR No such master with that name\r\n", "\(kind)")
    }

    /// A script removed after it was accepted cannot start: that is a -script-error (exit status 2,
    /// as Redis's child reports a failed exec), never a -script-timeout.
    @Test func aScriptThatCannotStartIsAnErrorNotATimeout() throws {
        let dir = try Self.scratch()
        let script = dir.appendingPathComponent("notify.sh").path
        try "#!/bin/sh\nexit 0\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let port = TestPorts.next()
        let conf = dir.appendingPathComponent("sentinel.conf")
        // The master never answers: +sdown, a warning, calls the script after 200 ms.
        try """
        port \(port)
        sentinel monitor mymaster 127.0.0.1 \(TestPorts.next()) 1
        sentinel down-after-milliseconds mymaster 200
        sentinel notification-script mymaster \(script)
        """.write(to: conf, atomically: true, encoding: .utf8)
        let s = try ServerProcess(executable: Binaries.sentinel, arguments: [conf.path], port: port, directory: dir)
        try s.waitUntilReady()
        unlink(script)
        try Wait.until(timeoutSeconds: 30, "the script's failure is reported\n\(s.logText)") {
            s.logText.contains("-script-error \(script) +sdown master mymaster") || s.logText.contains("-script-timeout")
        }
        #expect(!s.logText.contains("-script-timeout"), "\(s.logText)")
        #expect(s.logText.contains(" 2\n"), "exit status 2 expected:\n\(s.logText)")
    }
}
