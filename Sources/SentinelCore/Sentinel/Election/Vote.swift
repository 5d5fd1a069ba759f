/// Voting for a failover leader (Redis's sentinelVoteLeader).
extension Sentinel {
    /// Votes for `candidate` in `requestEpoch` if we did not vote in that epoch yet; returns the
    /// leader we voted for in our current vote epoch (maybe an earlier vote) and that epoch.
    ///
    /// The vote is persisted (`needsPersist`), and `emit(.reply)` flushes the persist first, so the
    /// shell makes it durable before the answer leaves: a crash cannot make us vote twice in an epoch.
    @discardableResult
    mutating func voteLeader(_ m: Int, requestEpoch: UInt64, candidate: String, now: MonotonicMs) -> (String?, UInt64) {
        if requestEpoch > currentEpoch {
            currentEpoch = requestEpoch
            needsPersist = true
            event(.warning, .newEpoch, .master(m), String(currentEpoch), bare: true, epoch: currentEpoch, now: now)
        }
        if masters[m].leaderEpoch < requestEpoch && currentEpoch <= requestEpoch {
            masters[m].leader = candidate
            masters[m].leaderEpoch = currentEpoch
            needsPersist = true
            masters[m].lease.votedAtMs = now
            event(.warning, .voteForLeader, .master(m), "\(candidate) \(masters[m].leaderEpoch)", bare: true,
                  epoch: masters[m].leaderEpoch, candidate: candidate, now: now)
            // Having voted for someone else, do not start our own failover for a while: give the
            // candidate the time to do it, instead of competing in the next epoch.
            if candidate != myID {
                let attemptMs = now + random.below(SentinelLimits.maxDesyncMs)
                masters[m].nextFailoverGate = .twoTimeoutsAfter(attemptMs: attemptMs)
                // Redis keeps one failover_start_time: our own election, if running, restarts too.
                if case .waitStart? = masters[m].failover?.phase {
                    masters[m].failover!.advance(to: .waitStart(electionStartMs: attemptMs), now: now)
                }
            }
        }
        return (masters[m].leader, masters[m].leaderEpoch)
    }
}
