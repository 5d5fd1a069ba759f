import Foundation
import Glibc
import Testing
import TestSupport

/// Our sentinels in the situations the issue lists beyond the plain kill -9: a forced failover,
/// a replica that must never be promoted, a sentinel restarted in the middle of a failover, and a
/// redis-py Sentinel client writing across a failover.
@Suite struct SentinelFailoverTests {
    @Test func forcedFailoverPromotesAReplicaAndDemotesTheHealthyMaster() throws {
        guard let fleet = try FailoverFleet(nodes: .miniredis, sentinels: [.ours, .ours, .ours]) else { return }
        try fleet.waitDiscovery()
        let old = fleet.master.port
        #expect(try fleet.sentinels[0].connect().raw("SENTINEL", "FAILOVER", "mymaster") == "+OK\r\n")
        let newPort = try fleet.waitNewMaster(other: old)
        #expect(fleet.replicas.contains { $0.port == newPort })
        // The Prometheus endpoint counts the failover once it ends (+switch-master) and shows the
        // new address.
        var metrics = ""
        try Wait.until(timeoutSeconds: 30, "the metrics show the failover:\n\(metrics)") {
            metrics = try HTTP.get(port: fleet.metricsPorts[0], path: "/metrics")
            return metrics.contains("sentinel_master_failovers_total{master=\"mymaster\",address=\"127.0.0.1:\(newPort)\"} 1")
        }
        #expect(metrics.hasPrefix("HTTP/1.1 200 OK"))
        #expect(metrics.contains("sentinel_master_status{master=\"mymaster\",address=\"127.0.0.1:\(newPort)\"} 0"))
        #expect(metrics.contains("sentinel_master_sentinels{master=\"mymaster\",address=\"127.0.0.1:\(newPort)\"} 3"))
        #expect(try HTTP.get(port: fleet.metricsPorts[0], path: "/nope").hasPrefix("HTTP/1.1 404"))
        try Wait.until(timeoutSeconds: 60, "the old master becomes a replica of the new one") {
            let c = try fleet.master.connect()
            return try ReplicationProbe.info(c, "master_port") == "\(newPort)" && ReplicationProbe.info(c, "master_link_status") == "up"
        }
    }

