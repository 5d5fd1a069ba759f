import Foundation
import Testing
import TestSupport

/// kill -9 of the master with 1 master, 2 replicas and 3 sentinels, down-after 1000 ms, for each
/// combination the issue asks for: our sentinels and Debian's redis-sentinel, over miniredis and
/// over redis-server, and mixed quorums led by either kind.
@Suite struct FailoverScenarioTests {
    @Test func oursOverMiniredis() throws {
        guard let fleet = try FailoverFleet(nodes: .miniredis, sentinels: [.ours, .ours, .ours]) else { return }
        try fleet.runKillScenario()
    }

    @Test func oursOverRedisServer() throws {
        guard let fleet = try FailoverFleet(nodes: .redisServer, sentinels: [.ours, .ours, .ours]) else { return }
        try fleet.runKillScenario()
    }

    @Test func redisSentinelOverMiniredis() throws {
        guard let fleet = try FailoverFleet(nodes: .miniredis, sentinels: [.redis, .redis, .redis]) else { return }
        try fleet.runKillScenario()
    }

    @Test func mixedQuorumTwoOursOneRedis() throws {
        guard let fleet = try FailoverFleet(nodes: .miniredis, sentinels: [.ours, .ours, .redis]) else { return }
        try fleet.runKillScenario()
    }

    @Test func mixedQuorumOneOursTwoRedis() throws {
        guard let fleet = try FailoverFleet(nodes: .miniredis, sentinels: [.ours, .redis, .redis]) else { return }
        try fleet.runKillScenario()
    }
}
