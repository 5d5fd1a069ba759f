/// Acting on INFO (Redis's sentinelRefreshInstanceInfo): discovery of replicas, reboots, role
/// changes, promotion detection, demotion of stray masters and replica reconfiguration progress.
extension Sentinel {
    mutating func refreshInfo(_ path: InstancePath, _ text: String, now: MonotonicMs) {
        let report = InfoReport.parse(text)
        let m = path.master
        let run = masters[m].failover
        let freshFromSeq = run?.freshInfo?.firstSeq
        let rebooted: Bool, roleChanged: Bool
        switch path {
        case .master:
            (rebooted, roleChanged) = Self.record(report, text, in: &masters[m].node, freshFromSeq: freshFromSeq, now: now)
            if rebooted && masters[m].masterRebootDownAfterPeriodMs > 0 { masters[m].node.rebootSinceMs = now }
        case .replica(_, let r):
            (rebooted, roleChanged) = Self.record(report, text, in: &masters[m].replicas[r], freshFromSeq: freshFromSeq, now: now)
            if report.role == .replica { masters[m].replicas[r].formerMaster = false }
            // Only the answer to the fresh INFO itself (or a later one) ends the wait for it.
            if let seq = freshFromSeq, masters[m].replicas[r].info.answeredInfoSeq >= seq {
                masters[m].replicas[r].freshInfoAskedMs = nil
            }
        case .sentinel:
            return
        }
        let role = path.role

        if rebooted { event(.notice, .reboot, path, now: now) }
        if roleChanged, let reported = report.role {
            event(.verbose, reported == role ? .roleChange : .roleChangeIncoherent, path,
                  "new reported role is \(reported == .master ? "master" : "slave")", now: now)
        }
        if role == .master && report.role == .master {
            discoverReplicas(m, report.replicas, now: now)
        }

        // In TILT the state is refreshed but nothing is acted upon: our timers cannot be trusted.
        if isInTilt { return }

        if role == .replica, report.role == .master {
            replicaReportsMaster(path, now: now)
        }
        if role == .replica, report.role == .replica {
            replicaReportsReplica(path, now: now)
        }
        if let run = masters[m].failover {
            switch run.phase {
            case .selectSlave, .sendSlaveofNoOne(_, _?): failoverStateMachine(m, now: now)
            default: break
            }
        }
    }

    /// What an INFO reply says about the instance, recorded in place. Returns whether it rebooted
    /// (a new run id) and whether its reported role changed.
    static func record<Node: DataNode>(_ report: InfoReport, _ text: String, in node: inout Node, freshFromSeq: UInt64?,
                                       now: MonotonicMs) -> (rebooted: Bool, roleChanged: Bool) {
        var rebooted = false
        if let run = report.runID, node.probe.runID != run {
            rebooted = node.probe.runID != nil
            node.probe.runID = run
        }
        return (rebooted, record(report, text, in: &node.info, freshFromSeq: freshFromSeq, now: now))
    }

    /// The INFO fields; returns whether the reported role changed.
    static func record(_ report: InfoReport, _ text: String, in inst: inout InfoState, freshFromSeq: UInt64?,
                       now: MonotonicMs) -> Bool {
        inst.lastInfo = text
        inst.infoRefreshMs = now
        if report.role == .replica {
            inst.masterLinkDownMs = min(report.masterLinkDownSinceSeconds ?? 0, SentinelLimits.maxDurationMs / 1000) * 1000
            if report.masterHost != inst.reportedMasterHost || (report.masterPort ?? 0) != inst.reportedMasterPort {
                inst.replicaConfChangeMs = now
            }
            inst.reportedMasterHost = report.masterHost
            inst.reportedMasterPort = report.masterPort ?? 0
            inst.masterLinkUp = report.masterLinkUp ?? false
            if let p = report.replicaPriority { inst.priority = p }
            if let o = report.replOffset { inst.replOffset = o }
            inst.replicaAnnounced = report.replicaAnnounced ?? true
        }
        if report.role != nil {
            inst.fencingLeaseMs = report.fencingLeaseMs ?? 0
            inst.fencingQuorum = report.fencingQuorum ?? 0
            inst.replID = report.replID
        }
        if report.role == .master, let o = report.masterReplOffset { inst.masterReplOffset = o }
        var roleChanged = false
        if let role = report.role, role != inst.roleReported {
            inst.roleReported = role
            inst.roleReportedMs = now
            if role == .replica { inst.replicaConfChangeMs = now }
            roleChanged = true
        }
        return roleChanged
    }

