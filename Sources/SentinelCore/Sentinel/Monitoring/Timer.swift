/// The timer: for every master, its replicas and its sentinels, first monitor (reconnect, send
/// periodic commands), then, unless in TILT, judge and act (SDOWN, ODOWN, failover).
extension Sentinel {
    mutating func timerTick(wallClockMs: Int64, now: MonotonicMs) {
        checkTilt(wallClockMs: wallClockMs, now: now)
        var m = 0
        while m < masters.count {
            // Indexes, not paths(of:): no array per master per tick. Handling an instance adds
            // and removes no replica or sentinel (replies and hellos do), so this visits the
            // same paths paths(of:) lists.
            handleInstance(.master(m), now: now)
            var r = 0
            while r < masters[m].replicas.count { handleInstance(.replica(m, r), now: now); r += 1 }
            var s = 0
            while s < masters[m].sentinels.count { handleInstance(.sentinel(m, s), now: now); s += 1 }
            if let run = masters[m].failover, case .updateConfig = run.phase { switchToPromotedReplica(m, now: now) }
            m += 1
        }
        runPendingScripts(now: now)
    }

    /// Redis's sentinelHandleRedisInstance.
    mutating func handleInstance(_ path: InstancePath, now: MonotonicMs) {
        reconnect(path, now: now)
        if case .sentinel = path { adoptPeerLiveness(path) }
        sendPeriodicCommands(path, now: now)
        if stillInTilt(now: now) { return }
        checkSubjectivelyDown(path, now: now)
        guard case .master(let m) = path else { return }
        checkObjectivelyDown(m, now: now)
        if startFailoverIfNeeded(m, now: now) {
            askMasterStateToOtherSentinels(m, force: true, now: now)
        }
        failoverStateMachine(m, now: now)
        askMasterStateToOtherSentinels(m, force: false, now: now)
    }
}
