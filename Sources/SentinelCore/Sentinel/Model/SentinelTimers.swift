/// Sentinel's periods and timeouts, all in milliseconds. The defaults are Redis's; SENTINEL DEBUG can
/// change them at run time (tests use that to make scenarios short).
public struct SentinelTimers: Sendable, Hashable {
    /// INFO to masters and replicas: often enough to discover replicas and role changes, rarely
    /// enough to be cheap (Redis: 10 s).
    public var infoPeriodMs: Int64 = 10_000
    /// Upper bound of the PING period; the period is min(this, down-after) so SDOWN can be detected.
    public var pingPeriodMs: Int64 = 1_000
    /// How often a sentinel asks its peers whether an SDOWN master is down for them too.
    public var askPeriodMs: Int64 = 1_000
    /// Hello period: discovery and config propagation both ride on it.
    public var publishPeriodMs: Int64 = 2_000
    public var defaultDownAfterMs: Int64 = 30_000
    public var defaultFailoverTimeoutMs: Int64 = 180_000
    /// A gap between two ticks larger than this (or negative) means the clock or the process jumped.
    public var tiltTriggerMs: Int64 = 2_000
    /// How long TILT observes without acting.
    public var tiltPeriodMs: Int64 = 30_000
    /// A replica that got SLAVEOF but did not start syncing in this time is given up on.
    public var slaveReconfTimeoutMs: Int64 = 10_000
    /// A link must have been up this long before it is closed for being unresponsive, so a busy
    /// instance is not reconnected in a loop.
    public var minLinkReconnectPeriodMs: Int64 = 15_000
    /// Waiting for votes never takes longer than this (or failover-timeout if smaller).
    public var electionTimeoutMs: Int64 = 10_000
    public var scriptMaxRuntimeMs: Int64 = 60_000
    public var scriptRetryDelayMs: Int64 = 30_000
    /// Not in Redis: at replica selection the candidates are asked for a fresh INFO and the leader
    /// waits at most this long for the answers, so a stale offset cannot win (REFERENCE §6).
    public var freshInfoTimeoutMs: Int64 = 300

    public init() {}

    /// The DEBUG names Redis uses, in its order (plus our fresh-info-timeout).
    static let debugNames = [
        "info-period", "ping-period", "ask-period", "publish-period", "default-down-after",
        "default-failover-timeout", "tilt-trigger", "tilt-period", "slave-reconf-timeout",
        "min-link-reconnect-period", "election-timeout", "script-max-runtime", "script-retry-delay",
        "fresh-info-timeout",
    ]

    /// Reads or writes a timer by its DEBUG name (case-insensitive); nil for an unknown name.
    subscript(debugName name: String) -> Int64? {
        get {
            switch name.lowercased() {
            case "info-period": return infoPeriodMs
            case "ping-period": return pingPeriodMs
            case "ask-period": return askPeriodMs
            case "publish-period": return publishPeriodMs
            case "default-down-after": return defaultDownAfterMs
            case "default-failover-timeout": return defaultFailoverTimeoutMs
            case "tilt-trigger": return tiltTriggerMs
            case "tilt-period": return tiltPeriodMs
            case "slave-reconf-timeout": return slaveReconfTimeoutMs
            case "min-link-reconnect-period": return minLinkReconnectPeriodMs
            case "election-timeout": return electionTimeoutMs
            case "script-max-runtime": return scriptMaxRuntimeMs
            case "script-retry-delay": return scriptRetryDelayMs
            case "fresh-info-timeout": return freshInfoTimeoutMs
            default: return nil
            }
        }
        set {
            guard let v = newValue else { return }
            switch name.lowercased() {
            case "info-period": infoPeriodMs = v
            case "ping-period": pingPeriodMs = v
            case "ask-period": askPeriodMs = v
            case "publish-period": publishPeriodMs = v
            case "default-down-after": defaultDownAfterMs = v
            case "default-failover-timeout": defaultFailoverTimeoutMs = v
            case "tilt-trigger": tiltTriggerMs = v
            case "tilt-period": tiltPeriodMs = v
            case "slave-reconf-timeout": slaveReconfTimeoutMs = v
            case "min-link-reconnect-period": minLinkReconnectPeriodMs = v
            case "election-timeout": electionTimeoutMs = v
            case "script-max-runtime": scriptMaxRuntimeMs = v
            case "script-retry-delay": scriptRetryDelayMs = v
            case "fresh-info-timeout": freshInfoTimeoutMs = v
            default: break
            }
        }
    }
}

/// Fixed limits, each with its reason.
enum SentinelLimits {
    /// A link with this many unanswered commands gets no more periodic ones: the instance is stuck
    /// and piling up commands would only grow its buffers.
    static let maxPendingCommands = 100
    /// Random delay added to a failover start (and to the "do not start" window after voting), so
    /// sentinels that saw ODOWN together do not all ask for votes in the same millisecond.
    static let maxDesyncMs: Int64 = 1_000
    /// A coordinated switchover gives the chosen replica this long (at most failover-timeout) to
    /// reach the paused master's offset before it gives up and unpauses the master.
    static let switchoverCatchUpMs: Int64 = 10_000
    /// INFO period of a replica between SLAVEOF (to the promoted one) and its link reported up.
    static let reconfInfoPeriodMs: Int64 = 100
    /// Peer replies to is-master-down-by-addr older than this no longer count towards ODOWN.
    static let masterDownReplyValidityFactor: Int64 = 5
    /// A replica whose last valid ping reply is older than this cannot be promoted.
    static let candidatePingMaxAgeFactor: Int64 = 5
    /// Hostile or broken peers must not make us allocate without bound.
    static let maxHelloBytes = 1024
    static let maxKnownSentinelsPerMaster = 256
    static let maxReplicasPerMaster = 1024
    /// Upper bound for any configured duration (about 35 years): periods are multiplied (×2, ×10)
    /// in the algorithm and must never overflow, whatever an operator or a config file says.
    static let maxDurationMs: Int64 = 1 << 40
    /// Epochs travel as signed 64-bit RESP integers. From the network (hellos, vote requests) only
    /// values up to half that range are accepted, so that our own increments can never leave the
    /// range the config file and the wire can carry; a config file may hold up to Int64.max.
    static let maxNetworkEpoch = UInt64(Int64.max / 2)
    static let maxEpoch = UInt64(Int64.max)
}
