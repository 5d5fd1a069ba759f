import Foundation
import Glibc
import Testing
import SentinelCore
import TestSupport

/// kill -9 in the middle of a failover (3 of our sentinels, a master, two replicas): of the
/// sentinel leading it, or of the replica being promoted, at a random moment after the first
/// +try-failover, then restarted. The fleet must converge: all sentinels name one master, that
/// node says it is master, and every other node (the old master too, once back) follows it.
/// The data nodes run from config files, so the CONFIG REWRITE the sentinel sends with
/// REPLICAOF makes a promotion survive the node's restart, as with Redis.
/// Each test prints its seed; CRASH_SEED=<n> replays it.
@Suite struct FailoverCrashTests {
    enum Victim: String, CustomStringConvertible, CaseIterable {
        case leaderSentinel, promotedReplica
        var description: String { rawValue }
    }

    static func masterPort(_ sentinel: ServerProcess) -> Int? {
        guard let c = try? sentinel.connect(),
              let parts = (try? c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"))?.elements, parts.count == 2 else { return nil }
        return parts[1].text.flatMap { Int($0) }
    }

    static func role(_ node: ServerProcess) -> String? {
        guard let c = try? node.connect() else { return nil }
        return try? ReplicationProbe.info(c, "role")
    }

    @Test(arguments: Victim.allCases)
    func killedMidFailoverTheFleetConverges(victim: Victim) throws {
        var g = SplitMix64(seed: CrashSeed.make("killedMidFailover(\(victim))"))
        let node = ["save \"\"", "repl-diskless-sync-delay 0"]
        let master = try ServerProcess.miniredisFromFile(node)
        let replicas = try (0..<2).map { _ in try ServerProcess.miniredisFromFile(node + ["replicaof 127.0.0.1 \(master.port)"]) }
        for r in replicas { try ReplicationProbe.waitLinked(r.connect()) }
        // failover-timeout 3000: an attempt whose replica died is retried after 6 s, not 20.
        let sentinels = try (0..<3).map { _ in
            try #require(try FailoverFleet.startSentinel(.ours, masterPort: master.port, downAfterMs: 1000, quorum: 2, failoverTimeoutMs: 3000))
        }
        // On a timeout: every sentinel's log and its view of the replicas.
        let logs = {
            sentinels.map { s in
                let replicas = (try? s.connect().call("SENTINEL", "REPLICAS", "mymaster").elements ?? []) ?? []
                let view = replicas.map { r in (r.pairs ?? []).filter { ["name", "flags", "link-pending-commands", "last-ok-ping-reply", "role-reported", "master-port"].contains($0.0.text ?? "") }
                    .map { "\($0.0.text ?? "")=\($0.1.text ?? "")" }.joined(separator: " ") }
                return s.logText + "replicas: " + view.joined(separator: "\n          ")
            }.joined(separator: "\n---\n")
        }
        try Wait.until(timeoutSeconds: 60, "sentinels discover replicas and each other") {
            try sentinels.allSatisfy { s in
                let pairs = try s.connect().call("SENTINEL", "MASTER", "mymaster").pairs ?? []
                let f = Dictionary(pairs.map { ($0.0.text ?? "", $0.1.text ?? "") }, uniquingKeysWith: { a, _ in a })
                return f["num-slaves"] == "2" && f["num-other-sentinels"] == "2"
            }
        }
        let m = try master.connect()
        for i in 0..<100 { try m.call("SET", "k\(i)", "\(i)") }
        #expect(try m.call("WAIT", "2", "5000") == .integer(2))
        let old = master.port
        master.kill()
        try Wait.until(timeoutSeconds: 30, "a sentinel tries a failover") { sentinels.contains { $0.logText.contains("+try-failover") } }
        let delayMs = g.between(0, 1500)
        let downMs = g.between(0, 1000)
        usleep(UInt32(delayMs) * 1000)
        let killed: ServerProcess
        switch victim {
        case .leaderSentinel:
            killed = sentinels.first { $0.logText.contains("+elected-leader") } ?? sentinels.first { $0.logText.contains("+try-failover") }!
        case .promotedReplica:
            let selected = logs().split(separator: "\n").first { $0.contains("+selected-slave slave 127.0.0.1:") }
                .flatMap { $0.split(separator: " ").first { $0.hasPrefix("127.0.0.1:") } }
                .flatMap { Int($0.dropFirst(10)) }
            killed = replicas.first { $0.port == selected } ?? replicas[g.between(0, 1)]
        }
        let killedAt = Date()
        killed.kill()
        usleep(UInt32(downMs) * 1000)
        try killed.restart()
        print("killedMidFailover(\(victim)): killed \(killed.port) \(delayMs) ms after the first +try-failover, down for \(downMs) ms")
        /// The one master every sentinel names, if they agree.
        func agreed() -> Int? {
            let ports = sentinels.map { Self.masterPort($0) }
            guard let p = ports[0], ports.allSatisfy({ $0 == p }) else { return nil }
            return p
        }
        try Wait.until(timeoutSeconds: 90, "the sentinels agree on a new master\n\(logs())") { agreed().map { $0 != old } ?? false }
        // The old master comes back. The fleet has converged when every sentinel names one master
        // P and sees it healthy with no failover in progress (flags just "master"), P says it is
        // master, and every other node replicates from P with its link up. All of it is checked
        // at once: the first agreement can be undone (a promoted node that restarted empty is
        // failed over again).
        try master.restart()
        var newPort = 0
        try Wait.untilSurvivingCuts(timeoutSeconds: 120, "the fleet converges on one master\n\(logs())") {
            guard let p = agreed(), let promoted = ([master] + replicas).first(where: { $0.port == p }),
                  Self.role(promoted) == "master" else { return false }
            newPort = p
            let flags = sentinels.map { s in
                ((try? s.connect().call("SENTINEL", "MASTER", "mymaster").pairs) ?? nil)?.first { $0.0.text == "flags" }?.1.text
            }
            guard flags.allSatisfy({ $0 == "master" }) else { return false }
            return try ([master] + replicas).filter { $0.port != p }.allSatisfy { n in
                let c = try n.connect()
                return try ReplicationProbe.info(c, "master_port") == "\(p)" && ReplicationProbe.info(c, "master_link_status") == "up"
            }
        }
        print("killedMidFailover(\(victim)): converged on \(newPort) \(String(format: "%.1f", Date().timeIntervalSince(killedAt))) s after the kill (old master restarted on the way)")
    }
}
