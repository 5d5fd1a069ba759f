import Foundation
import Testing
import Glibc
import Runtime
import TestSupport

/// Runs the failover demo as a user would without a terminal (stdout to a file, so the plain
/// style) and checks its outcome: exit status 0, the summary lines, and no process left behind.
@Suite struct DemoTests {
    @Test func failoverDemoSucceedsAndCleansUp() throws {
        let demo = Binaries.buildDirectory.appendingPathComponent("failover-demo").path
        try #require(FileManager.default.isExecutableFile(atPath: demo), "build the package first: \(demo) is missing")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("demo-test-\(UUID().uuidString.prefix(8)).txt")
        defer { try? FileManager.default.removeItem(at: out) }

        let p = Process()
        // The shell opens the output file, so this process holds no descriptor for it that a
        // neighbouring test's stray close could take away.
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "exec \"$0\" --keys 500 > \"$1\" 2>&1", demo, out.path]
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        try p.run()
        // Generous: the demo takes about ten seconds; a loaded machine may take several times that.
        if done.wait(timeout: .now() + 180) == .timedOut {
            p.interrupt()  // SIGINT: the demo tears its fleet down
            _ = done.wait(timeout: .now() + 20)
            Issue.record("the demo did not finish within 180 s")
        }
        let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        #expect(p.terminationStatus == 0, "demo output:\n\(text)")
        #expect(text.contains("✔ new master: 127.0.0.1:"), "demo output:\n\(text)")
        #expect(text.contains("reported by all 3 sentinels"), "demo output:\n\(text)")
        #expect(text.contains("✔ keys survived: 500/500 acknowledged keys on the new master"), "demo output:\n\(text)")
        #expect(text.contains("✔ old master rejoined: 127.0.0.1:"), "demo output:\n\(text)")
        #expect(text.contains("kill → all 3 sentinels report the new master"), "demo output:\n\(text)")
        #expect(text.contains("RESULT: failover demo succeeded"), "demo output:\n\(text)")
        #expect(!text.contains("\u{1B}["), "plain output has no escape codes")

        // Nothing the demo started is still running: their command lines name its directory.
        let dir = try #require(Self.workingDirectory(in: text))
        #expect(text.contains("deleted at exit unless a step fails; --keep keeps it"), "the directory line names --keep")
        #expect(Self.processes(mentioning: dir).isEmpty, "processes left behind")
        #expect(!FileManager.default.fileExists(atPath: dir), "the temporary directory is removed")
    }

    /// `--manual` with standard input not a terminal, on the ports `--base-port` asked for: no
    /// key bindings are offered, SIGTERM stops it cleanly, and `--keep` keeps the directory.
    @Test func manualWithoutATerminalUsesTheAskedPortsAndStopsOnSIGTERM() throws {
        let base = try Self.consecutiveFreePorts(6)
        let (p, out) = try Self.start(["--manual", "--keep", "--base-port", "\(base)"])
        defer { try? FileManager.default.removeItem(at: out) }
        func text() -> String { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }
        try Wait.until(timeoutSeconds: 120, "the manual demo prints its commands\n\(text())") {
            text().contains("no key bindings")
        }
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        let t = text()
        #expect(p.terminationStatus == 0 || p.terminationStatus == 128 + SIGTERM, "demo output:\n\(t)")
        #expect(t.contains("Standard input is not a terminal, so there are no key bindings"), "demo output:\n\(t)")
        #expect(!t.contains("k = kill"), "key bindings offered without a terminal:\n\(t)")
        #expect(t.contains("master  node1  127.0.0.1:\(base) "), "demo output:\n\(t)")
        #expect(t.contains("sentinel s1    127.0.0.1:\(base + 3) "), "demo output:\n\(t)")
        #expect(t.contains("✔ stopped all 6 processes"), "demo output:\n\(t)")
        let dir = try #require(Self.workingDirectory(in: t))
        #expect(t.contains("kept afterwards (--keep)"), "demo output:\n\(t)")
        #expect(FileManager.default.fileExists(atPath: dir), "--keep kept \(dir)")
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// A port of the asked range that is taken is an error naming it, not another port.
    @Test func basePortInUseIsRefusedByName() throws {
        let base = try Self.consecutiveFreePorts(6)
        let holder = try Socket.listen(host: "127.0.0.1", port: base + 2)
        defer { close(holder) }
        let (p, out) = try Self.start(["--base-port", "\(base)"])
        defer { try? FileManager.default.removeItem(at: out) }
        p.waitUntilExit()
        let t = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        #expect(p.terminationStatus == 1, "demo output:\n\(t)")
        #expect(t.contains("port \(base + 2) (of --base-port \(base): \(base)-\(base + 5)) is in use"), "demo output:\n\(t)")
    }

    static func start(_ args: [String]) throws -> (Process, URL) {
        let demo = Binaries.buildDirectory.appendingPathComponent("failover-demo").path
        try #require(FileManager.default.isExecutableFile(atPath: demo), "build the package first: \(demo) is missing")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("demo-test-\(UUID().uuidString.prefix(8)).txt")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "exec \"$0\" \"$@\" < /dev/null > \"$DEMO_OUT\" 2>&1", demo] + args
        p.environment = ProcessInfo.processInfo.environment.merging(["DEMO_OUT": out.path]) { $1 }
        try p.run()
        return (p, out)
    }

    /// The first of `count` consecutive ports that TestPorts hands out (it skips ports in use).
    static func consecutiveFreePorts(_ count: Int) throws -> Int {
        for _ in 0..<20 {
            let ports = (0..<count).map { _ in TestPorts.next() }
            if ports == Array(ports[0]..<(ports[0] + count)) { return ports[0] }
        }
        throw RedisConnection.Failure(description: "no \(count) consecutive free ports")
    }

    /// The directory named by the demo's first line.
    static func workingDirectory(in text: String) -> String? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("working directory (configs and logs): ") }) else { return nil }
        let rest = line.dropFirst("working directory (configs and logs): ".count)
        return String(rest.split(separator: " ").first ?? "")
    }

    /// Pids whose command line contains `text`.
    static func processes(mentioning text: String) -> [String] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return pids.filter { pid in
            guard pid.allSatisfy(\.isNumber),
                  let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).contains(text)
        }
    }
}
