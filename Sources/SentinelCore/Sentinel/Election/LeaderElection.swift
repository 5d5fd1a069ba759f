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
        // Write fencing: the sentinels that stopped renewing by voting must be enough to fence
        // the old master, even if we do not know every sentinel.
        guard votes >= fencingQuorum(m) else { return nil }
        return winner
    }

    /// Whether someone other than us may have won `epoch`: the votes we saw for it, plus every
    /// peer whose vote we did not see, reach the majority. When not even that is possible the
    /// election was split, nobody is failing over, and waiting 2 × failover-timeout (Redis) only
    /// delays the failover.
    func anotherCandidateMayHaveWon(_ m: Int, epoch: UInt64) -> Bool {
        var counts: [String: Int] = [:]
        var seen = 0
        for peer in masters[m].sentinels where peer.leaderEpoch == epoch {
            if let l = peer.leader {
                counts[l, default: 0] += 1
                seen += 1
            }
        }
        // Our own vote may have gone to another candidate too.
        if masters[m].leaderEpoch == epoch, let mine = masters[m].leader { counts[mine, default: 0] += 1 }
        let unseen = masters[m].sentinels.count - seen
        let majority = (masters[m].sentinels.count + 1) / 2 + 1
        // A candidate we know of, or one we never heard of, could have reached the majority.
        return unseen >= majority || counts.contains { $0.key != myID && $0.value + unseen >= majority }
    }
}
