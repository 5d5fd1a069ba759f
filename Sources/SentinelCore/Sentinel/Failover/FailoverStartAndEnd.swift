/// Starting a failover run and its one way out.
extension Sentinel {
    /// Starts a failover if the master is ODOWN, none is running, and the gate left by the last
    /// attempt (ours, or the one we voted for) is open.
    mutating func startFailoverIfNeeded(_ m: Int, now: MonotonicMs) -> Bool {
        guard masters[m].isObjectivelyDown, !masters[m].failoverInProgress else { return false }
        if let gate = masters[m].nextFailoverGate {
            let earliest = gate.earliestStartMs(failoverTimeoutMs: masters[m].failoverTimeoutMs)
            if now < earliest {
                if masters[m].delayLoggedFor != gate {
                    masters[m].delayLoggedFor = gate
                    // Redis prints a date; without a clock of our own we give the wall-clock
                    // milliseconds of the last tick shifted by the remaining wait, and the wait itself.
                    let waitMs = earliest - now
                    let wallMs = (previousTickWallMs ?? 0) + waitMs
                    log(.warning, "Next failover delay: I will not start a failover before unix ms \(wallMs) (in \(waitMs) ms)")
                }
                return false
            }
        }
        startFailover(m, forced: false, now: now)
        return true
    }

    /// Redis's sentinelStartFailover: a new epoch, and the election starts.
    mutating func startFailover(_ m: Int, forced: Bool, now: MonotonicMs) {
        precondition(masters[m].failover == nil, "failover already running")
        currentEpoch += 1
        // Random desync: sentinels that saw ODOWN together get different election deadlines and
        // retry times, which breaks split-vote cycles.
        let startMs = now + random.below(SentinelLimits.maxDesyncMs)
        masters[m].failover = FailoverRun(epoch: currentEpoch, forced: forced, electionStartMs: startMs, now: now)
        masters[m].nextFailoverGate = .twoTimeoutsAfter(attemptMs: startMs)
        needsPersist = true
        event(.warning, .newEpoch, .master(m), String(currentEpoch), bare: true, epoch: currentEpoch, now: now)
        event(.warning, .tryFailover, .master(m), now: now)
    }

    /// The one exit of a failover run. Aborting is only possible before the promotion is
    /// confirmed: afterwards the new master exists and the failover must finish (`.switched`).
    mutating func endFailover(_ m: Int, _ reason: FailoverEnd, now: MonotonicMs) {
        guard let run = masters[m].failover else { return }
        if reason != .switched {
            precondition(!run.promotionConfirmed, "\(reason) after promotion")
        }
        if reason == .aborted {
            // Write fencing: an elected (or forced) failover that gives up settles its epoch on the
            // master it leaves in place, and says so at once. The sentinels that voted in the epoch
            // then know nothing was promoted in it and renew the master's lease again (rule 3);
            // without this a healthy master would stay fenced until another failover succeeds. Not
            // after -failover-abort-not-elected: another candidate may have won the epoch.
            if run.electedAtMs != nil && fencingLeaseMs(m) > 0
                && run.epoch > masters[m].configEpoch {
                masters[m].configEpoch = run.epoch
                needsPersist = true
                log(.notice, "Failover of \(masters[m].name) abandoned in epoch \(run.epoch): the master keeps it as its config epoch")
                forceHelloUpdate(master: m, now: now)
            }
        }
        // Unpause the master if a switchover paused it.
        if run.switchover != nil { send(.master(m), .command, ["CLIENT", "UNPAUSE"], expect: .ignored) }
        let promotedIndex = masters[m].promotedIndex
        masters[m].failover = nil
        // The replicas are rebuilt on the other exits; an abort keeps them, so clear their flags.
        if reason == .aborted {
            if let p = promotedIndex { masters[m].replicas[p].promoted = false }
            for r in masters[m].replicas.indices { masters[m].replicas[r].freshInfoAskedMs = nil }
        }
    }
}
