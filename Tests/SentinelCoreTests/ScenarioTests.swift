import Testing
@testable import SentinelCore
@testable import RESP

/// Readable failure scenarios on the simulated cluster: 3 data nodes (10.0.0.1 master, .2 and .3
/// replicas), 3 sentinels (hosts 3, 4, 5 = 10.0.1.1-3), quorum 2, down-after 1 s, failover-timeout
/// 5 s, 1-5 ms network delay.
@Suite struct ScenarioTests {
    static let master = Address(host: "10.0.0.1", port: 6379)
    static let replica1 = Address(host: "10.0.0.2", port: 6379)
    static let replica2 = Address(host: "10.0.0.3", port: 6379)

    func expectSafe(_ c: Cluster, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(c.checker.violations.isEmpty, Comment(rawValue: c.report(c.checker.violations.first ?? "")),
                sourceLocation: sourceLocation)
    }

    @Test func masterDiesAndAReplicaIsPromoted() {
        let c = Cluster(seed: 1)
        c.at(10_000) { $0.crashNode(0) }
        c.run(untilMs: 30_000)
        expectSafe(c)
        #expect(c.converged())
        let views = Set(c.announcedMasters())
        #expect(views.count == 1 && !views.contains(Self.master))
        #expect(c.events("+elected-leader").count == 1)
        #expect(c.events("+switch-master").count == 3)
        // The new master gets its first chance: it is never judged down after the switch
        // (REFERENCE §6: Redis sometimes did, and failed over a second time).
        let newMaster = views.first!
        #expect(!c.events("+sdown").contains { $0.message.hasPrefix("master mymaster \(newMaster.host) \(newMaster.port)") })
    }

    @Test func leaderEndsTheFailoverSoonAfterTheReplicasResync() {
        // The leader asks a reconfigured replica for INFO every 100 ms (not 1 s), so its failover
        // ends, and it switches, right after the replica's link to the promoted node is up. Until
        // then it sees the promoted node only as a replica: Redis's 00-base test failed with us as
        // leader when the new master was killed again in that window.
        for seed in UInt64(1)...10 {
            let c = Cluster(seed: seed)
            c.at(10_000) { $0.crashNode(0) }
            // The node that is neither the crashed master nor the promoted one, linked to the latter.
            func otherReplicaLinked(_ c: Cluster) -> Bool {
                guard let p = c.events("+promoted-slave").first else { return false }
                return c.nodes.indices.contains { i in
                    i != 0 && !p.message.hasPrefix("slave \(c.nodes[i].address.host):") && c.nodes[i].linkUp
                        && c.nodes[i].masterAddress.map { p.message.hasPrefix("slave \($0.host):\($0.port) ") } == true
                }
            }
            c.run(untilMs: 30_000, until: otherReplicaLinked)
            let linkedMs = c.now
            c.run(untilMs: linkedMs + 2_000)
            expectSafe(c)
            guard let end = c.events("+failover-end").first, let p = c.events("+promoted-slave").first else {
                Issue.record("seed \(seed): no failover end"); continue
            }
            #expect(end.sentinel == p.sentinel)
            #expect(end.timeMs - linkedMs <= 250, "seed \(seed): +failover-end \(end.timeMs - linkedMs) ms after the replica linked")
            let leaderSwitch = c.events("+switch-master").filter { $0.sentinel == p.sentinel }
            #expect(leaderSwitch.count == 1 && leaderSwitch[0].timeMs - end.timeMs <= 150)
        }
    }

    @Test func replicaThatCannotSyncEndsTheFailoverByTimeout() {
        // The two replicas cannot reach each other: whichever is promoted, the other never syncs.
        let c = Cluster(seed: 13)
        c.at(9_500) { $0.block(1, 2) }
        c.at(10_000) { $0.crashNode(0) }
        c.at(25_000) { $0.healAll() }
        c.run(untilMs: 25_000)
        #expect(c.events("+slave-reconf-sent").count == 1)
        #expect(c.events("+slave-reconf-done").isEmpty)
        #expect(c.events("+failover-end-for-timeout").count == 1)
        #expect(c.events("+switch-master").count == 3)
        c.run(untilMs: 40_000)
        expectSafe(c)
        #expect(c.converged())
    }

