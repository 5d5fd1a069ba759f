/// What INFO said about a data node (a master or a replica), and the pacing of the INFO requests.
/// A master can report role:slave and a replica role:master, so both keep the same fields.
struct InfoState: Sendable {
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

    init(role: InstanceRole, now: MonotonicMs) {
        roleReported = role
        roleReportedMs = now
        replicaConfChangeMs = now
    }
}
