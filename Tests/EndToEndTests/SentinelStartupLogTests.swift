import Foundation
import Testing
import TestSupport

/// The sentinel's start-up log as redis-sentinel's (issue 12): the version line, the state saved
/// before it runs, its id and a `+monitor` line per configured master.
@Suite struct SentinelStartupLogTests {
    @Test func startupLinesAsRedisSentinel() throws {
        let s = try SentinelServerTests.startSentinel(config: "sentinel monitor alpha 127.0.0.1 6999 2\nsentinel monitor beta 127.0.0.1 6998 1\n")
        let log = s.logText
        #expect(log.contains("# oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"))
        #expect(log.contains("# Redis version=7.2.4, bits=64, commit=00000000, modified=0, pid="))
        #expect(log.contains("* Sentinel new configuration saved on disk"))
        #expect(log.contains("# +monitor master alpha 127.0.0.1 6999 quorum 2"))
        #expect(log.contains("# +monitor master beta 127.0.0.1 6998 quorum 1"))
        let lines = log.split(separator: "\n")
        let saved = try #require(lines.firstIndex { $0.contains("new configuration saved on disk") })
        let id = try #require(lines.firstIndex { $0.contains("Sentinel ID is") })
        let monitor = try #require(lines.firstIndex { $0.contains("+monitor master alpha") })
        #expect(saved < id && id < monitor, "in redis-sentinel's order")
        // What was saved: the file now holds the sentinel's id.
        let conf = try String(contentsOf: s.directory.appendingPathComponent("sentinel.conf"), encoding: .utf8)
        #expect(conf.contains("sentinel myid "))
    }
}