    @Test func replicaFollowingTheWrongMasterIsFixed() {
        let c = Cluster(seed: 14)
        // Someone points replica .3 at replica .2 (a chain the sentinels did not configure).
        c.at(5_000) { c in _ = c.nodes[2].replicaOf(["REPLICAOF", "10.0.0.2", "6379"], nowMs: c.now) }
        c.run(untilMs: 40_000)
        expectSafe(c)
        // Fixed only after failover-timeout (it might be another sentinel's reconfiguration).
        let fixes = c.events("+fix-slave-config")
        #expect(!fixes.isEmpty && fixes.allSatisfy { $0.timeMs > 10_000 && $0.message.hasPrefix("slave 10.0.0.3:6379") })
        #expect(c.converged() && c.nodes[2].masterAddress == Self.master)
    }

    @Test func forcedFailoverPromotesAReplicaAndDemotesTheHealthyOldMaster() {
        let c = Cluster(seed: 12)
        var reply: RESPValue?
        c.at(10_000) { c in
            var s = c.sentinels[0].machine!
            let actions = s.handle(.clientCommand(ClientID(999), args: ["SENTINEL", "FAILOVER", "mymaster"].map { Array($0.utf8) }), now: c.now)
            c.sentinels[0].machine = s
            for a in actions { if case .reply(_, let v) = a { reply = v } }
            c.perform(0, actions.filter { if case .reply = $0 { return false } else { return true } })
        }
        c.run(untilMs: 30_000)
        expectSafe(c)
        #expect(reply == .simpleString(Array("OK".utf8)))
        #expect(c.converged())
        #expect(!c.announcedMasters().contains(Self.master))
        #expect(c.nodes[0].masterAddress != nil)
        #expect(c.events("+try-failover").count == 1)
    }

    @Test func masterPartitionedFromSentinelsButNotClientsIsDemotedOnHeal() {
        let c = Cluster(seed: 2)
        c.at(10_000) { c in for s in 3...5 { c.block(0, s) } }
        c.at(20_000) { $0.healAll() }
        c.run(untilMs: 20_000)
        // The old master still runs as a master on its side: clients can write to it.
        #expect(c.nodes[0].alive && c.nodes[0].role == .master)
        #expect(!c.announcedMasters().contains(Self.master))
        c.run(untilMs: 40_000)
        expectSafe(c)
        #expect(c.converged())
        // Demoted promptly once reachable again, not after Redis's 8 s + INFO period.
        let demotion = c.events("+convert-to-slave").first
        #expect(demotion != nil && demotion!.timeMs < 22_500)
    }

    @Test func isolatedSentinelCannotStartAFailoverAlone() {
        let c = Cluster(seed: 3)
        c.at(10_000) { $0.partition([3]) }
        c.at(20_000) { $0.healAll() }
        c.run(untilMs: 35_000)
        expectSafe(c)
        #expect(c.events("+sdown").contains { $0.sentinel == 0 && $0.message.hasPrefix("master") })
        #expect(c.events("+odown").isEmpty)
        #expect(c.events("+try-failover").isEmpty)
        #expect(c.converged() && c.announcedMasters().allSatisfy { $0 == Self.master })
    }

    @Test func minorityWithQuorumOneReachesODownButIsNotElected() {
        var options = SimOptions()
        options.quorum = 1
        let c = Cluster(seed: 4, options: options)
        c.at(10_000) { $0.partition([3]) }
        c.at(25_000) { $0.healAll() }
        c.run(untilMs: 40_000)
        expectSafe(c)
        #expect(c.events("+odown").contains { $0.sentinel == 0 })
        #expect(c.events("-failover-abort-not-elected").contains { $0.sentinel == 0 })
        #expect(c.events("+elected-leader").isEmpty)
        #expect(c.converged() && c.announcedMasters().allSatisfy { $0 == Self.master })
    }

    @Test func splitVoteIsRetriedUntilOneLeaderWins() {
        // Four sentinels (majority 3) split in pairs that cannot talk to each other; the master dies.
        var options = SimOptions()
        options.sentinels = 4
        let c = Cluster(seed: 5, options: options)
        c.at(10_000) { c in
            for a in [3, 4] { for b in [5, 6] { c.block(a, b) } }
            c.crashNode(0)
        }
        c.at(25_000) { $0.healAll() }
        c.run(untilMs: 80_000)
        expectSafe(c)
        #expect(c.events("-failover-abort-not-elected").count >= 2)
        #expect(c.events("+elected-leader").count >= 1)
        #expect(c.converged())
    }

