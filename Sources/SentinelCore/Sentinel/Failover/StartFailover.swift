/// Starting and aborting a failover.
extension Sentinel {
    /// Starts a failover if the master is ODOWN, none is running, and the last attempt (ours, or the
    /// one we voted for) is at least 2 × failover-timeout old.
    mutating func startFailoverIfNeeded(_ m: Int, now: MonotonicMs) -> Bool {
        guard masters[m].isObjectivelyDown, !masters[m].failoverInProgress else { return false }
        if let start = masters[m].failoverStartMs, now - start < masters[m].failoverTimeoutMs * 2 {
            if masters[m].failoverDelayLoggedMs != start {
                masters[m].failoverDelayLoggedMs = start
                // Redis prints a date; without a clock of our own we give the wall-clock milliseconds
                // of the last tick shifted by the remaining wait, and the wait itself.
                let waitMs = start + masters[m].failoverTimeoutMs * 2 - now
                let wallMs = (previousTickWallMs ?? 0) + waitMs
                log(.warning, "Next failover delay: I will not start a failover before unix ms \(wallMs) (in \(waitMs) ms)")
            }
            return false
        }
        startFailover(m, now: now)
        return true
    }

    /// Redis's sentinelStartFailover: a new epoch, and the election starts.
    mutating func startFailover(_ m: Int, now: MonotonicMs) {
        currentEpoch += 1
        masters[m].failoverEpoch = currentEpoch
        masters[m].failoverState = .waitStart
        masters[m].failoverStateChangeMs = now
        // Random desync: sentinels that saw ODOWN together get different election deadlines and
        // retry times, which breaks split-vote cycles.
        masters[m].failoverStartMs = now + random.below(SentinelLimits.maxDesyncMs)
        needsPersist = true
        event(.warning, "+new-epoch", .master(m), String(currentEpoch), bare: true, now: now)
        event(.warning, "+try-failover", .master(m), now: now)
    }

    /// Back to monitoring. Only possible before the promotion is confirmed: afterwards the new
    /// master exists and the failover must finish.
    mutating func abortFailover(_ m: Int, now: MonotonicMs) {
        precondition(masters[m].failoverState <= .waitPromotion, "abort after promotion")
        // Write fencing: an elected (or forced) failover that gives up settles its epoch on the
        // master it leaves in place, and says so at once. The sentinels that voted in the epoch
        // then know nothing was promoted in it and renew the master's lease again (rule 3);
        // without this a healthy master would stay fenced until another failover succeeds. Not
        // after -failover-abort-not-elected: another candidate may have won the epoch.
        if masters[m].failoverState >= .selectSlave && fencingLeaseMs(m) > 0
            && masters[m].failoverEpoch > masters[m].configEpoch {
            masters[m].configEpoch = masters[m].failoverEpoch
            needsPersist = true
            log(.notice, "Failover of \(masters[m].name) abandoned in epoch \(masters[m].failoverEpoch): the master keeps it as its config epoch")
            forceHelloUpdate(master: m, now: now)
        }
        cancelSwitchover(m)
        masters[m].electedAtMs = nil
        masters[m].failoverState = .none
        masters[m].failoverStateChangeMs = now
        masters[m].forceFailover = false
        masters[m].freshInfoRequestedMs = nil
        if let p = masters[m].promotedIndex { masters[m].replicas[p].promoted = false }
        masters[m].promotedAddress = nil
        for r in masters[m].replicas.indices { masters[m].replicas[r].freshInfoAskedMs = nil }
    }
}
