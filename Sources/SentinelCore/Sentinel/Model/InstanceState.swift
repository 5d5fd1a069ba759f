/// One monitored instance: a master, a replica or a peer sentinel (Redis uses one struct for the
/// three; so do we, because SDOWN, links and pacing are the same for all of them).
struct InstanceState: Sendable {
    var role: InstanceRole
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
    /// Set when INFO shows a new run id on a master and master-reboot-down-after-period is set.
    var rebootSinceMs: MonotonicMs?

    // MARK: what INFO said (masters and replicas)
    var infoRefreshMs: MonotonicMs?
    /// Sequence numbers (Sentinel.infoSeq) of the INFO requests awaiting a reply, oldest first, and
    /// the number of the request the last INFO reply answered.
    var infoRequests: [UInt64] = []
    var answeredInfoSeq: UInt64 = 0
    var roleReported: InstanceRole
    var roleReportedMs: MonotonicMs
    var masterLinkDownMs: Int64 = 0
    var reportedMasterHost: String?
    var reportedMasterPort: Int = 0
    var masterLinkUp = false
    var priority: Int = 100
    var replOffset: Int64 = 0
    /// A master's own stream offset (INFO master_repl_offset).
    var masterReplOffset: Int64 = 0
    /// Write fencing lease a master announces in INFO (0: fencing off). See docs/fencing.md.
    var fencingLeaseMs: Int64 = 0
    var fencingQuorum = 0
    /// INFO's master_replid: the history `replOffset` / `masterReplOffset` count in.
    var replID: String?
    var replicaAnnounced = true
    /// When the master this replica reports last changed (for +fix-slave-config).
    var replicaConfChangeMs: MonotonicMs
    /// The last INFO text, for SENTINEL INFO-CACHE.
    var lastInfo: String?

    // MARK: failover flags on replicas
    var promoted = false
    var reconf: ReconfState = .none
    var reconfSentMs: MonotonicMs = 0
    /// Not in Redis: this replica is the master we switched away from and has not been seen as a
    /// replica since. Such an instance reporting role:master is a returning old master, never a
    /// fresh promotion, so it is demoted at once instead of after Redis's 8 s guard (REFERENCE §6).
    var formerMaster = false
    /// Not in Redis: a fresh INFO was asked during replica selection and is still awaited.
    var freshInfoAskedMs: MonotonicMs?

    // MARK: peer sentinels
    var lastHelloMs: MonotonicMs?
    var lastMasterDownReplyMs: MonotonicMs?
    var masterDownReported = false
    var leader: String?
    var leaderEpoch: UInt64 = 0

    init(role: InstanceRole, address: Address, downAfterMs: Int64, now: MonotonicMs) {
        self.role = role
        self.address = address
        self.link = InstanceLink(hasPubsub: role != .sentinel, now: now)
        self.downAfterMs = downAfterMs
        self.roleReported = role == .sentinel ? .sentinel : role
        self.roleReportedMs = now
        self.replicaConfChangeMs = now
    }

    var isSubjectivelyDown: Bool { sdownSinceMs != nil }

    /// How Redis names instances in events: a replica by ip:port, a sentinel by its run id.
    func eventName(masterName: String) -> String {
        switch role {
        case .master: return masterName
        case .replica: return address.description
        case .sentinel: return runID ?? "?"
        }
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
