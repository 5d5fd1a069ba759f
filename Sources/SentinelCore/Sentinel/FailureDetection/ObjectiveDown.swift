import RESP
/// ODOWN: enough sentinels agree that the master is down (Redis's sentinelCheckObjectivelyDown and
/// sentinelAskMasterStateToOtherSentinels).
extension Sentinel {
    mutating func checkObjectivelyDown(_ m: Int, now: MonotonicMs) {
        var votes = 0
        var odown = false
        if masters[m].node.isSubjectivelyDown {
            votes = 1 + masters[m].sentinels.filter(\.masterDownReported).count
            odown = votes >= masters[m].quorum
        }
        if odown && masters[m].odownSinceMs == nil {
            masters[m].odownSinceMs = now
            masters[m].node.probe.lastDownStartMs = now
            event(.warning, .odown, .master(m), "#quorum \(votes)/\(masters[m].quorum)", now: now)
        } else if !odown && masters[m].odownSinceMs != nil {
            masters[m].odownSinceMs = nil
            event(.warning, .odownEnded, .master(m), now: now)
        }
    }

    /// While the master is SDOWN, ask every peer each ask period whether it agrees; once a failover
    /// has started the same request carries our run id and asks for a vote. `force` skips the pacing
    /// (right after a failover starts).
    mutating func askMasterStateToOtherSentinels(_ m: Int, force: Bool, now: MonotonicMs) {
        for s in masters[m].sentinels.indices {
            let peer = masters[m].sentinels[s]
            let elapsedMs = peer.lastMasterDownReplyMs.map { now - $0 } ?? Int64.max
            // Old answers do not count any more.
            if elapsedMs > timers.askPeriodMs * SentinelLimits.masterDownReplyValidityFactor {
                masters[m].sentinels[s].masterDownReported = false
                masters[m].sentinels[s].leader = nil
            }
            guard masters[m].node.isSubjectivelyDown else { continue }
            guard peer.link.command.isConnected else { continue }
            if !force && elapsedMs < timers.askPeriodMs { continue }
            if peer.link.command.pending.contains(.isMasterDown) && !force { continue }
            let address = masters[m].node.address
            let runID = masters[m].failoverInProgress ? myID : "*"
            send(.sentinel(m, s), .command,
                 ["SENTINEL", "is-master-down-by-addr", address.host, String(address.port), String(currentEpoch), runID],
                 expect: .isMasterDown)
        }
    }

    /// `[down 0|1, leader run id or *, leader epoch]`. Malformed replies are ignored.
    mutating func masterDownReply(_ value: RESPValue, _ path: InstancePath, now: MonotonicMs) {
        guard case .sentinel(let m, let s) = path, let e = value.elements, e.count == 3,
              case .integer(let down) = e[0], let leader = e[1].text, case .integer(let leaderEpoch) = e[2],
              leaderEpoch >= 0 else { return }
        masters[m].sentinels[s].lastMasterDownReplyMs = now
        masters[m].sentinels[s].masterDownReported = down == 1
        if leader != "*" {
            let peer = masters[m].sentinels[s]
            if peer.leaderEpoch != UInt64(leaderEpoch) || peer.leader != leader {
                log(.notice, "\(peer.runID ?? "?") voted for \(leader) \(leaderEpoch)")
            }
            masters[m].sentinels[s].leader = leader
            masters[m].sentinels[s].leaderEpoch = UInt64(leaderEpoch)
        }
        // Act on the answer now rather than at the next tick: ODOWN and the election are both waiting
        // for exactly this.
        guard !isInTilt else { return }
        checkObjectivelyDown(m, now: now)
        switch masters[m].failover?.phase {
        case nil:
            // As the timer does: the state machine runs at once, so our own vote is cast in the
            // failover's epoch. Left to a later pass, the epochs of other masters' failovers
            // started meanwhile (a mass kill: a hundred in one batch of replies) have moved the
            // current epoch past it, Redis's rule refuses the vote, and those elections lack it.
            if startFailoverIfNeeded(m, now: now) {
                askMasterStateToOtherSentinels(m, force: true, now: now)
                failoverStateMachine(m, now: now)
            }
        case .waitStart?:
            failoverStateMachine(m, now: now)
        default:
            break
        }
    }
}
