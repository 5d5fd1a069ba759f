/// SDOWN: this sentinel's own opinion that an instance is down (Redis's
/// sentinelCheckSubjectivelyDown).
extension Sentinel {
    mutating func checkSubjectivelyDown(_ path: InstancePath, now: MonotonicMs) {
        // Judged from the probe as it is after the closes below; changes are made in place.
        var elapsedMs: Int64 = 0
        do {
            let probe = self[probe: path]
            if let act = probe.link.actPingMs {
                elapsedMs = now - act
            } else if probe.link.disconnected && !(probe.awaitingFirstChance && probe.link.command.isConnected) {
                elapsedMs = now - probe.link.lastAvailMs
            }
        }
        let downAfterMs = self[probe: path].downAfterMs

        // A connection that stopped answering is closed (and reopened by the timer): the instance may
        // be fine and only this connection stuck. Only after it had time to work, so a slow
        // instance is not reconnected in a loop.
        if self[probe: path].link.command.isConnected,
           now - self[probe: path].link.command.connectedAtMs >= timers.minLinkReconnectPeriodMs,
           let act = self[probe: path].link.actPingMs, now - act > downAfterMs / 2,
           now - self[probe: path].link.lastPongMs > downAfterMs / 2 {
            closeLink(path, .command)
        }
        // The pub/sub link carries hellos every publish period: three periods of silence mean it
        // is dead.
        if let p = self[probe: path].link.pubsub, p.isConnected, now - p.connectedAtMs >= timers.minLinkReconnectPeriodMs,
           now - self[probe: path].link.pubsubLastActivityMs >= timers.publishPeriodMs * 3 {
            closeLink(path, .pubsub)
        }

        var masterClaimsReplica = false, rebootTooLong = false, leaseWithheld = false
        if case .master(let m) = path {
            let node = masters[m].node
            // A master that says it is a replica for long is as good as down: clients cannot write.
            masterClaimsReplica = node.info.roleReported == .replica
                && now - node.info.roleReportedMs > downAfterMs + timers.infoPeriodMs * 2
            // A master that rebooted and has not answered PONG since (still loading, say) for longer
            // than master-reboot-down-after-period is down: it lost its data or cannot serve.
            let period = masters[m].masterRebootDownAfterPeriodMs
            rebootTooLong = period > 0 && node.rebootSinceMs.map { now - $0 > period } == true
            // Write fencing: a master we keep fenced because of an unresolved vote is down for us.
            leaseWithheld = leaseWithheldTooLong(m, now: now)
        }
        let wasDown = self[probe: path].isSubjectivelyDown
        if elapsedMs > downAfterMs || masterClaimsReplica || rebootTooLong || leaseWithheld {
            if !wasDown {
                self[probe: path].sdownSinceMs = now
                self[probe: path].lastDownStartMs = now
                event(.warning, .sdown, path, now: now)
            }
        } else if wasDown {
            self[probe: path].sdownSinceMs = nil
            self[probe: path].scriptKillSent = false
            event(.warning, .sdownEnded, path, now: now)
        }
    }
}
