/// Changing a master's address: at the end of our failover, or when a hello reports a newer
/// configuration.
extension Sentinel {
    mutating func switchToPromotedReplica(_ m: Int, now: MonotonicMs) {
        let old = masters[m].node.address
        let new = masters[m].failover?.promoted ?? old
        event(.warning, .switchMaster, .master(m), "\(masters[m].name) \(old.host) \(old.port) \(new.host) \(new.port)", bare: true,
              epoch: masters[m].configEpoch, now: now)
        resetMasterAndChangeAddress(m, to: new, now: now)
    }

    /// Redis's sentinelResetMasterAndChangeAddress: the master becomes `new`; its replicas and the old
    /// master are known as replicas of it; links are reopened; peers are kept.
    mutating func resetMasterAndChangeAddress(_ m: Int, to new: Address, now: MonotonicMs) {
        endFailover(m, .switched, now: now)
        let old = masters[m].node.address
        var addresses = masters[m].replicas.map(\.address).filter { !$0.matches(host: new.host, port: new.port) }
        if !old.matches(host: new.host, port: new.port) && !addresses.contains(old) { addresses.append(old) }
        closeAllLinks(of: masters[m].node.link)
        for r in masters[m].replicas { closeAllLinks(of: r.link) }

        let downAfterMs = masters[m].node.probe.downAfterMs
        var node = MasterNode(address: new, downAfterMs: downAfterMs, now: now)
        // The new master gets its first chance: its judgement starts from the first PING it is
        // actually sent, and it is connected at once rather than after the reconnect pacing
        // (REFERENCE §6: Redis sometimes judged a fresh master down before it could answer).
        node.probe.awaitingFirstChance = true
        masters[m].node = node
        masters[m].replicas = addresses.map { a in
            var r = ReplicaNode(address: a, downAfterMs: downAfterMs, now: now)
            r.formerMaster = a == old
            return r
        }
        reindex()
        masters[m].nextFailoverGate = nil
        masters[m].odownSinceMs = nil
        masters[m].leader = nil
        for s in masters[m].sentinels.indices {
            masters[m].sentinels[s].masterDownReported = false
            masters[m].sentinels[s].leader = nil
        }
        needsPersist = true
        for r in masters[m].replicas.indices { event(.notice, .slave, .replica(m, r), now: now) }
        for p in paths(of: m) where !(p.isSentinel) { reconnect(p, now: now) }
    }
}

extension InstancePath {
    var isSentinel: Bool { if case .sentinel = self { return true } else { return false } }
}
