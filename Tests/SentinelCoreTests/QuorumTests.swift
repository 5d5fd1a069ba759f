import Testing
@testable import SentinelCore

/// Quorum and VoteTally against a naive count, on seeded random elections.
@Suite struct QuorumTests {
    /// A ballot: per voter, nil (not heard from) or the candidate voted for.
    static func randomElection(_ r: inout SplitMix64) -> (voters: Int, minimum: Int, ballots: [String?]) {
        let voters = Int(r.below(15)) + 1
        let minimum = Int(r.below(Int64(voters) + 3))
        let candidates = ["a", "b", "c", "d"].prefix(Int(r.below(4)) + 1)
        let ballots: [String?] = (0..<voters).map { _ in
            r.below(4) == 0 ? nil : candidates[Int(r.below(Int64(candidates.count)))]
        }
        return (voters, minimum, ballots)
    }

    @Test func majorityIsTheSmallestCountAboveHalf() {
        for n in 0...200 {
            let naive = (0...n + 1).first { 2 * $0 > n }!
            #expect(Quorum.majority(of: n) == naive)
        }
    }

    @Test(arguments: 1...20 as ClosedRange<UInt64>)
    func resultMatchesANaiveCount(seed: UInt64) {
        var r = SplitMix64(seed: seed)
        for _ in 0..<200 {
            let (voters, minimum, ballots) = Self.randomElection(&r)
            let quorum = Quorum(voters: voters, atLeast: minimum)
            let unheard = ballots.filter { $0 == nil }.count
            for candidate in Set(ballots.compactMap { $0 }).union(["z"]).sorted() {
                let yes = ballots.filter { $0 == candidate }.count
                // Naive: more than half of all voters, and at least the minimum.
                func enough(_ k: Int) -> Bool { 2 * k > voters && k >= minimum }
                let expected: Quorum.Result = enough(yes) ? .won : enough(yes + unheard) ? .pending : .lost
                #expect(quorum.result(votes: yes, unheard: unheard) == expected,
                        "voters \(voters) minimum \(minimum) ballots \(ballots) candidate \(candidate)")
            }
        }
    }

    @Test(arguments: 1...20 as ClosedRange<UInt64>)
    func neverTwoWinnersAmongTheSameVoters(seed: UInt64) {
        var r = SplitMix64(seed: seed)
        for _ in 0..<200 {
            let (voters, minimum, ballots) = Self.randomElection(&r)
            let quorum = Quorum(voters: voters, atLeast: minimum)
            var tally = VoteTally()
            for case let b? in ballots { tally.add(b) }
            let winners = tally.counts.filter { quorum.result(votes: $0.value, unheard: 0) == .won }
            #expect(winners.count <= 1)
            if let w = winners.first { #expect(tally.mostVoted?.candidate == w.key) }
        }
    }

    @Test(arguments: 1...20 as ClosedRange<UInt64>)
    func tallyMatchesANaiveCount(seed: UInt64) {
        var r = SplitMix64(seed: seed)
        for _ in 0..<200 {
            let (_, _, ballots) = Self.randomElection(&r)
            var tally = VoteTally()
            for case let b? in ballots { tally.add(b) }
            #expect(tally.cast == ballots.compactMap { $0 }.count)
            // Naive: candidates in id order, keep the first with the highest count.
            var best: (String, Int)?
            for c in Set(ballots.compactMap { $0 }).sorted() {
                let n = ballots.filter { $0 == c }.count
                if best.map({ n > $0.1 }) ?? true { best = (c, n) }
            }
            #expect(tally.mostVoted?.candidate == best?.0)
            #expect(tally.mostVoted?.votes == best?.1)
        }
    }
}
