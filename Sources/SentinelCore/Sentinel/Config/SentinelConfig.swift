import Config
/// The sentinel's configuration and everything Redis persists in sentinel.conf: the machine starts
/// from one (`Sentinel.init(config:...)`) and emits one in every `.persist` action.
public struct SentinelConfig: Sendable, Hashable {
    /// 40 hex characters; nil in a fresh file (the machine then generates one and persists it).
    public var myID: String?
    public var currentEpoch: UInt64 = 0
    /// The server's own port, announced in hellos unless announce-port is set.
    public var port: Int = 26379
    public var announceIP: String?
    public var announcePort: Int?
    public var denyScriptsReconfig = true
    public var resolveHostnames = false
    public var announceHostnames = false
    public var sentinelUser: String?
    public var sentinelPass: String?
    public var logLevel: LogLevel = .notice
    public var masters: [MasterConfig] = []

    public init() {}
}

/// One `sentinel monitor` block and its persisted state.
public struct MasterConfig: Sendable, Hashable {
    public var name: String
    public var address: Address
    public var quorum: Int
    public var downAfterMs: Int64 = 30_000
    public var failoverTimeoutMs: Int64 = 180_000
    public var parallelSyncs: Int = 1
    public var masterRebootDownAfterPeriodMs: Int64 = 0
    public var authPass: String?
    public var authUser: String?
    public var notificationScript: String?
    public var clientReconfigScript: String?
    /// `rename-command` pairs, e.g. ("CONFIG", "GUESSME"): the name to send for each command.
    /// Keys are the command as the config or SENTINEL SET wrote it (redis-sentinel writes it back
    /// in that letter case) and match in any case; at most one key per command.
    public var renamedCommands: [String: String] = [:]
    public var configEpoch: UInt64 = 0
    /// The epoch of this sentinel's last vote for this master: persisted so that a restarted
    /// sentinel never votes twice in one epoch.
    public var leaderEpoch: UInt64 = 0
    public var knownReplicas: [Address] = []
    public var knownSentinels: [KnownSentinel] = []

    public init(name: String, address: Address, quorum: Int) {
        self.name = name
        self.address = address
        self.quorum = quorum
    }
}

public struct KnownSentinel: Sendable, Hashable {
    public var address: Address
    public var runID: String
    public init(address: Address, runID: String) {
        self.address = address
        self.runID = runID
    }
}
