import Foundation
import Testing
import TestSupport

/// Sentinels watching data nodes through the restricted user Redis documents for them
/// (`sentinel auth-user` / `auth-pass`), ours and redis-sentinel, over miniredis and
/// redis-server: discovery, the master killed, the replica promoted and the old master demoted
/// when it returns, each reconfiguration (MULTI, SLAVEOF, CONFIG REWRITE, CLIENT KILL, EXEC)
/// passing the user's rules. (Our SENTINEL FAILOVER of a reachable master, a switchover, also
/// needs +client|pause +client|unpause: docs/security.md.)
@Suite struct ACLSentinelTests {
    /// Redis's documented rules for a sentinel's user on the data nodes.
    static let nodeUser = ["--user", "sentinel-user", "on", ">sentinelpw", "allchannels", "+multi", "+slaveof", "+ping", "+exec",
                           "+subscribe", "+config|rewrite", "+role", "+publish", "+info", "+client|setname", "+client|kill", "+script|kill"]
    static let sentinelLines = ["sentinel auth-user mymaster sentinel-user", "sentinel auth-pass mymaster sentinelpw"]

    static func failover(nodes: FailoverFleet.NodeKind, sentinel: FailoverFleet.SentinelKind) throws {
        guard let fleet = try FailoverFleet(nodes: nodes, sentinels: [sentinel], replicas: 1, nodeExtra: nodeUser,
                                            sentinelLines: sentinelLines, quorum: 1) else { return }
        try fleet.waitDiscovery()
        fleet.master.kill()
        let newPort = try fleet.waitNewMaster(other: fleet.master.port)
        #expect(newPort == fleet.replicas[0].port)
        try fleet.master.restart()
        // The old master is told to follow the promoted replica, through the same user.
        try Wait.untilSurvivingCuts(timeoutSeconds: 60, "the old master follows the promoted replica\n\(fleet.sentinels[0].logText)") {
            let c = try fleet.master.connect()
            return try ReplicationProbe.info(c, "master_port") == "\(newPort)" && ReplicationProbe.info(c, "master_link_status") == "up"
        }
        // Every command the sentinel sent was allowed: the nodes logged no denial.
        for node in [fleet.master, fleet.replicas[0]] {
            let log = try node.connect().call("ACL", "LOG")
            #expect(log.elements?.isEmpty == true, "denials on \(node.port): \(log)")
        }
    }

    @Test func oursOverMiniredis() throws { try Self.failover(nodes: .miniredis, sentinel: .ours) }
    @Test func redisSentinelOverMiniredis() throws { try Self.failover(nodes: .miniredis, sentinel: .redis) }
    @Test func oursOverRedisServer() throws { try Self.failover(nodes: .redisServer, sentinel: .ours) }
}