    /// New replicas listed by a master are added (+slave) and persisted.
    mutating func discoverReplicas(_ m: Int, _ addresses: [Address], now: MonotonicMs) {
        for address in addresses where masters[m].replicaIndex(address) == nil {
            guard masters[m].replicas.count < SentinelLimits.maxReplicasPerMaster else { return }
            guard !masters[m].node.address.matches(host: address.host, port: address.port) else { continue }
            masters[m].replicas.append(
                ReplicaNode(address: address, downAfterMs: masters[m].node.probe.downAfterMs, now: now))
            event(.notice, .slave, .replica(m, masters[m].replicas.count - 1), now: now)
            needsPersist = true
        }
    }

    mutating func replicaReportsMaster(_ path: InstancePath, now: MonotonicMs) {
        let m = path.master
        guard case .replica(_, let r) = path else { return }
        let inst = masters[m].replicas[r]
        if inst.promoted, case .waitPromotion? = masters[m].failover?.phase {
            promotionConfirmed(m, path, now: now)
            return
        }
        guard !inst.promoted, masterLooksSane(m, now: now) else { return }
        // Redis waits 4 publish periods (8 s) so that a replica promoted by another sentinel's
        // failover, whose hello has not reached us yet, is not demoted by mistake. A former master
        // that was never seen as a replica since our switch cannot be such a promotion: it is a
        // returning old master and is demoted at once (REFERENCE §6).
        let waitMs = timers.publishPeriodMs * 4
        let patient = noDownFor(inst.probe, waitMs, now: now) && now - inst.info.roleReportedMs > waitMs
        guard inst.formerMaster || patient else { return }
        let target = masters[m].node.address
        if sendSlaveOf(path, to: target) {
            event(.notice, .convertToSlave, path, now: now)
        }
    }

    mutating func replicaReportsReplica(_ path: InstancePath, now: MonotonicMs) {
        let m = path.master
        guard case .replica(_, let r) = path else { return }
        let inst = masters[m].replicas[r]
        let master = masters[m].node.address
        let pointsAtMaster = inst.info.reportedMasterPort == master.port
            && inst.info.reportedMasterHost.map { master.matches(host: $0, port: master.port) } == true
        if !pointsAtMaster && inst.reconf == .none {
            // A replica following someone else is fixed, but only after failover-timeout: it may be
            // in the middle of another sentinel's reconfiguration.
            let waitMs = masters[m].failoverTimeoutMs
            if masterLooksSane(m, now: now), noDownFor(inst.probe, waitMs, now: now),
               now - inst.info.replicaConfChangeMs > waitMs, sendSlaveOf(path, to: master) {
                event(.notice, .fixSlaveConfig, path, now: now)
            }
        }
        guard inst.reconf == .sent || inst.reconf == .inProgress,
              let promoted = masters[m].failover?.promoted else { return }
        let pointsAtPromoted = inst.info.reportedMasterPort == promoted.port
            && inst.info.reportedMasterHost.map { promoted.matches(host: $0, port: promoted.port) } == true
        if inst.reconf == .sent && pointsAtPromoted {
            masters[m].replicas[r].reconf = .inProgress
            event(.notice, .slaveReconfInProgress, path, now: now)
        }
        if masters[m].replicas[r].reconf == .inProgress && inst.info.masterLinkUp && pointsAtPromoted {
            masters[m].replicas[r].reconf = .done
            event(.notice, .slaveReconfDone, path, now: now)
            failoverStateMachine(m, now: now)
        }
    }

    /// Redis's sentinelMasterLooksSane: the master is reachable, says it is a master, and its INFO
    /// is recent. Only then is it safe to point replicas at it.
    func masterLooksSane(_ m: Int, now: MonotonicMs) -> Bool {
        let node = masters[m].node
        return node.info.roleReported == .master && !node.isSubjectivelyDown && !masters[m].isObjectivelyDown
            && node.info.infoRefreshMs.map { now - $0 < timers.infoPeriodMs * 2 } == true
    }

    /// No SDOWN (or ODOWN) started within the last `ms`.
    func noDownFor(_ inst: Probe, _ ms: Int64, now: MonotonicMs) -> Bool {
        guard let last = inst.lastDownStartMs else { return true }
        return now - last > ms
    }
}
