/// The timer: for every master, its replicas and its sentinels, first monitor (reconnect, send
/// periodic commands), then, unless in TILT, judge and act (SDOWN, ODOWN, failover).
extension Sentinel {
    mutating func timerTick(wallClockMs: Int64, now: MonotonicMs) {
        checkTilt(wallClockMs: wallClockMs, now: now)
        var m = 0
        while m < masters.count {
            for path in paths(of: m) { handleInstance(path, now: now) }
            if case .updateConfig? = masters[m].failover?.phase { switchToPromotedReplica(m, now: now) }
            m += 1
        }
        runPendingScripts(now: now)
    }

    /// Redis's sentinelHandleRedisInstance.
    mutating func handleInstance(_ path: InstancePath, now: MonotonicMs) {
        reconnect(path, now: now)
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
