import Foundation
import Synchronization
import Testing
import TestSupport

/// SENTINEL FAILOVER on a healthy master is a coordinated switchover: writes pause, the chosen
/// replica catches up, then it is promoted; nothing acknowledged is lost while a client writes
/// all along (Redis 7.0's SENTINEL FAILOVER loses the writes in flight).
@Suite struct SwitchoverTests {
    /// Writes `sw:<n>` as fast as it can to whichever node the sentinel names, recording every
    /// acknowledged n. Errors (paused clients closed by the switch, READONLY) are retried on a
    /// fresh connection to the master the sentinel names then.
    final class Writer: Sendable {
        let acked = Mutex<[Int]>([])
        let stop = Atomic<Bool>(false)
        let done = Atomic<Bool>(false)
        let sentinelPort: Int

        init(sentinelPort: Int) { self.sentinelPort = sentinelPort }

        func run() {
            var n = 0
            var conn: RedisConnection?
            while !stop.load(ordering: .relaxed) {
                do {
                    if conn == nil {
                        let s = try RedisConnection(port: sentinelPort)
                        guard let port = try s.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster").elements?.last?.text.flatMap({ Int($0) }) else { continue }
                        conn = try RedisConnection(port: port)
                        conn?.timeoutSeconds = 30
                    }
                    n += 1
                    if try conn!.call("SET", "sw:\(n)", "\(n)") == .simpleString(Array("OK".utf8)) {
                        acked.withLock { $0.append(n) }
                    } else {
                        conn = nil
                    }
                } catch {
                    conn = nil
                }
            }
            done.store(true, ordering: .releasing)
        }
    }

    @Test(arguments: [(FailoverFleet.NodeKind.miniredis, false), (.miniredis, true), (.redisServer, false)])
    func switchoverLosesNoAcknowledgedWrite(nodes: FailoverFleet.NodeKind, fencing: Bool) throws {
        let extra = fencing ? FencingTests.fleetArgs : []
        guard let fleet = try FailoverFleet(nodes: nodes, sentinels: [.ours, .ours, .ours], nodeExtra: extra) else { return }
        try fleet.waitDiscovery()
        let oldPort = fleet.master.port
        let writer = Writer(sentinelPort: fleet.sentinels[0].port)
        let thread = Thread { writer.run() }
        thread.start()
        defer { writer.stop.store(true, ordering: .relaxed) }
        try Wait.until(timeoutSeconds: 30, "the writer gets going") { writer.acked.withLock { $0.count } > 500 }
        #expect(try fleet.sentinels[0].connect().call("SENTINEL", "FAILOVER", "mymaster") == .simpleString(Array("OK".utf8)))
        let newPort = try fleet.waitNewMaster(other: oldPort)
        let before = writer.acked.withLock { $0.count }
        try Wait.until(timeoutSeconds: 30, "the writer writes to the new master") { writer.acked.withLock { $0.count } > before + 500 }
        writer.stop.store(true, ordering: .relaxed)
        try Wait.until(timeoutSeconds: 30, "the writer stops") { writer.done.load(ordering: .acquiring) }

        let log = fleet.sentinels[0].logText
        #expect(log.contains("+switchover-pause-writes"), "\(log)")
        #expect(log.contains("+switchover-replica-in-sync"))
        let promoted = try fleet.replicas.first { $0.port == newPort }.map { try $0.connect() }
        let c = try #require(promoted)
        let acked = writer.acked.withLock { $0 }
        var missing: [Int] = []
        for chunk in stride(from: 0, to: acked.count, by: 500) {
            let keys = acked[chunk..<min(chunk + 500, acked.count)]
            let values = try c.call(["MGET"] + keys.map { "sw:\($0)" }).elements ?? []
            for (k, v) in zip(keys, values) where v.text != "\(k)" { missing.append(k) }
        }
        let logs = missing.isEmpty ? "" : ([fleet.master] + fleet.replicas + fleet.sentinels)
            .map { "== port \($0.port)\n\($0.logText)" }.joined(separator: "\n")
        #expect(missing.isEmpty, "\(missing.count) of \(acked.count) acknowledged writes lost: \(missing.prefix(10)); new master \(newPort)\n\(logs)")
        // The old master follows the new one.
        try Wait.until(timeoutSeconds: 60, "the old master follows the new master \(newPort)\n\(([fleet.master] + fleet.sentinels).map { "== \($0.port)\n\($0.logText)" }.joined(separator: "\n"))") {
            // (try?: a reconfiguration's CLIENT KILL may close this connection; a reply that does not
            // come is reported with the logs below.)
            guard let o = try? fleet.master.connect() else { return false }
            o.timeoutSeconds = 2
            return (try? ReplicationProbe.info(o, "master_port")) == "\(newPort)" && (try? ReplicationProbe.info(o, "master_link_status")) == "up"
        }
    }

    @Test func clientPauseHoldsWritesNotReads() throws {
        let node = try ServerProcess.miniredis()
        let admin = try node.connect()
        let writer = try node.connect()
        #expect(try admin.call("SET", "k", "1") == .simpleString(Array("OK".utf8)))
        #expect(try admin.call("CLIENT", "PAUSE", "100000", "WRITE") == .simpleString(Array("OK".utf8)))
        try writer.send(["INCR", "k"])
        try writer.send(["GET", "k"])
        // Reads from other clients go on, and see the write not yet done.
        #expect(try admin.call("GET", "k") == .bulk("1"))
        #expect(try admin.call("CLIENT", "UNPAUSE") == .simpleString(Array("OK".utf8)))
        #expect(try writer.read() == .integer(2))
        #expect(try writer.read() == .bulk("2"))
        #expect(try admin.call("CLIENT", "PAUSE", "x").text == "ERR timeout is not an integer or out of range")
        #expect(try admin.call("CLIENT", "PAUSE", "-1").text == "ERR timeout is negative")
        #expect(try admin.call("CLIENT", "PAUSE", "10", "SOME").text == "ERR CLIENT PAUSE mode must be WRITE or ALL")
        // A pause ends by itself.
        #expect(try admin.call("CLIENT", "PAUSE", "200", "WRITE") == .simpleString(Array("OK".utf8)))
        #expect(try writer.call("INCR", "k") == .integer(3))
    }
}
