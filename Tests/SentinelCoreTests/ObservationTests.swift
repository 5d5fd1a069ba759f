import Testing
import SentinelCore
import RESP

/// `observe` answers exactly what the SENTINEL command answers, for the read-only subcommands
/// only, and never changes the machine (the web view reads through it).
@Suite struct ObservationTests {
    typealias F = SentinelFixtures

    @Test func sameRepliesAsTheCommandForReadOnlySubcommands() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        for args in [["MASTERS"], ["MASTER", "mymaster"], ["REPLICAS", "mymaster"], ["SENTINELS", "mymaster"], ["INFO-CACHE", "mymaster"], ["MASTER", "nope"]] {
            let observed = s.observe(args, now: 0)
            let actions = s.handle(.clientCommand(ClientID(1), args: (["SENTINEL"] + args).map { Array($0.utf8) }), now: 0)
            let reply = actions.compactMap { a -> RESPValue? in if case .reply(_, let v) = a { return v } else { return nil } }.first
            #expect(observed != nil && observed == reply, "\(args)")
        }
    }

    @Test func writingSubcommandsAreNotReachable() {
        let s = Sentinel(config: F.config(), seed: 1, now: 0)
        for args in [["SET", "mymaster", "quorum", "1"], ["RESET", "*"], ["FAILOVER", "mymaster"], ["REMOVE", "mymaster"],
                     ["FLUSHCONFIG"], ["SIMULATE-FAILURE", "crash-after-election"], ["CONFIG", "SET", "resolve-hostnames", "yes"]] {
            #expect(s.observe(args, now: 0) == nil, "\(args)")
        }
        #expect(s.snapshot() == Sentinel(config: F.config(), seed: 1, now: 0).snapshot())
        #expect(s.leaderVote(master: "mymaster") == nil)
    }
}
