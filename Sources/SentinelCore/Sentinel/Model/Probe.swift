/// What the machine keeps about every monitored instance, whatever its role: where it is, its
/// links, the ping/pong times on them and the SDOWN bookkeeping judged from them. Redis keeps all
/// of it in the one sentinelRedisInstance it uses for the three roles; here each role's type
/// (`MasterNode`, `ReplicaNode`, `PeerSentinel`) holds one `Probe` and only its own fields.
struct Probe: Sendable {
    var address: Address
    var runID: String?
    var link: InstanceLink
    var downAfterMs: Int64
    /// What `address.host` resolved to when it is a host name (the shell says at connect).
    var resolvedIP: String? = nil

    // MARK: subjective down
    var sdownSinceMs: MonotonicMs?
    /// When SDOWN (or, for masters, ODOWN) last started; kept after -sdown, for "no down for".
    var lastDownStartMs: MonotonicMs?
    var scriptKillSent = false
    /// Not in Redis: an instance that just became master by a switch is not judged before its first
    /// answer or before down-after has passed since the first PING it got (REFERENCE §6).
    var awaitingFirstChance = false

    init(address: Address, downAfterMs: Int64, hasPubsub: Bool, now: MonotonicMs) {
        self.address = address
        self.link = InstanceLink(hasPubsub: hasPubsub, now: now)
        self.downAfterMs = downAfterMs
    }

    var isSubjectivelyDown: Bool { sdownSinceMs != nil }
}

/// Read-only shortcuts to the probe, shared by the three role types.
protocol Monitored {
    var probe: Probe { get set }
}

extension Monitored {
    var address: Address { probe.address }
    var runID: String? { probe.runID }
    var link: InstanceLink { probe.link }
    var isSubjectivelyDown: Bool { probe.isSubjectivelyDown }
}

/// A data node (master or replica) also has what its INFO said.
protocol DataNode: Monitored {
    var info: InfoState { get set }
}
