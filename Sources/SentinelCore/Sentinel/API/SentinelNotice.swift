/// One Redis Sentinel event (`+sdown`, `+switch-master` …) as data, carried by `.publish`. The
/// channel and message that pub/sub clients, logs and scripts see are computed from it, in Redis's
/// format; consumers that need to know what happened (metrics, the simulation's invariants) read
/// the typed fields instead of parsing that text.
public struct SentinelNotice: Sendable, Hashable, CustomStringConvertible {
    public let kind: Kind
    /// The monitored master the event belongs to (nil for TILT and script events).
    public let master: String?
    /// The instance the event is about (nil when the message is only the detail).
    public let instance: Instance?
    /// The epoch the event is about: the new epoch (`+new-epoch`), the vote's epoch
    /// (`+vote-for-leader`), the config epoch now in force (`+switch-master`,
    /// `+config-update-from`), or the epoch of our failover run (the steps of a failover, see
    /// `Kind.isFailoverStep`). nil for the others.
    public let epoch: UInt64?
    /// `+vote-for-leader`: the run id voted for.
    public let candidate: String?
    /// The free text after the instance (Redis's format arguments: "#quorum 2/2", offsets …).
    public let detail: String

    /// An instance as Redis names it in events.
    public struct Instance: Sendable, Hashable, CustomStringConvertible {
        public let role: InstanceRole
        /// The master's name, a replica's ip:port, or a sentinel's run id.
        public let name: String
        public let address: Address
        /// For replicas and sentinels: the master they belong to.
        public let master: MasterRef?

        public struct MasterRef: Sendable, Hashable {
            public let name: String
            public let address: Address
        }

        /// `<role> <name> <ip> <port> [@ <master> <ip> <port>]`
        public var description: String {
            var s = "\(role.rawValue) \(name) \(address.host) \(address.port)"
            if let m = master { s += " @ \(m.name) \(m.address.host) \(m.address.port)" }
            return s
        }
    }

    /// The event types, named as Redis publishes them (the raw value is the channel).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case monitor = "+monitor", monitorRemoved = "-monitor", set = "+set", resetMaster = "+reset-master"
        case slave = "+slave", sentinel = "+sentinel", sentinelAddressSwitch = "+sentinel-address-switch"
        case sentinelInvalidAddr = "+sentinel-invalid-addr"
        case sdown = "+sdown", sdownEnded = "-sdown", odown = "+odown", odownEnded = "-odown"
        case tilt = "+tilt", tiltEnded = "-tilt"
        case reboot = "+reboot", roleChange = "+role-change", roleChangeIncoherent = "-role-change"
        case convertToSlave = "+convert-to-slave", fixSlaveConfig = "+fix-slave-config"
        case newEpoch = "+new-epoch", voteForLeader = "+vote-for-leader"
        case configUpdateFrom = "+config-update-from", switchMaster = "+switch-master"
        case tryFailover = "+try-failover", electedLeader = "+elected-leader"
        case failoverStateSelectSlave = "+failover-state-select-slave", selectedSlave = "+selected-slave"
        case failoverStateSendSlaveofNoOne = "+failover-state-send-slaveof-noone"
        case failoverStateWaitPromotion = "+failover-state-wait-promotion", promotedSlave = "+promoted-slave"
        case failoverStateReconfSlaves = "+failover-state-reconf-slaves"
        case slaveReconfSent = "+slave-reconf-sent", slaveReconfInProgress = "+slave-reconf-inprog"
        case slaveReconfDone = "+slave-reconf-done", slaveReconfSentTimeout = "-slave-reconf-sent-timeout"
        case slaveReconfSentBestEffort = "+slave-reconf-sent-be"
        case failoverEnd = "+failover-end", failoverEndForTimeout = "+failover-end-for-timeout"
        case failoverAbortNotElected = "-failover-abort-not-elected"
        case failoverAbortNoGoodSlave = "-failover-abort-no-good-slave"
        case failoverAbortSlaveTimeout = "-failover-abort-slave-timeout"
        case failoverAbortSwitchoverTimeout = "-failover-abort-switchover-timeout"
        case failoverAbortSwitchoverPauseRefused = "-failover-abort-switchover-pause-refused"
        case switchoverPauseWrites = "+switchover-pause-writes", switchoverReplicaInSync = "+switchover-replica-in-sync"
        case switchoverDemotedOldMaster = "+switchover-demoted-old-master"
        case scriptError = "-script-error", scriptTimeout = "-script-timeout"

        /// Steps of our own failover run: their `epoch` is the run's.
        public var isFailoverStep: Bool {
            switch self {
            case .tryFailover, .electedLeader, .failoverStateSelectSlave, .selectedSlave,
                 .failoverStateSendSlaveofNoOne, .failoverStateWaitPromotion, .promotedSlave,
                 .failoverStateReconfSlaves, .slaveReconfSent, .slaveReconfInProgress, .slaveReconfDone,
                 .slaveReconfSentTimeout, .slaveReconfSentBestEffort, .failoverEnd, .failoverEndForTimeout,
                 .failoverAbortNotElected, .failoverAbortNoGoodSlave, .failoverAbortSlaveTimeout,
                 .failoverAbortSwitchoverTimeout, .failoverAbortSwitchoverPauseRefused,
                 .switchoverPauseWrites, .switchoverReplicaInSync, .switchoverDemotedOldMaster:
                return true
            default:
                return false
            }
        }
    }

    public var channel: String { kind.rawValue }

    /// Redis's text: `<role> <name> <ip> <port> [@ <master> <ip> <port>] [detail]`, or only the
    /// detail for events without an instance.
    public var message: String {
        guard let instance else { return detail }
        return detail.isEmpty ? instance.description : "\(instance) \(detail)"
    }

    public var description: String { "\(channel) \(message)" }
}
