/// One failover attempt of ours, from +try-failover to its end. Redis keeps a failover as an integer
/// state plus a dozen loose fields; here each phase carries the data that only exists in it, so a
/// field can never be read in a phase where it means nothing.
///
/// Legal transitions (`advance(to:now:)`; anything else is a bug and traps):
///
/// | from                 | to                   | when |
/// |----------------------|----------------------|------|
/// | (no run)             | waitStart            | `startFailover`: ODOWN or SENTINEL FAILOVER |
/// | waitStart            | waitStart            | we voted for another candidate: the election clock restarts (Redis shares failover_start_time) |
/// | waitStart            | selectSlave          | elected (or forced) |
/// | selectSlave          | selectSlave          | a fresh-INFO round starts or ends |
/// | selectSlave          | sendSlaveofNoOne     | a replica was chosen |
/// | sendSlaveofNoOne     | sendSlaveofNoOne     | switchover: master paused, its offset read |
/// | sendSlaveofNoOne     | waitPromotion        | SLAVEOF NO ONE sent |
/// | waitPromotion        | reconfSlaves         | INFO shows the chosen replica as master |
/// | reconfSlaves         | updateConfig         | every reachable replica reconfigured, or failover-timeout |
///
/// Staying in a phase with new data keeps the phase's start time (`phaseSinceMs`), which the phase
/// timeouts are measured from. A run leaves only through `Sentinel.endFailover(_:_:now:)`:
/// `.aborted` up to waitPromotion (after that the new master exists), `.switched` from any phase
/// (our own switch at updateConfig, or a newer configuration from a peer), `.reset` (SENTINEL RESET)
/// before reconfSlaves.
struct FailoverRun: Sendable {
    enum Phase: Sendable {
        /// Waiting to be elected leader of the epoch. `electionStartMs` is the start with Redis's
        /// random desync added; the election times out relative to it.
        case waitStart(electionStartMs: MonotonicMs)
        /// Choosing the replica to promote; `freshInfo` while candidates are asked for fresh INFO.
        case selectSlave(freshInfo: FreshInfoRound?)
        /// Sending the promotion transaction to `promoted`; `switchover` while a coordinated
        /// switchover keeps the old master paused.
        case sendSlaveofNoOne(promoted: Address, switchover: SwitchoverState?)
        /// Waiting for INFO to show `promoted` as master.
        case waitPromotion(promoted: Address, switchover: SwitchoverState?)
        /// Pointing the other replicas at `promoted`, parallel-syncs at a time.
        case reconfSlaves(promoted: Address)
        /// Done: the master's address is switched at the end of this tick.
        case updateConfig(promoted: Address)

        /// Redis's order of the states, for the transition table.
        var rank: Int {
            switch self {
            case .waitStart: return 1
            case .selectSlave: return 2
            case .sendSlaveofNoOne: return 3
            case .waitPromotion: return 4
            case .reconfSlaves: return 5
            case .updateConfig: return 6
            }
        }

        /// The names INFO and SENTINEL MASTER show ("failover-state").
        var name: String {
            switch self {
            case .waitStart: return "wait_start"
            case .selectSlave: return "select_slave"
            case .sendSlaveofNoOne: return "send_slaveof_noone"
            case .waitPromotion: return "wait_promotion"
            case .reconfSlaves: return "reconf_slaves"
            case .updateConfig: return "update_config"
            }
        }
    }

    /// Not in Redis: the fresh INFO asked of the candidates at SELECT_SLAVE.
    struct FreshInfoRound: Sendable {
        var requestedMs: MonotonicMs
        /// The first INFO sequence number (Sentinel.infoSeq) that counts as fresh.
        var firstSeq: UInt64
    }

    /// The epoch this run asked votes for (and, once promoted, the new config epoch).
    let epoch: UInt64
    /// SENTINEL FAILOVER: no election needed, no fencing waits.
    let forced: Bool
    private(set) var phase: Phase
    private(set) var phaseSinceMs: MonotonicMs
    /// When the run left waitStart (elected, or forced): write fencing times its wait from it.
    private(set) var electedAtMs: MonotonicMs?

    init(epoch: UInt64, forced: Bool, electionStartMs: MonotonicMs, now: MonotonicMs) {
        self.epoch = epoch
        self.forced = forced
        phase = .waitStart(electionStartMs: electionStartMs)
        phaseSinceMs = now
    }

    /// Moves to `next`, checking the table above.
    mutating func advance(to next: Phase, now: MonotonicMs) {
        let from = phase.rank, to = next.rank
        let legal = to == from + 1 || (to == from && from <= 3)
        guard legal else { preconditionFailure("illegal failover transition \(phase.name) -> \(next.name)") }
        if to != from { phaseSinceMs = now }
        if from == 1 && to == 2 { electedAtMs = now }
        phase = next
    }

    /// The replica chosen at SELECT_SLAVE, from sendSlaveofNoOne on.
    var promoted: Address? {
        switch phase {
        case .waitStart, .selectSlave: return nil
        case .sendSlaveofNoOne(let p, _), .waitPromotion(let p, _), .reconfSlaves(let p), .updateConfig(let p): return p
        }
    }

    /// The promotion is confirmed: clients are given the promoted replica.
    var promotionConfirmed: Bool { phase.rank >= 5 }

    var switchover: SwitchoverState? {
        switch phase {
        case .sendSlaveofNoOne(_, let sw), .waitPromotion(_, let sw): return sw
        default: return nil
        }
    }

    var freshInfo: FreshInfoRound? {
        if case .selectSlave(let round) = phase { return round }
        return nil
    }
}

/// When the next failover of ours may start. Redis keeps only the last attempt's start.
enum NextFailoverGate: Sendable, Equatable {
    /// Redis's rule: 2 × failover-timeout after `attemptMs`, the start of our last attempt or the
    /// moment we voted for another candidate (with desync). Read with the failover-timeout of the
    /// moment, as Redis does, since SENTINEL SET may change it.
    case twoTimeoutsAfter(attemptMs: MonotonicMs)
    /// After a split vote: an explicit earliest time.
    case notBefore(MonotonicMs)

    func earliestStartMs(failoverTimeoutMs: Int64) -> MonotonicMs {
        switch self {
        case .twoTimeoutsAfter(let t): return t + failoverTimeoutMs * 2
        case .notBefore(let t): return t
        }
    }
}

/// Why a failover run ended.
enum FailoverEnd: Sendable {
    /// Given up before the promotion was confirmed; the master stays.
    case aborted
    /// The master's address changed (our own switch, or a newer configuration from a peer).
    case switched
    /// SENTINEL RESET before the promotion was confirmed.
    case reset
}
