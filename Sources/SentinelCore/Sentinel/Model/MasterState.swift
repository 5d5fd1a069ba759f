/// One monitored master with its replicas, its peer sentinels and its failover.
struct MasterState: Sendable {
    var name: String
    var node: MasterNode
    var quorum: Int
    var failoverTimeoutMs: Int64
    var parallelSyncs: Int
    var masterRebootDownAfterPeriodMs: Int64
    var authPass: String?
    var authUser: String?
    var notificationScript: String?
    var clientReconfigScript: String?
    var renamedCommands: [String: String]

    /// Replicas and sentinels in insertion order: arrays, not dictionaries, so that iteration (and
    /// therefore the order of actions) is the same in every run.
    var replicas: [ReplicaNode] = []
    var sentinels: [PeerSentinel] = []

    var configEpoch: UInt64
    /// This sentinel's vote for this master: whom, in which epoch.
    var leader: String?
    var leaderEpoch: UInt64

    var odownSinceMs: MonotonicMs?
    /// Our failover attempt, while one runs.
    var failover: FailoverRun?
    /// Outlives the runs: when our next failover may start (after our last attempt, or after voting
    /// for another candidate). nil until then, and again after the master's address changes.
    var nextFailoverGate: NextFailoverGate?
    /// The gate the "Next failover delay" warning was last logged for (logged once per gate).
    var delayLoggedFor: NextFailoverGate?
    /// Write fencing: our lease renewals (docs/fencing.md).
    var lease = LeaseState()

    init(config: MasterConfig, now: MonotonicMs) {
        name = config.name
        node = MasterNode(address: config.address, downAfterMs: config.downAfterMs, now: now)
        quorum = config.quorum
        failoverTimeoutMs = config.failoverTimeoutMs
        parallelSyncs = config.parallelSyncs
        masterRebootDownAfterPeriodMs = config.masterRebootDownAfterPeriodMs
        authPass = config.authPass
        authUser = config.authUser
        notificationScript = config.notificationScript
        clientReconfigScript = config.clientReconfigScript
        renamedCommands = config.renamedCommands
        configEpoch = config.configEpoch
        leaderEpoch = config.leaderEpoch
    }

    var failoverInProgress: Bool { failover != nil }
    /// SENTINEL FAILOVER is running (no election, no fencing waits).
    var forceFailover: Bool { failover?.forced ?? false }
    /// A coordinated switchover (SENTINEL FAILOVER on a reachable master) in progress.
    var switchover: SwitchoverState? { failover?.switchover }
    var isObjectivelyDown: Bool { odownSinceMs != nil }

    func replicaIndex(_ address: Address) -> Int? {
        replicas.firstIndex { $0.address.matches(host: address.host, port: address.port) }
    }

    var promotedIndex: Int? { failover?.promoted.flatMap { replicaIndex($0) } }

    /// The master address clients should use: the promoted replica once the failover reached the
    /// replica reconfiguration stage (the promotion is then confirmed), else the master.
    var currentAddress: Address {
        if let run = failover, run.promotionConfirmed, let p = run.promoted { return p }
        return node.address
    }

    /// The name to send for a command, honouring rename-command.
    func commandName(_ name: String) -> String {
        if renamedCommands.isEmpty { return name }
        return renamedCommands.first { $0.key.caseInsensitiveEquals(name) }?.value ?? name
    }
}

extension String {
    /// ASCII case-insensitive equality, as Redis compares command names.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        // Equal strings first (a run id against our own, every hello): one comparison of the bytes.
        if self == other { return true }
        let a = utf8, b = other.utf8
        guard a.count == b.count else { return false }
        return a.elementsEqual(b) { x, y in
            x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= 97 && (x | 0x20) <= 122)
        }
    }
}
