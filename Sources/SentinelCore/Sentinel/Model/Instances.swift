/// The three kinds of monitored instance: a shared `Probe` plus the fields of the role.

/// The master a `MasterState` monitors.
struct MasterNode: DataNode, Sendable {
    var probe: Probe
    var info: InfoState
    /// Set when INFO shows a new run id and master-reboot-down-after-period is set.
    var rebootSinceMs: MonotonicMs?

    init(address: Address, downAfterMs: Int64, now: MonotonicMs) {
        probe = Probe(address: address, downAfterMs: downAfterMs, hasPubsub: true, now: now)
        info = InfoState(role: .master, now: now)
    }
}

/// A replica of a monitored master, with its failover flags.
struct ReplicaNode: DataNode, Sendable {
    var probe: Probe
    var info: InfoState
    var promoted = false
    var reconf: ReconfState = .none
    var reconfSentMs: MonotonicMs = 0
    /// Not in Redis: this replica is the master we switched away from and has not been seen as a
    /// replica since. Such an instance reporting role:master is a returning old master, never a
    /// fresh promotion, so it is demoted at once instead of after Redis's 8 s guard (REFERENCE §6).
    var formerMaster = false
    /// Not in Redis: a fresh INFO was asked during replica selection and is still awaited.
    var freshInfoAskedMs: MonotonicMs?

    init(address: Address, downAfterMs: Int64, now: MonotonicMs) {
        probe = Probe(address: address, downAfterMs: downAfterMs, hasPubsub: true, now: now)
        info = InfoState(role: .replica, now: now)
    }
}

/// Another sentinel watching the same master: only a command link, no INFO; its votes.
struct PeerSentinel: Monitored, Sendable {
    var probe: Probe
    var lastHelloMs: MonotonicMs?
    var lastMasterDownReplyMs: MonotonicMs?
    var masterDownReported = false
    var leader: String?
    var leaderEpoch: UInt64 = 0

    init(address: Address, runID: String?, downAfterMs: Int64, now: MonotonicMs) {
        probe = Probe(address: address, downAfterMs: downAfterMs, hasPubsub: false, now: now)
        probe.runID = runID
    }
}

/// Reconfiguration progress of a replica during RECONF_SLAVES.
enum ReconfState: Sendable, Equatable {
    case none
    /// SLAVEOF sent, not yet pointing at the promoted replica.
    case sent
    /// Pointing at the promoted replica, link not up yet.
    case inProgress
    case done
}
