/// Redis's failover states, in order. The order matters: GET-MASTER-ADDR-BY-NAME answers the
/// promoted replica from `reconfReplicas` on.
enum FailoverState: Int, Sendable, Comparable, CustomStringConvertible {
    case none = 0
    /// Waiting to be elected leader of the failover epoch.
    case waitStart
    /// Choosing the replica to promote (with fresh INFO, see ReplicaSelection).
    case selectSlave
    /// Sending the promotion transaction.
    case sendSlaveofNoOne
    /// Waiting for INFO to show the promoted replica as master.
    case waitPromotion
    /// Pointing the other replicas at the new master, parallel-syncs at a time.
    case reconfSlaves
    /// Done: the master's address is switched at the end of this tick.
    case updateConfig

    static func < (a: FailoverState, b: FailoverState) -> Bool { a.rawValue < b.rawValue }

    /// The names INFO and SENTINEL MASTER show ("failover-state").
    var description: String {
        switch self {
        case .none: return "none"
        case .waitStart: return "wait_start"
        case .selectSlave: return "select_slave"
        case .sendSlaveofNoOne: return "send_slaveof_noone"
        case .waitPromotion: return "wait_promotion"
        case .reconfSlaves: return "reconf_slaves"
        case .updateConfig: return "update_config"
        }
    }
}
