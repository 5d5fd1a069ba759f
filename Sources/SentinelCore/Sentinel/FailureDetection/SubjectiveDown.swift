/// SDOWN: this sentinel's own opinion that an instance is down (Redis's
/// sentinelCheckSubjectivelyDown).
extension Sentinel {
    mutating func checkSubjectivelyDown(_ path: InstancePath, now: MonotonicMs) {
        // Judged from the probe as it is after the closes below; changes are made in place.
        let elapsedMs: Int64 = readProbe(path, { probe in
            if let act = probe.link.actPingMs { return now - act }
            if probe.link.disconnected && !(probe.awaitingFirstChance && probe.link.command.isConnected) {
                return now - probe.link.lastAvailMs
            }
            return 0
        })
        let downAfterMs = readProbe(path, { $0.downAfterMs })

        // A connection that stopped answering is closed (and reopened by the timer): the instance may
        // be fine and only this connection stuck. Only after it had time to work, so a slow
        // instance is not reconnected in a loop.
        if readProbe(path, { $0.link.command.isConnected }),
           now - readProbe(path, { $0.link.command.connectedAtMs }) >= timers.minLinkReconnectPeriodMs,
           let act = readProbe(path, { $0.link.actPingMs }), now - act > downAfterMs / 2,
           now - readProbe(path, { $0.link.lastPongMs }) > downAfterMs / 2 {
            closeLink(path, .command)
        }
        // The pub/sub link carries hellos every publish period: three periods of silence mean it
        // is dead.
        if let p = readProbe(path, { $0.link.pubsub }), p.isConnected, now - p.connectedAtMs >= timers.minLinkReconnectPeriodMs,
           now - readProbe(path, { $0.link.pubsubLastActivityMs }) >= timers.publishPeriodMs * 3 {
            closeLink(path, .pubsub)
        }

        var masterClaimsReplica = false, rebootTooLong = false, leaseWithheld = false
        if case .master(let m) = path {
            // A master that says it is a replica for long is as good as down: clients cannot write.
            masterClaimsReplica = masters[m].node.info.roleReported == .replica
                && now - masters[m].node.info.roleReportedMs > downAfterMs + timers.infoPeriodMs * 2
            // A master that rebooted and has not answered PONG since (still loading, say) for longer
            // than master-reboot-down-after-period is down: it lost its data or cannot serve.
            let period = masters[m].masterRebootDownAfterPeriodMs
            rebootTooLong = period > 0 && masters[m].node.rebootSinceMs.map { now - $0 > period } == true
            // Write fencing: a master we keep fenced because of an unresolved vote is down for us.
            leaseWithheld = leaseWithheldTooLong(m, now: now)
        }
        let wasDown = readProbe(path, { $0.isSubjectivelyDown })
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
