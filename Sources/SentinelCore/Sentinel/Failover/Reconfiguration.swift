/// Pointing data nodes at a master: the promotion / reconfiguration transaction and the
/// RECONF_SLAVES stage.
extension Sentinel {
    /// MULTI, SLAVEOF (NO ONE when `to` is nil), CONFIG REWRITE, CLIENT KILL TYPE normal, CLIENT KILL
    /// TYPE pubsub, EXEC. One transaction so the node never runs a half reconfiguration; killing the
    /// clients makes them reconnect and find the new topology. Replies are ignored: the outcome is
    /// read from later INFO, as Redis does.
    @discardableResult
    mutating func sendSlaveOf(_ path: InstancePath, to address: Address?) -> Bool {
        guard readProbe(path, { $0.link.command.isConnected }) else { return false }
        let target = address.map { [$0.host, String($0.port)] } ?? ["NO", "ONE"]
        send(path, .command, ["MULTI"], expect: .ignored)
        send(path, .command, ["SLAVEOF"] + target, expect: .ignored)
        send(path, .command, ["CONFIG", "REWRITE"], expect: .ignored)
        send(path, .command, ["CLIENT", "KILL", "TYPE", "normal"], expect: .ignored)
        send(path, .command, ["CLIENT", "KILL", "TYPE", "pubsub"], expect: .ignored)
        send(path, .command, ["EXEC"], expect: .ignored)
        return true
    }

    /// Redis's sentinelFailoverReconfNextSlave: at most parallel-syncs replicas syncing at a time.
    mutating func failoverReconfNextSlave(_ m: Int, now: MonotonicMs) {
        guard let promoted = masters[m].failover?.promoted else { return }
        // A replica that got SLAVEOF but never started syncing is given up on, so one broken
        // replica cannot hold the failover. Checked for every replica before counting the ones in
        // progress: Redis checks inside the sending loop, which does not run while parallel-syncs
        // replicas are in progress, so with parallel-syncs 1 a stuck replica never times out there.
        for r in masters[m].replicas.indices where masters[m].replicas[r].reconf == .sent
            && now - masters[m].replicas[r].reconfSentMs > timers.slaveReconfTimeoutMs {
            event(.notice, .slaveReconfSentTimeout, .replica(m, r), now: now)
            masters[m].replicas[r].reconf = .done
        }
        var inProgress = masters[m].replicas.filter { $0.reconf == .sent || $0.reconf == .inProgress }.count
        for r in masters[m].replicas.indices {
            if inProgress >= masters[m].parallelSyncs { break }
            let replica = masters[m].replicas[r]
            if replica.promoted || replica.reconf != .none { continue }
            if replica.link.disconnected { continue }
            if sendSlaveOf(.replica(m, r), to: promoted) {
                masters[m].replicas[r].reconf = .sent
                masters[m].replicas[r].reconfSentMs = now
                event(.notice, .slaveReconfSent, .replica(m, r), now: now)
                inProgress += 1
            }
        }
        failoverDetectEnd(m, now: now)
    }

    /// The failover ends when every reachable replica is reconfigured, or at failover-timeout (then
    /// the rest get SLAVEOF anyway and the sentinels' normal fixing finishes the job).
    mutating func failoverDetectEnd(_ m: Int, now: MonotonicMs) {
        guard let p = masters[m].promotedIndex, !masters[m].replicas[p].isSubjectivelyDown else { return }
        var notReconfigured = masters[m].replicas.filter {
            !$0.promoted && $0.reconf != .done && !$0.isSubjectivelyDown
        }.count
        var timedOut = false
        if failoverPhaseAgeMs(m, now: now) > masters[m].failoverTimeoutMs {
            notReconfigured = 0
            timedOut = true
            event(.warning, .failoverEndForTimeout, .master(m), now: now)
        }
        guard notReconfigured == 0 else { return }
        event(.warning, .failoverEnd, .master(m), now: now)
        guard let promoted = masters[m].failover?.promoted else { return }
        advanceFailover(m, to: .updateConfig(promoted: promoted), now: now)
        guard timedOut else { return }
        for r in masters[m].replicas.indices {
            let replica = masters[m].replicas[r]
            if replica.promoted || replica.reconf == .done || replica.reconf == .sent { continue }
            if sendSlaveOf(.replica(m, r), to: promoted) {
                masters[m].replicas[r].reconf = .sent
                event(.notice, .slaveReconfSentBestEffort, .replica(m, r), now: now)
            }
        }
    }
}
