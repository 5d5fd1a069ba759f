/// Counting votes for a failover epoch (Redis's sentinelGetLeader), in two explicit steps: our own
/// vote is cast first (`castOwnVote`), then the votes are tallied (`electionWinner`).
extension Sentinel {
    /// The peers' votes in `epoch` for master `m`.
    func peerVotes(_ m: Int, epoch: UInt64) -> VoteTally {
        var tally = VoteTally()
        for peer in masters[m].sentinels {
            if let l = peer.leader, peer.leaderEpoch == epoch { tally.add(l) }
        }
        return tally
    }

    /// Our vote in our own election goes to the peers' most voted candidate, or to ourselves if
    /// nobody has votes (Redis's rule; it is only cast if we did not vote in `epoch` yet).
    mutating func castOwnVote(_ m: Int, epoch: UInt64, now: MonotonicMs) {
        let candidate = peerVotes(m, epoch: epoch).mostVoted?.candidate ?? myID
        voteLeader(m, requestEpoch: epoch, candidate: candidate, now: now)
    }

    /// The winner of `epoch` for master `m`, or nil. A winner needs an absolute majority of all
    /// sentinels we know (plus us), and at least the quorum.
    func electionWinner(_ m: Int, epoch: UInt64) -> String? {
        var tally = peerVotes(m, epoch: epoch)
        if let mine = masters[m].leader, masters[m].leaderEpoch == epoch { tally.add(mine) }
        // Write fencing: the sentinels that stopped renewing by voting must be enough to fence
        // the old master, even if we do not know every sentinel.
        let quorum = Quorum(voters: masters[m].sentinels.count + 1,
                            atLeast: max(masters[m].quorum, fencingQuorum(m)))
        guard let (winner, votes) = tally.mostVoted,
              quorum.result(votes: votes, unheard: 0) == .won else { return nil }
        return winner
    }

    /// Whether someone other than us may have won `epoch`: the votes we saw for it, plus every
    /// peer whose vote we did not see, reach the majority. When not even that is possible the
    /// election was split, nobody is failing over, and waiting 2 × failover-timeout (Redis) only
    /// delays the failover.
    func anotherCandidateMayHaveWon(_ m: Int, epoch: UInt64) -> Bool {
        var tally = peerVotes(m, epoch: epoch)
        let unheard = masters[m].sentinels.count - tally.cast
        // Our own vote may have gone to another candidate too.
        if masters[m].leaderEpoch == epoch, let mine = masters[m].leader { tally.add(mine) }
        let majority = Quorum(voters: masters[m].sentinels.count + 1)
        // A candidate we never heard of, or one we know of, could have reached the majority.
        return majority.result(votes: 0, unheard: unheard) != .lost
            || tally.counts.contains { $0.key != myID && majority.result(votes: $0.value, unheard: unheard) != .lost }
    }
}
