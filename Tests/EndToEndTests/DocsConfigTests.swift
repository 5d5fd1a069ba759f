import Foundation
import Testing
import TestSupport

/// Every example line in docs/configuration.md is one the programs accept: each program starts
/// with all of its example lines at once.
@Suite struct DocsConfigTests {
    /// The `example` column of the table in the given section, in order.
    static func examples(section: String) throws -> [String] {
        let text = try String(contentsOf: SentinelServerTests.root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        var inSection = false
        var out: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") { inSection = line == "## \(section)" }
            guard inSection, line.hasPrefix("| `") else { continue }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 3 else { continue }
            let example = cells[3]
            if example.hasPrefix("`") && example.hasSuffix("`") && example.count > 2 {
                out.append(String(example.dropFirst().dropLast()))
            }
        }
        return out
    }

    @Test func miniredisAcceptsEveryDocumentedExample() throws {
        let lines = try Self.examples(section: "miniredis")
        #expect(lines.count >= 40)
        let port = TestPorts.next()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("docs-mini-\(port)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let conf = dir.appendingPathComponent("redis.conf")
        // replicaof is left out: it would make the node a replica of a missing master; aclfile
        // too: it names a file that is not there, and may not be used with `user` lines; and
        // the TLS lines, which name certificates (TLSTests starts nodes with real ones).
        try lines.filter { !$0.hasPrefix("replicaof") && !$0.hasPrefix("port") && !$0.hasPrefix("aclfile") && !$0.hasPrefix("tls-") }.joined(separator: "\n").write(to: conf, atomically: true, encoding: .utf8)
        let s = try ServerProcess(executable: Binaries.miniredis, arguments: [conf.path, "--port", "\(port)"], port: port, directory: dir)
        try s.waitUntilReady()
        #expect(try s.connect().call("CONFIG", "GET", "save") == .array([.bulk("save"), .bulk("900 1")]))
    }

    @Test func sentinelAcceptsEveryDocumentedExample() throws {
        let lines = try Self.examples(section: "sentinel")
        #expect(lines.count >= 20)
        let body = lines.filter { !$0.hasPrefix("port") }.joined(separator: "\n")
        let s = try SentinelServerTests.startSentinel(config: body)
        #expect(try s.connect().call("SENTINEL", "MASTERS").elements?.count == 1)
    }
}
