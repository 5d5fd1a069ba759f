import Foundation
import Testing
import TestSupport

/// A fleet whose data nodes rename the commands a sentinel reconfigures them with, and whose
/// sentinels say so with `sentinel rename-command`: the kill -9 failover completes (the promoted
/// node is master, the other replica and the returning old master follow it) because every
/// SLAVEOF and CONFIG the sentinels send uses the nodes' names.
@Suite(.serialized) struct RenameCommandFailoverTests {
    static let nodeRenames = ["--rename-command", "CONFIG", "XCONFIG", "--rename-command", "SLAVEOF", "XSLAVEOF",
                              "--rename-command", "REPLICAOF", "XREPLICAOF"]
    static let sentinelLines = ["sentinel rename-command mymaster CONFIG XCONFIG", "sentinel rename-command mymaster SLAVEOF XSLAVEOF",
                                "sentinel rename-command mymaster REPLICAOF XREPLICAOF"]

    static func run(nodes: FailoverFleet.NodeKind, sentinels: [FailoverFleet.SentinelKind]) throws {
        guard let fleet = try FailoverFleet(nodes: nodes, sentinels: sentinels, nodeExtra: nodeRenames, sentinelLines: sentinelLines) else {
            return
        }
        // The renames are in force: the old names are unknown on every node.
        for node in [fleet.master] + fleet.replicas {
            let c = try node.connect()
            #expect(try c.raw("SLAVEOF", "NO", "ONE").hasPrefix("-ERR unknown command 'SLAVEOF'"))
            #expect(try c.raw("REPLICAOF", "NO", "ONE").hasPrefix("-ERR unknown command 'REPLICAOF'"))
            #expect(try c.raw("CONFIG", "REWRITE").hasPrefix("-ERR unknown command 'CONFIG'"))
        }
        try fleet.runKillScenario()
        // Our sentinels keep the lines when they rewrite their config (every failover rewrites it).
        for s in fleet.sentinels where s.executable == Binaries.sentinel {
            let text = try String(contentsOf: s.directory.appendingPathComponent("sentinel.conf"), encoding: .utf8)
            for line in sentinelLines { #expect(text.contains(line + "\n"), "\(text)") }
        }
    }

    @Test func oursOverMiniredis() throws {
        try Self.run(nodes: .miniredis, sentinels: [.ours, .ours, .ours])
    }

    @Test func oursOverRedisServer() throws {
        try Self.run(nodes: .redisServer, sentinels: [.ours, .ours, .ours])
    }

    /// redis-sentinel honours the same lines over miniredis nodes.
    @Test func redisSentinelOverMiniredis() throws {
        try Self.run(nodes: .miniredis, sentinels: [.redis, .redis, .redis])
    }
}
