import Foundation
import Testing
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
        let dir = try #require(text.split(separator: "\n").first { $0.hasPrefix("working directory: ") })
            .dropFirst("working directory: ".count)
        #expect(Self.processes(mentioning: String(dir)).isEmpty, "processes left behind")
        #expect(!FileManager.default.fileExists(atPath: String(dir)), "the temporary directory is removed")
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
