/// The failover phases (Redis's sentinelFailoverStateMachine; the phases and their legal
/// transitions are in FailoverRun). Unlike Redis, which moves one state per timer tick, a phase
/// that completes moves on at once: the failover is not slowed down by the tick period, and
/// replies (votes, INFO) drive it forward the moment they arrive.
extension Sentinel {
    mutating func failoverStateMachine(_ m: Int, now: MonotonicMs) {
        // Every phase either stays or moves forward, so this is bounded by the number of phases.
        for _ in 0..<8 {
            guard let run = masters[m].failover else { return }
            let before = run.phase
            switch before {
            case .updateConfig: return
            case .waitStart: failoverWaitStart(m, now: now)
            case .selectSlave: failoverSelectSlave(m, now: now)
            case .sendSlaveofNoOne: failoverSendSlaveOfNoOne(m, now: now)
            case .waitPromotion: failoverWaitPromotion(m, now: now)
            case .reconfSlaves: failoverReconfNextSlave(m, now: now)
            }
            if masters[m].failover?.phase.rank == before.rank || crashed { return }
        }
    }

    /// Moves the running failover of master `m` to `phase` (FailoverRun checks the transition).
    mutating func advanceFailover(_ m: Int, to phase: FailoverRun.Phase, now: MonotonicMs) {
        guard masters[m].failover != nil else { preconditionFailure("no failover running") }
        masters[m].failover!.advance(to: phase, now: now)
    }

    /// How long the running failover has been in its phase.
    func failoverPhaseAgeMs(_ m: Int, now: MonotonicMs) -> Int64 {
        now - (masters[m].failover?.phaseSinceMs ?? now)
    }

    mutating func failoverWaitStart(_ m: Int, now: MonotonicMs) {
        guard let epoch = masters[m].failover?.epoch else { return }
        castOwnVote(m, epoch: epoch, now: now)
        let leader = electionWinner(m, epoch: epoch)
        // Read after the vote: voting for another candidate restarts the election clock.
        guard let run = masters[m].failover, case .waitStart(let startMs) = run.phase else { return }
        if leader != myID && !run.forced {
            let electionTimeoutMs = min(timers.electionTimeoutMs, masters[m].failoverTimeoutMs)
            if now - startMs > electionTimeoutMs {
                event(.warning, .failoverAbortNotElected, .master(m), now: now)
                // (When the quorum exceeds the sentinels we know, no election can ever succeed: keep
                // Redis's pace rather than retrying a hopeless election every few seconds.)
                let split = !anotherCandidateMayHaveWon(m, epoch: run.epoch)
                    && masters[m].sentinels.count + 1 >= masters[m].quorum
                endFailover(m, .aborted, now: now)
                if split {
                    // Not in Redis: after a split vote, retry after a random 1-3 s instead of
                    // 2 × failover-timeout; the randomness makes the next round unlikely to split.
                    let retryMs = 1_000 + random.below(2 * SentinelLimits.maxDesyncMs)
                    masters[m].nextFailoverGate = .notBefore(now + retryMs)
                    log(.notice, "Split vote in epoch \(run.epoch): retrying in \(retryMs) ms")
                }
            }
            return
        }
        event(.warning, .electedLeader, .master(m), now: now)
        advanceFailover(m, to: .selectSlave(freshInfo: nil), now: now)
        if simulateFailure.crashAfterElection { crash(now: now); return }
        event(.warning, .failoverStateSelectSlave, .master(m), now: now)
    }

    mutating func failoverSendSlaveOfNoOne(_ m: Int, now: MonotonicMs) {
        guard let p = masters[m].promotedIndex, let promoted = masters[m].failover?.promoted else {
            // The chosen replica is no longer among the known replicas.
            endFailover(m, .aborted, now: now)
            return
        }
        // Without a link we cannot promote; keep trying until failover-timeout.
        guard masters[m].replicas[p].link.command.isConnected else {
            if failoverPhaseAgeMs(m, now: now) > masters[m].failoverTimeoutMs {
                event(.warning, .failoverAbortSlaveTimeout, .master(m), now: now)
                endFailover(m, .aborted, now: now)
            }
            return
        }
        guard switchoverReady(m, promoted: p, now: now) else { return }
        guard case .sendSlaveofNoOne(_, let switchover)? = masters[m].failover?.phase else { return }
        guard sendSlaveOf(.replica(m, p), to: nil) else { return }
        // Not in Redis: ask INFO right behind the transaction; it is answered after EXEC, so the
        // promotion is confirmed one round trip later instead of at the next 1 s INFO.
        send(.replica(m, p), .command, ["INFO"], expect: .info)
        event(.notice, .failoverStateWaitPromotion, .replica(m, p), now: now)
        advanceFailover(m, to: .waitPromotion(promoted: promoted, switchover: switchover), now: now)
    }

    mutating func failoverWaitPromotion(_ m: Int, now: MonotonicMs) {
        // The promotion itself is noticed in INFO (promotionConfirmed).
        if failoverPhaseAgeMs(m, now: now) > masters[m].failoverTimeoutMs {
            event(.warning, .failoverAbortSlaveTimeout, .master(m), now: now)
            endFailover(m, .aborted, now: now)
        }
    }

    /// INFO shows the chosen replica as master: the failover can no longer be aborted.
    mutating func promotionConfirmed(_ m: Int, _ path: InstancePath, now: MonotonicMs) {
        guard let run = masters[m].failover, case .waitPromotion(let to, let switchover) = run.phase else { return }
        masters[m].configEpoch = max(masters[m].configEpoch, run.epoch)
        advanceFailover(m, to: .reconfSlaves(promoted: to), now: now)
        needsPersist = true
        event(.warning, .promotedSlave, path, now: now)
        if simulateFailure.crashAfterPromotion { crash(now: now); return }
        event(.warning, .failoverStateReconfSlaves, .master(m), now: now)
        let from = masters[m].node.address
        if switchover != nil { finishSwitchover(m, to: to, now: now) }
        callClientReconfigScript(m, role: "leader", state: "start", from: from, to: to, now: now)
        // Tell everyone at once: other sentinels switch on this hello.
        forceHelloUpdate(master: m, now: now)
        failoverStateMachine(m, now: now)
    }

    /// SENTINEL SIMULATE-FAILURE: stop here as if the process died.
    mutating func crash(now: MonotonicMs) {
        log(.warning, "Simulated crash")
        flushPersist()
        out.append(.exit(code: 99))
        crashed = true
    }
}