    @Test func replicaWithPriorityZeroIsNeverPromoted() {
        var options = SimOptions()
        options.priorities = [100, 0, 100]
        let c = Cluster(seed: 6, options: options)
        var rejections: [String] = []
        c.at(10_000) { $0.crashNode(0) }
        c.run(untilMs: 30_000)
        rejections = c.logTail.filter { $0.contains("rejected 10.0.0.2:6379: replica-priority 0") }
        expectSafe(c)
        #expect(c.converged())
        #expect(c.announcedMasters().allSatisfy { $0 == Self.replica2 })
        #expect(!rejections.isEmpty)
    }

    @Test func replicaDisconnectedFromItsMasterForLongIsNotPromoted() {
        let c = Cluster(seed: 7)
        // Replica .2 loses its master for 20 s (more than 10 × down-after) before the master dies.
        c.at(5_000) { $0.block(0, 1) }
        c.at(25_000) { $0.crashNode(0) }
        c.run(untilMs: 45_000)
        expectSafe(c)
        #expect(c.converged())
        #expect(c.announcedMasters().allSatisfy { $0 == Self.replica2 })
        #expect(c.logTail.contains { $0.contains("rejected 10.0.0.2:6379: master link down") })
    }

    @Test func staleOffsetLosesAgainstFreshOffset() {
        // Replica .3 is cut from the master (its offset stops growing) shortly before the crash;
        // the fresh INFO at selection shows .2 ahead, so .2 wins.
        let c = Cluster(seed: 8)
        c.at(9_000) { $0.block(0, 2) }
        c.at(10_000) { $0.crashNode(0) }
        c.run(untilMs: 30_000)
        expectSafe(c)
        #expect(c.converged())
        #expect(c.announcedMasters().allSatisfy { $0 == Self.replica1 })
    }

    @Test func oldMasterReturningEmptyIsDemotedPromptly() {
        let c = Cluster(seed: 9)
        c.at(10_000) { $0.crashNode(0) }
        c.at(20_000) { $0.restartNode(0, keepData: false) }
        c.run(untilMs: 40_000)
        expectSafe(c)
        #expect(c.converged())
        let demotion = c.events("+convert-to-slave").first
        // Redis needs 15-16 s here; we need one reconnect and one INFO.
        #expect(demotion != nil && demotion!.timeMs - 20_000 < 2_000)
        #expect(c.nodes[0].masterAddress != nil)
    }

    @Test func sentinelRestartingMidFailoverStillConverges() {
        let c = Cluster(seed: 10)
        c.at(9_000) { c in
            for j in c.sentinels.indices {
                c.feed(j, .clientCommand(ClientID(999), args: ["SENTINEL", "SIMULATE-FAILURE", "crash-after-promotion"].map { Array($0.utf8) }))
            }
        }
        c.at(10_000) { $0.crashNode(0) }
        c.at(14_000) { c in for j in c.sentinels.indices where !c.sentinels[j].alive { c.startSentinel(j) } }
        c.run(untilMs: 60_000)
        expectSafe(c)
        #expect(c.events("+promoted-slave").count >= 1)
        #expect(c.converged())
    }

    @Test func clockJumpPutsOneSentinelInTiltWhileOthersFailOver() {
        let c = Cluster(seed: 11)
        c.at(9_000) { $0.sentinels[0].wallOffsetMs += 60_000 }
        c.at(10_000) { $0.crashNode(0) }
        c.run(untilMs: 45_000)
        expectSafe(c)
        let tilt = c.events("+tilt").filter { $0.sentinel == 0 }
        #expect(tilt.count == 1)
        // In TILT sentinel 0 judges nothing: no +sdown from it until TILT ends.
        #expect(!c.events("+sdown").contains { $0.sentinel == 0 && $0.timeMs < tilt[0].timeMs + 30_000 })
        #expect(c.events("-tilt").contains { $0.sentinel == 0 })
        #expect(c.converged())
    }
}
