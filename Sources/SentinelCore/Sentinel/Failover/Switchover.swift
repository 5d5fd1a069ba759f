import RESP
/// Coordinated switchover (not in Redis 7.0, whose SENTINEL FAILOVER loses the writes in flight):
/// when SENTINEL FAILOVER finds the master reachable, the leader pauses its writes
/// (`CLIENT PAUSE <failover-timeout> WRITE`), reads its offset, waits until the chosen replica
/// has reached it, promotes the replica, demotes the old master (which also closes the paused
/// clients: they never got an answer and retry on the new master) and unpauses it.
struct SwitchoverState: Sendable {
    var pausedAtMs: MonotonicMs
    /// The INFO sent right behind CLIENT PAUSE: only its answer (or a later one) gives the offset.
    var infoSeq: UInt64
    /// The paused master's offset, once that INFO has answered.
    var targetOffset: Int64?
}

extension Sentinel {
    /// Called at SEND_SLAVEOF_NOONE: true when the promotion may be sent now.
    mutating func switchoverReady(_ m: Int, promoted p: Int, now: MonotonicMs) -> Bool {
        guard let run = masters[m].failover, run.forced,
              case .sendSlaveofNoOne(let promoted, let current) = run.phase else { return true }
        guard let sw = current else {
            let master = masters[m].node
            // An unreachable master cannot be paused: a plain forced failover, as in Redis.
            guard master.link.command.isConnected, !master.isSubjectivelyDown else { return true }
            // Long enough for the catch-up and the promotion (each bounded below); unpaused
            // explicitly when the switchover ends either way.
            let pauseMs = min(masters[m].failoverTimeoutMs, SentinelLimits.switchoverCatchUpMs) + masters[m].failoverTimeoutMs
            send(.master(m), .command, ["CLIENT", "PAUSE", String(pauseMs), "WRITE"], expect: .switchoverPause)
            send(.master(m), .command, ["INFO"], expect: .info)
            let paused = SwitchoverState(pausedAtMs: now, infoSeq: infoSeq)
            advanceFailover(m, to: .sendSlaveofNoOne(promoted: promoted, switchover: paused), now: now)
            event(.notice, .switchoverPauseWrites, .master(m), now: now)
            return false
        }
        var state = sw
        let master = masters[m].node
        if state.targetOffset == nil, master.info.answeredInfoSeq >= sw.infoSeq {
            state.targetOffset = master.info.masterReplOffset
            advanceFailover(m, to: .sendSlaveofNoOne(promoted: promoted, switchover: state), now: now)
        }
        if let target = state.targetOffset {
            let replica = masters[m].replicas[p]
            // The same history as the paused master, or the offset means nothing.
            if replica.info.answeredInfoSeq > sw.infoSeq, replica.info.replID == master.info.replID, replica.info.replOffset >= target {
                event(.notice, .switchoverReplicaInSync, .replica(m, p), "offset \(replica.info.replOffset)", now: now)
                return true
            }
            if !replica.link.command.pending.contains(.info) {
                send(.replica(m, p), .command, ["INFO"], expect: .info)
            }
        }
        // The replica could not catch up: give the master its writes back and stay as we were.
        if now - sw.pausedAtMs > min(masters[m].failoverTimeoutMs, SentinelLimits.switchoverCatchUpMs) {
            event(.warning, .failoverAbortSwitchoverTimeout, .master(m), now: now)
            endFailover(m, .aborted, now: now)
        }
        return false
    }

    /// After the promotion is confirmed: the old master follows the new one (the transaction
    /// closes its paused clients) and is unpaused.
    mutating func finishSwitchover(_ m: Int, to promoted: Address, now: MonotonicMs) {
        if sendSlaveOf(.master(m), to: promoted) {
            send(.master(m), .command, ["CLIENT", "UNPAUSE"], expect: .ignored)
            event(.notice, .switchoverDemotedOldMaster, .master(m), now: now)
        }
    }

    /// The master refused CLIENT PAUSE (Redis < 6.2, ACL, a renamed command): it keeps accepting
    /// writes, so promoting now could lose them. Give up.
    mutating func switchoverPauseReply(_ value: RESPValue, _ m: Int, now: MonotonicMs) {
        guard value.isError, case .sendSlaveofNoOne(_, _?)? = masters[m].failover?.phase else { return }
        event(.warning, .failoverAbortSwitchoverPauseRefused, .master(m), value.text ?? "", now: now)
        endFailover(m, .aborted, now: now)
    }
}
