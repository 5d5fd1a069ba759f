/// One monitored master with its replicas, its peer sentinels and its failover.
struct MasterState: Sendable {
    var name: String
    var node: InstanceState
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
    var replicas: [InstanceState] = []
    var sentinels: [InstanceState] = []

    var configEpoch: UInt64
    /// This sentinel's vote for this master: whom, in which epoch.
    var leader: String?
    var leaderEpoch: UInt64

    var odownSinceMs: MonotonicMs?
    var failoverState: FailoverState = .none
    var failoverEpoch: UInt64 = 0
    var failoverStateChangeMs: MonotonicMs = 0
    /// Start of the last failover attempt (or "do not start before" after voting for another), with
    /// Redis's random desync added.
    var failoverStartMs: MonotonicMs?
    var failoverDelayLoggedMs: MonotonicMs?
    /// Not in Redis: when the leader asked the candidates for a fresh INFO at SELECT_SLAVE.
    var freshInfoRequestedMs: MonotonicMs?
    /// The first INFO sequence number that counts as fresh for that selection.
    var freshInfoSeq: UInt64 = 0
    var forceFailover = false
    /// The replica chosen at SELECT_SLAVE, by address.
    var promotedAddress: Address?
    /// When this sentinel was elected leader of the running failover.
    var electedAtMs: MonotonicMs?
    /// Write fencing: our lease renewals (docs/fencing.md).
    var lease = LeaseState()
    /// A coordinated switchover (SENTINEL FAILOVER on a reachable master) in progress.
    var switchover: SwitchoverState?

    init(config: MasterConfig, now: MonotonicMs) {
        name = config.name
        node = InstanceState(role: .master, address: config.address, downAfterMs: config.downAfterMs, now: now)
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

    var failoverInProgress: Bool { failoverState != .none }
    var isObjectivelyDown: Bool { odownSinceMs != nil }

    func replicaIndex(_ address: Address) -> Int? {
        replicas.firstIndex { $0.address.matches(host: address.host, port: address.port) }
    }

    var promotedIndex: Int? { promotedAddress.flatMap { replicaIndex($0) } }

    /// The master address clients should use: the promoted replica once the failover reached the
    /// replica reconfiguration stage (the promotion is then confirmed), else the master.
    var currentAddress: Address {
        if failoverState >= .reconfSlaves, let p = promotedAddress { return p }
        return node.address
    }

    /// The name to send for a command, honouring rename-command.
    func commandName(_ name: String) -> String {
        renamedCommands[name.uppercased()] ?? name
    }
}
