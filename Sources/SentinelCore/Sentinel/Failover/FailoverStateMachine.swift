/// The failover states (Redis's sentinelFailoverStateMachine). Unlike Redis, which moves one state
/// per timer tick, a state that completes moves on at once: the failover is not slowed down by the
/// tick period, and replies (votes, INFO) drive it forward the moment they arrive.
extension Sentinel {
    mutating func failoverStateMachine(_ m: Int, now: MonotonicMs) {
        // Every state either stays or moves forward, so this is bounded by the number of states.
        for _ in 0..<8 {
            let before = masters[m].failoverState
            switch before {
            case .none, .updateConfig: return
            case .waitStart: failoverWaitStart(m, now: now)
            case .selectSlave: failoverSelectSlave(m, now: now)
            case .sendSlaveofNoOne: failoverSendSlaveOfNoOne(m, now: now)
            case .waitPromotion: failoverWaitPromotion(m, now: now)
            case .reconfSlaves: failoverReconfNextSlave(m, now: now)
            }
            if masters[m].failoverState == before || crashed { return }
        }
    }

    mutating func setFailoverState(_ m: Int, _ state: FailoverState, now: MonotonicMs) {
        masters[m].failoverState = state
        masters[m].failoverStateChangeMs = now
    }

    mutating func failoverWaitStart(_ m: Int, now: MonotonicMs) {
        let leader = leader(of: m, epoch: masters[m].failoverEpoch, now: now)
        if leader != myID && !masters[m].forceFailover {
            let electionTimeoutMs = min(timers.electionTimeoutMs, masters[m].failoverTimeoutMs)
            if now - (masters[m].failoverStartMs ?? now) > electionTimeoutMs {
                event(.warning, "-failover-abort-not-elected", .master(m), now: now)
                // (When the quorum exceeds the sentinels we know, no election can ever succeed: keep
                // Redis's pace rather than retrying a hopeless election every few seconds.)
                let split = !anotherCandidateMayHaveWon(m, epoch: masters[m].failoverEpoch)
                    && masters[m].sentinels.count + 1 >= masters[m].quorum
                abortFailover(m, now: now)
                if split {
                    // Not in Redis: after a split vote, retry after a random 1-3 s instead of
                    // 2 × failover-timeout; the randomness makes the next round unlikely to split.
                    let retryMs = 1_000 + random.below(2 * SentinelLimits.maxDesyncMs)
                    masters[m].failoverStartMs = now + retryMs - masters[m].failoverTimeoutMs * 2
                    log(.notice, "Split vote in epoch \(masters[m].failoverEpoch): retrying in \(retryMs) ms")
                }
            }
            return
        }
        event(.warning, "+elected-leader", .master(m), now: now)
        masters[m].electedAtMs = now
        if simulateFailure.crashAfterElection { crash(now: now); return }
        setFailoverState(m, .selectSlave, now: now)
        event(.warning, "+failover-state-select-slave", .master(m), now: now)
    }

    mutating func failoverSendSlaveOfNoOne(_ m: Int, now: MonotonicMs) {
        guard let p = masters[m].promotedIndex else {
            abortFailover(m, now: now)
            return
        }
        // Without a link we cannot promote; keep trying until failover-timeout.
        guard masters[m].replicas[p].link.command.isConnected else {
            if now - masters[m].failoverStateChangeMs > masters[m].failoverTimeoutMs {
                event(.warning, "-failover-abort-slave-timeout", .master(m), now: now)
                abortFailover(m, now: now)
            }
            return
        }
        guard switchoverReady(m, promoted: p, now: now), masters[m].failoverState == .sendSlaveofNoOne else { return }
        guard sendSlaveOf(.replica(m, p), to: nil) else { return }
        // Not in Redis: ask INFO right behind the transaction; it is answered after EXEC, so the
        // promotion is confirmed one round trip later instead of at the next 1 s INFO.
        send(.replica(m, p), .command, ["INFO"], expect: .info)
        event(.notice, "+failover-state-wait-promotion", .replica(m, p), now: now)
        setFailoverState(m, .waitPromotion, now: now)
    }

    mutating func failoverWaitPromotion(_ m: Int, now: MonotonicMs) {
        // The promotion itself is noticed in INFO (promotionConfirmed).
        if now - masters[m].failoverStateChangeMs > masters[m].failoverTimeoutMs {
            event(.warning, "-failover-abort-slave-timeout", .master(m), now: now)
            abortFailover(m, now: now)
        }
    }

    /// INFO shows the chosen replica as master: the failover can no longer be aborted.
    mutating func promotionConfirmed(_ m: Int, _ path: InstancePath, now: MonotonicMs) {
        masters[m].configEpoch = max(masters[m].configEpoch, masters[m].failoverEpoch)
        setFailoverState(m, .reconfSlaves, now: now)
        needsPersist = true
        event(.warning, "+promoted-slave", path, now: now)
        if simulateFailure.crashAfterPromotion { crash(now: now); return }
        event(.warning, "+failover-state-reconf-slaves", .master(m), now: now)
        let from = masters[m].node.address
        if let to = masters[m].promotedAddress {
            finishSwitchover(m, to: to, now: now)
            callClientReconfigScript(m, role: "leader", state: "start", from: from, to: to, now: now)
        }
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
