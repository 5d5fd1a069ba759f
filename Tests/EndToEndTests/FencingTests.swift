import Foundation
import RESP
import Synchronization
import Testing
import TestSupport

/// Write fencing (docs/fencing.md) on real processes: the FENCING command and its lease
/// arithmetic, a fleet whose master loses its writes when its sentinels go, and a failover with
/// fencing on.
@Suite struct FencingTests {
    static let fenced = "FENCED"

    static func isFenced(_ v: RESPValue) -> Bool { v.isError && (v.text ?? "").hasPrefix(fenced) }

    @Test func leaseNeedsAQuorumOfFreshRenewals() throws {
        let node = try ServerProcess.miniredis(["--fencing-quorum", "2", "--fencing-lease-ms", "60000"])
        let c = try node.connect()
        #expect(Self.isFenced(try c.call("SET", "k", "v")))
        #expect(try ReplicationProbe.info(c, "fencing") == "fenced")
        // A first renewal only hands out a token; the lease starts at the token.
        guard case .integer(let t1) = try c.call("FENCING", "RENEW", "sentinel-a", "0") else { Issue.record("no token"); return }
        #expect(Self.isFenced(try c.call("SET", "k", "v")))
        #expect(try c.call("FENCING", "RENEW", "sentinel-a", "\(t1)").integerValue != nil)
        #expect(Self.isFenced(try c.call("SET", "k", "v")), "one holder of two")
        // The same sentinel renewing again is still one holder.
        #expect(try c.call("FENCING", "RENEW", "sentinel-a", "\(t1)").integerValue != nil)
        #expect(Self.isFenced(try c.call("SET", "k", "v")))
        #expect(try c.call("FENCING", "RENEW", "sentinel-b", "\(t1)").integerValue != nil)
        #expect(try c.call("SET", "k", "v") == .simpleString(Array("OK".utf8)))
        #expect(try ReplicationProbe.info(c, "fencing_holders") == "2")
        // Reads are never fenced; a token from the future or too old grants nothing.
        #expect(try c.call("CONFIG", "SET", "fencing-quorum", "3") == .simpleString(Array("OK".utf8)))
        #expect(try c.call("GET", "k") == .bulk("v"))
        #expect(try c.call("FENCING", "RENEW", "sentinel-c", "\(Int64.max / 2)").integerValue != nil)
        #expect(try c.call("FENCING", "RENEW", "sentinel-c", "1").integerValue != nil)
        #expect(Self.isFenced(try c.call("SET", "k", "v2")))
        #expect(Self.isFenced(try c.call("WAIT", "0", "100")), "a fenced master confirms nothing")
        // Inside MULTI the refusal aborts the transaction, as Redis's other write refusals do.
        #expect(try c.call("MULTI") == .simpleString(Array("OK".utf8)))
        #expect(Self.isFenced(try c.call("INCR", "n")))
        #expect(try c.call("EXEC").text?.hasPrefix("EXECABORT") == true)
        #expect(try c.call("FENCING", "RENEW", "x", "abc").isError)
        #expect(try c.call("FENCING", "RENEW", "x").isError)
        #expect(try c.call("FENCING", "NOPE").text?.hasPrefix("ERR unknown subcommand") == true)
        #expect(try c.call("CONFIG", "SET", "fencing-quorum", "0") == .simpleString(Array("OK".utf8)))
        #expect(try c.call("SET", "k", "v3") == .simpleString(Array("OK".utf8)))
        #expect(try ReplicationProbe.info(c, "fencing") == "off")
    }

    @Test func leaseExpiresOnItsOwn() throws {
        let node = try ServerProcess.miniredis(["--fencing-quorum", "1", "--fencing-lease-ms", "300"])
        let c = try node.connect()
        guard case .integer(let t) = try c.call("FENCING", "RENEW", "s", "0") else { Issue.record("no token"); return }
        _ = try c.call("FENCING", "RENEW", "s", "\(t)")
        // The lease may already be gone on a slow machine; what matters is that it goes.
        try Wait.until(timeoutSeconds: 10, "the lease runs out") { Self.isFenced(try c.call("SET", "k", "v")) }
        #expect(try ReplicationProbe.info(c, "fencing_holders") == "0")
    }

    static let fleetArgs = ["--fencing-quorum", "2", "--fencing-lease-ms", "400"]

    @Test func sentinelsKeepTheMasterOpenAndItClosesWithoutThem() throws {
        guard let fleet = try FailoverFleet(nodes: .miniredis, sentinels: [.ours, .ours, .ours], nodeExtra: Self.fleetArgs,
                                            downAfterMs: 5000) else { return }
        let m = try fleet.master.connect()
        try Wait.until(timeoutSeconds: 30, "the sentinels open the master for writes") {
            try m.call("SET", "k", "v") == .simpleString(Array("OK".utf8))
        }
        try Wait.until(timeoutSeconds: 30, "all three sentinels hold a lease") {
            try ReplicationProbe.info(m, "fencing_holders") == "3"
        }
        // Replicas take no renewals from the sentinels (they renew the master only).
        #expect(try ReplicationProbe.info(fleet.replicas[0].connect(), "fencing_holders") == "0")
        fleet.sentinels[0].kill()
        try Wait.until(timeoutSeconds: 30, "two holders remain") { try ReplicationProbe.info(m, "fencing_holders") == "2" }
        #expect(try m.call("SET", "k", "two-of-three") == .simpleString(Array("OK".utf8)))
        fleet.sentinels[1].kill()
        try Wait.until(timeoutSeconds: 30, "one sentinel left: the master is fenced") {
            Self.isFenced(try m.call("SET", "k", "v"))
        }
        try fleet.sentinels[0].restart()
        try Wait.until(timeoutSeconds: 30, "a returning sentinel reopens it") { try m.call("SET", "k", "again") == .simpleString(Array("OK".utf8)) }
    }

    @Test func failoverWithFencingKeepsWhatWasAcknowledged() throws {
        guard let fleet = try FailoverFleet(nodes: .miniredis, sentinels: [.ours, .ours, .ours], nodeExtra: Self.fleetArgs) else { return }
        let m = try fleet.master.connect()
        try Wait.until(timeoutSeconds: 30, "the master is open") { try m.call("SET", "warm", "up") == .simpleString(Array("OK".utf8)) }
        try fleet.runKillScenario()
        // The leader read offsets only once the old master's lease had run out: one lease (400 ms)
        // after its election.
        let leaderLog = try #require(fleet.sentinels.map(\.logText).first { $0.contains("+elected-leader") })
        let elected = try #require(Self.logTimeMs(leaderLog, "+elected-leader"))
        let selected = try #require(Self.logTimeMs(leaderLog, "+selected-slave"))
        #expect(selected - elected >= 400, "selected \(selected - elected) ms after the election")
    }

    /// The time of day in ms of the first log line containing `marker` (Redis's log format:
    /// `pid:R 21 Nov 2026 15:06:02.123 # message`).
    static func logTimeMs(_ log: String, _ marker: String) -> Int? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains(marker) }) else { return nil }
        guard let clock = line.split(separator: " ").first(where: { $0.count == 12 && $0.filter { $0 == ":" }.count == 2 }) else { return nil }
        let parts = clock.split(whereSeparator: { $0 == ":" || $0 == "." }).compactMap { Int($0) }
        guard parts.count == 4 else { return nil }
        return ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 + parts[3]
    }
}
