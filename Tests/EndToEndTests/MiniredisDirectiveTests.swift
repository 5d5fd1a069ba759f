import Foundation
import Glibc
import Testing
import TestSupport

/// Directives that used to be accepted and ignored: `daemonize` works as Redis's, `cluster-enabled
/// yes` is refused, and every other accepted-but-ignored directive set away from its default is
/// named in a start-up warning saying why it has no effect.
@Suite struct MiniredisDirectiveTests {
    @Test func daemonizeForksWritesThePidfileAndShutdownRemovesIt() throws {
        let port = TestPorts.next()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("daemon-\(port)-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let pidfile = dir.appendingPathComponent("miniredis.pid").path
        // The command returns as soon as the daemon is forked. Its output goes to a file, not a
        // pipe: the daemon keeps the descriptors it inherited beyond 0-2 (as Redis's does), so a
        // pipe read to its end would wait for the daemon's exit.
        let out = dir.appendingPathComponent("terminal.txt").path
        let launcher = Process()
        launcher.executableURL = URL(fileURLWithPath: "/bin/sh")
        launcher.arguments = ["-c", "exec \"$0\" \"$@\" > \"$OUT\" 2>&1 < /dev/null", Binaries.miniredis,
                              "--port", "\(port)", "--daemonize", "yes", "--pidfile", pidfile,
                              "--logfile", dir.appendingPathComponent("log").path, "--dir", dir.path, "--save", ""]
        launcher.environment = ["OUT": out]
        try launcher.run()
        launcher.waitUntilExit()
        #expect(launcher.terminationStatus == 0)
        let output = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        #expect(output.isEmpty, "a daemon prints nothing on the terminal: \(output)")
        var pid: pid_t = 0
        try Wait.until(timeoutSeconds: 30, "the daemon answers and wrote its pidfile") {
            guard let c = try? RedisConnection(port: port), (try? c.call("PING"))?.text == "PONG",
                  let text = try? String(contentsOfFile: pidfile, encoding: .utf8), let p = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return false }
            pid = p
            return true
        }
        defer { kill(pid, SIGKILL) }
        #expect(ProcessProbe.isAlive(pid))
        #expect(getsid(pid) == pid, "the daemon leads its own session")
        let c = try RedisConnection(port: port)
        #expect(try c.call("CONFIG", "GET", "daemonize").elements?.last?.text == "yes")
        #expect(try c.raw(["CONFIG", "SET", "daemonize", "no"])
                == "-ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config\r\n")
        try c.send(["SHUTDOWN", "NOSAVE"])
        try Wait.until(timeoutSeconds: 30, "the daemon exits and removes its pidfile") {
            !ProcessProbe.isAlive(pid) && !FileManager.default.fileExists(atPath: pidfile)
        }
    }

    @Test func clusterEnabledYesIsRefused() throws {
        let (status, output) = try Tool.run(Binaries.miniredis, ["--port", "\(TestPorts.next())", "--cluster-enabled", "yes"])
        #expect(status == 1, "\(output)")
        #expect(output.contains("FATAL CONFIG FILE ERROR"), "\(output)")
        #expect(output.contains("cluster mode is not supported by miniredis yet"), "\(output)")
        let off = try ServerProcess.miniredis(["--cluster-enabled", "no"])
        #expect(try off.connect().call("PING").text == "PONG")
    }

    @Test func ignoredDirectivesAreNamedAtStartUp() throws {
        let s = try ServerProcess.miniredis(["--maxmemory", "2gb", "--maxmemory-policy", "allkeys-lru", "--notify-keyspace-events", "KEA",
                                             "--io-threads", "4", "--hash-max-listpack-entries", "64", "--slowlog-max-len", "128"])
        let log = s.logText
        // maxmemory is honoured (MaxmemoryTests): no warning for it.
        #expect(!log.contains("'maxmemory"), "\(log)")
        #expect(!log.contains("'notify-keyspace-events"), "published (KeyspaceNotificationTests): \(log)")
        #expect(log.contains("WARNING: 'io-threads 4' has no effect in miniredis: one thread serves every client"), "\(log)")
        // An encoding hint means nothing here and says nothing; a default value says nothing.
        #expect(!log.contains("hash-max-listpack-entries"), "\(log)")
        #expect(!log.contains("slowlog-max-len"), "\(log)")
        // CONFIG SET of one says so in the log too, once it differs from the default.
        let c = try s.connect()
        #expect(try c.call("CONFIG", "SET", "activedefrag", "yes") == .simpleString(Array("OK".utf8)))
        try Wait.until(timeoutSeconds: 10, "CONFIG SET activedefrag yes is named in the log") {
            s.logText.contains("WARNING: 'activedefrag yes' has no effect in miniredis")
        }
    }
}
