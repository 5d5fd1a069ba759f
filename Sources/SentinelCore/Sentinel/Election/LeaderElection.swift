/// Counting votes for a failover epoch (Redis's sentinelGetLeader).
extension Sentinel {
    /// The winner of `epoch` for master `m`, or nil. A winner needs an absolute majority of all
    /// sentinels we know (plus us), and at least the quorum. Our own vote goes to the peers' most
    /// voted candidate, or to ourselves if nobody has votes.
    mutating func leader(of m: Int, epoch: UInt64, now: MonotonicMs) -> String? {
        var counts: [String: Int] = [:]
        for peer in masters[m].sentinels {
            if let l = peer.leader, peer.leaderEpoch == epoch { counts[l, default: 0] += 1 }
        }
        let voters = masters[m].sentinels.count + 1
        // Ties are broken by the smallest run id so the result never depends on dictionary order.
        func best() -> (String, Int)? {
            counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }.map { ($0.key, $0.value) }
        }
        let (myVote, myVoteEpoch) = voteLeader(m, requestEpoch: epoch, candidate: best()?.0 ?? myID, now: now)
        if let myVote, myVoteEpoch == epoch { counts[myVote, default: 0] += 1 }
        guard let (winner, votes) = best() else { return nil }
        let majority = voters / 2 + 1
        guard votes >= majority, votes >= masters[m].quorum else { return nil }
        return winner
    }
}
