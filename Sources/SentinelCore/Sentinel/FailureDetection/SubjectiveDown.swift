/// SDOWN: this sentinel's own opinion that an instance is down (Redis's
/// sentinelCheckSubjectivelyDown).
extension Sentinel {
    mutating func checkSubjectivelyDown(_ path: InstancePath, now: MonotonicMs) {
        // A snapshot to judge from, read again after a close; changes are made in place.
        var inst = self[path]
        var elapsedMs: Int64 = 0
        if let act = inst.link.actPingMs {
            elapsedMs = now - act
        } else if inst.link.disconnected && !(inst.awaitingFirstChance && inst.link.command.isConnected) {
            elapsedMs = now - inst.link.lastAvailMs
        }

        // A connection that stopped answering is closed (and reopened by the timer): the instance may
        // be fine and only this connection stuck. Only after it had time to work, so a slow
        // instance is not reconnected in a loop.
        if inst.link.command.isConnected, now - inst.link.command.connectedAtMs >= timers.minLinkReconnectPeriodMs,
           let act = inst.link.actPingMs, now - act > inst.downAfterMs / 2,
           now - inst.link.lastPongMs > inst.downAfterMs / 2 {
            closeLink(path, .command)
            inst = self[path]
        }
        // The pub/sub link carries hellos every publish period: three periods of silence mean it
        // is dead.
        if let p = inst.link.pubsub, p.isConnected, now - p.connectedAtMs >= timers.minLinkReconnectPeriodMs,
           now - inst.link.pubsubLastActivityMs >= timers.publishPeriodMs * 3 {
            closeLink(path, .pubsub)
            inst = self[path]
        }

        let m = masters[path.master]
        // A master that says it is a replica for long is as good as down: clients cannot write.
        let masterClaimsReplica = inst.role == .master && inst.roleReported == .replica
            && now - inst.roleReportedMs > inst.downAfterMs + timers.infoPeriodMs * 2
        // A master that rebooted and has not answered PONG since (still loading, say) for longer
        // than master-reboot-down-after-period is down: it lost its data or cannot serve.
        let rebootTooLong = inst.role == .master && m.masterRebootDownAfterPeriodMs > 0
            && inst.rebootSinceMs.map { now - $0 > m.masterRebootDownAfterPeriodMs } == true
        // Write fencing: a master we keep fenced because of an unresolved vote is down for us.
        let leaseWithheld = inst.role == .master && leaseWithheldTooLong(path.master, now: now)
        if elapsedMs > inst.downAfterMs || masterClaimsReplica || rebootTooLong || leaseWithheld {
            if inst.sdownSinceMs == nil {
                self[path].sdownSinceMs = now
                self[path].lastDownStartMs = now
                event(.warning, .sdown, path, now: now)
            }
        } else if inst.sdownSinceMs != nil {
            self[path].sdownSinceMs = nil
            self[path].scriptKillSent = false
            event(.warning, .sdownEnded, path, now: now)
        }
    }
}
