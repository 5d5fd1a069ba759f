import RESP
/// The instance maps of SENTINEL MASTER(S) / REPLICAS / SENTINELS, fields in Redis's order (clients
/// index into them). Returned as `.map`; RESPWriter writes a flat array for RESP2 clients.
extension Sentinel {
    func instanceMap(_ path: InstancePath, now: MonotonicMs) -> RESPValue {
        let m = masters[path.master]
        let inst = self[probe: path]
        let role = path.role
        var fields: [(String, String)] = []
        func add(_ k: String, _ v: String) { fields.append((k, v)) }
        func add(_ k: String, _ v: Int64) { fields.append((k, String(v))) }

        add("name", eventName(path))
        add("ip", announced(inst))
        add("port", Int64(inst.address.port))
        add("runid", inst.runID ?? "")
        add("flags", flags(path))
        add("link-pending-commands", Int64(inst.link.pendingCommands))
        add("link-refcount", 1)
        if role == .master, let run = m.failover { add("failover-state", run.phase.name) }
        add("last-ping-sent", inst.link.actPingMs.map { now - $0 } ?? 0)
        add("last-ok-ping-reply", now - inst.link.lastAvailMs)
        add("last-ping-reply", now - inst.link.lastPongMs)
        if let s = inst.sdownSinceMs { add("s-down-time", now - s) }
        if role == .master, let o = m.odownSinceMs { add("o-down-time", now - o) }
        add("down-after-milliseconds", inst.downAfterMs)
        if role != .sentinel {
            let info = self[info: path]
            add("info-refresh", info.infoRefreshMs.map { now - $0 } ?? 0)
            add("role-reported", info.roleReported == .master ? "master" : "slave")
            add("role-reported-time", now - info.roleReportedMs)
        }
        switch path {
        case .master:
            add("config-epoch", Int64(clamping: m.configEpoch))
            add("num-slaves", Int64(m.replicas.count))
            add("num-other-sentinels", Int64(m.sentinels.count))
            add("quorum", Int64(m.quorum))
            add("failover-timeout", m.failoverTimeoutMs)
            add("parallel-syncs", Int64(m.parallelSyncs))
            if let s = m.notificationScript { add("notification-script", s) }
            if let s = m.clientReconfigScript { add("client-reconfig-script", s) }
        case .replica(_, let r):
            let info = m.replicas[r].info
            add("master-link-down-time", info.masterLinkDownMs)
            add("master-link-status", info.masterLinkUp ? "ok" : "err")
            add("master-host", info.reportedMasterHost ?? "?")
            add("master-port", Int64(info.reportedMasterPort))
            add("slave-priority", Int64(info.priority))
            add("slave-repl-offset", info.replOffset)
            add("replica-announced", info.replicaAnnounced ? 1 : 0)
        case .sentinel(_, let s):
            let peer = m.sentinels[s]
            add("last-hello-message", peer.lastHelloMs.map { now - $0 } ?? 0)
            add("voted-leader", peer.leader ?? "?")
            add("voted-leader-epoch", Int64(clamping: peer.leaderEpoch))
        }
        return .map(fields.map { (.bulk($0.0), .bulk($0.1)) })
    }

    /// The comma-separated flags, in Redis's order.
    func flags(_ path: InstancePath) -> String {
        let m = masters[path.master]
        let probe = self[probe: path]
        let role = path.role
        var f: [String] = []
        if probe.isSubjectivelyDown { f.append("s_down") }
        if role == .master && m.isObjectivelyDown { f.append("o_down") }
        f.append(role == .master ? "master" : role == .replica ? "slave" : "sentinel")
        if probe.link.disconnected { f.append("disconnected") }
        if case .sentinel(_, let s) = path, m.sentinels[s].masterDownReported { f.append("master_down") }
        if role == .master && m.failoverInProgress { f.append("failover_in_progress") }
        if case .replica(_, let r) = path {
            let replica = m.replicas[r]
            if replica.promoted { f.append("promoted") }
            if replica.reconf == .sent { f.append("reconf_sent") }
            if replica.reconf == .inProgress { f.append("reconf_inprog") }
            if replica.reconf == .done { f.append("reconf_done") }
        }
        if role == .master && m.forceFailover { f.append("force_failover") }
        if probe.scriptKillSent { f.append("script_kill_sent") }
        if role == .master && m.node.rebootSinceMs != nil { f.append("master_reboot") }
        return f.joined(separator: ",")
    }

    /// `# Sentinel` section body (without the header line), lines joined with CRLF.
    public func infoSentinelSection(now: MonotonicMs) -> String {
        var lines = [
            "sentinel_masters:\(masters.count)",
            "sentinel_tilt:\(isInTilt ? 1 : 0)",
            "sentinel_tilt_since_seconds:\(tiltSinceMs.map { (now - $0) / 1000 } ?? -1)",
            "sentinel_running_scripts:\(scripts.runningCount)",
            "sentinel_scripts_queue_length:\(scripts.entries.count - scripts.runningCount)",
            "sentinel_simulate_failure_flags:\(simulateFailure.flags)",
        ]
        for (i, m) in masters.enumerated() {
            let status = m.isObjectivelyDown ? "odown" : m.node.isSubjectivelyDown ? "sdown" : "ok"
            lines.append("master\(i):name=\(m.name),status=\(status),address=\(m.node.address),"
                + "slaves=\(m.replicas.count),sentinels=\(m.sentinels.count + 1)")
        }
        return lines.joined(separator: "\r\n")
    }
}

extension Sentinel {
    /// The host an instance is reported with: its host name while announce-hostnames is yes (or
    /// when it was never resolved), else the address it resolved to, as redis-sentinel's
    /// announceSentinelAddr.
    func announced(_ inst: Probe) -> String {
        announceHostnames ? inst.address.host : inst.resolvedIP ?? inst.address.host
    }
}