    @Test func replicaWithPriorityZeroIsNeverPromoted() throws {
        guard let fleet = try FailoverFleet(nodes: .miniredis, sentinels: [.ours, .ours, .ours],
                                            replicaExtra: [["--replica-priority", "0"], []]) else { return }
        try fleet.waitDiscovery()
        let excluded = fleet.replicas[0].port
        fleet.master.kill()
        let newPort = try fleet.waitNewMaster(other: fleet.master.port)
        #expect(newPort == fleet.replicas[1].port)
        #expect(newPort != excluded)
        // With only priority-0 replicas left, a forced failover is refused.
        let only = try #require(try FailoverFleet(nodes: .miniredis, sentinels: [.ours], replicas: 1,
                                                  replicaExtra: [["--replica-priority", "0"]], quorum: 1))
        try only.waitDiscovery()
        #expect(try only.sentinels[0].connect().raw("SENTINEL", "FAILOVER", "mymaster") == "-NOGOODSLAVE No suitable replica to promote\r\n")
    }

    /// SENTINEL SIMULATE-FAILURE makes whichever sentinel leads the failover exit at that point;
    /// restarted from its config file, the fleet must still converge on one master.
    @Test(arguments: ["crash-after-election", "crash-after-promotion"])
    func sentinelRestartedMidFailoverConverges(point: String) throws {
        guard let fleet = try FailoverFleet(nodes: .miniredis, sentinels: [.ours, .ours, .ours]) else { return }
        try fleet.waitDiscovery()
        for s in fleet.sentinels {
            #expect(try s.connect().raw("SENTINEL", "SIMULATE-FAILURE", point) == "+OK\r\n")
        }
        let old = fleet.master.port
        fleet.master.kill()
        var restarts = 0
        try Wait.until(timeoutSeconds: 90, "the sentinels converge after \(restarts) restart(s)") {
            for s in fleet.sentinels where !s.process.isRunning {
                // A restarted sentinel has no simulated failure set: it can finish the job.
                try s.restart()
                restarts += 1
            }
            let ports = fleet.sentinels.map { fleet.masterPort(from: $0) }
            return ports.allSatisfy { $0 != nil && $0 != old } && Set(ports).count == 1
        }
        #expect(restarts >= 1, "no sentinel crashed at \(point)")
        let newPort = fleet.masterPort(from: fleet.sentinels[0])!
        for r in fleet.replicas where r.port != newPort {
            try Wait.untilSurvivingCuts(timeoutSeconds: 60, "the other replica follows \(newPort)") {
                let c = try r.connect()
                return try ReplicationProbe.info(c, "master_port") == "\(newPort)" && ReplicationProbe.info(c, "master_link_status") == "up"
            }
        }
    }

    /// redis-py's Sentinel class, as applications use it: it asks the sentinels for the master,
    /// and on a failover reconnects to the new one.
    @Test func redisPySentinelClientKeepsWritingAcrossAFailover() throws {
        guard let python = try Self.pythonWithRedis() else { return }
        guard let fleet = try FailoverFleet(nodes: .miniredis, sentinels: [.ours, .ours, .ours]) else { return }
        try fleet.waitDiscovery()
        let script = """
        import json, os, signal, sys, time
        from redis.sentinel import Sentinel
        from redis.exceptions import ConnectionError, TimeoutError, ReadOnlyError
        ports = [int(p) for p in sys.argv[1].split(",")]
        master_pid = int(sys.argv[2])
        sentinel = Sentinel([("127.0.0.1", p) for p in ports], socket_timeout=3)
        first = sentinel.discover_master("mymaster")
        master = sentinel.master_for("mymaster", socket_timeout=3)
        acked, errors, i = [], 0, 0
        deadline = time.time() + 60
        killed_at = None
        while time.time() < deadline:
            try:
                master.set("py:%d" % i, i)
                acked.append(i)
                i += 1
            except (ConnectionError, TimeoutError, ReadOnlyError):
                errors += 1
                time.sleep(0.05)
            if i == 200 and killed_at is None:
                master.wait(2, 2000)
                os.kill(master_pid, signal.SIGKILL)
                killed_at = i
            if killed_at is not None and i >= killed_at + 200:
                break
        print(json.dumps({"first": list(first), "last": list(sentinel.discover_master("mymaster")),
                          "acked": len(acked), "errors": errors, "after": i - (killed_at or 0)}))
        """
        let path = fleet.master.directory.appendingPathComponent("client.py")
        try script.write(to: path, atomically: true, encoding: .utf8)
        let ports = fleet.sentinels.map { "\($0.port)" }.joined(separator: ",")
        let run = try Tool.run(python, [path.path, ports, "\(fleet.master.process.processIdentifier)"])
        if run.status != 0 { Issue.record("redis-py client failed:\n\(run.output)") }
        let json = try #require(run.output.split(separator: "\n").last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }, "\(run.output)")
        let first = json["first"] as? [Any], last = json["last"] as? [Any]
        #expect((first?[1] as? Int) == fleet.master.port)
        let newPort = try #require(last?[1] as? Int)
        #expect(newPort != fleet.master.port)
        #expect((json["after"] as? Int ?? 0) >= 200, "the client did not keep writing: \(run.output)")
        // Every write acknowledged after the failover is on the new master.
        let promoted = try #require(fleet.replicas.first { $0.port == newPort })
        let c = try promoted.connect()
        let acked = json["acked"] as? Int ?? 0
        #expect(try c.call("GET", "py:\(acked - 1)") == .bulk("\(acked - 1)"))
        #expect(try c.call("GET", "py:199") == .bulk("199"))
    }

    /// python3 with the redis package, or nil (skipping with a reason) outside CI.
    static func pythonWithRedis() throws -> String? {
        for p in ["/usr/local/bin/python3", "/usr/bin/python3"] + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map({ "\($0)/python3" }) {
            guard FileManager.default.isExecutableFile(atPath: p) else { continue }
            if (try? Tool.run(p, ["-c", "import redis.sentinel"]))?.status == 0 { return p }
        }
        let reason = "python3 with the redis package is not available (pip install redis)"
        if ProcessInfo.processInfo.environment["CI"] != nil {
            throw RedisConnection.Failure(description: "CI must run the redis-py test, but \(reason)")
        }
        print("SKIPPED: \(reason)")
        return nil
    }
}
