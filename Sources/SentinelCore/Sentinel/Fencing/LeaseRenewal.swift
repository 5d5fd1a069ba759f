import RESP
/// Write fencing, sentinel side (docs/fencing.md). A data node started with `fencing-quorum` > 0
/// accepts writes as master only while that many sentinels hold a lease on it; its INFO says so
/// (`fencing_lease_ms`), and from then on this sentinel renews its lease on the master it
/// believes in with `FENCING RENEW <myid> <token>`.
///
/// Safety rests on three rules here and one in the failover:
/// 1. A sentinel holds a lease on at most one node at a time: after the master's address changes
///    it waits until its last renewal to the previous one has expired before renewing the new one.
///    With fencing-quorum a majority of the sentinels, two masters can then never both be open.
/// 2. No renewal while the master is SDOWN or while our own failover runs. TILT does not stop
///    renewals: a lease needs a live link and the master's own token, and rules 1 and 3 do not
///    depend on the judgements TILT suspends; a fleet-wide stall (every sentinel in TILT) would
///    otherwise fence a healthy master for the whole TILT period (seen in the partition tests).
/// 3. No renewal after voting in an epoch (or starting a failover) that has not become the
///    master's config epoch: the voted-for leader may have promoted a replica; renewing the old
///    master could reopen it. If such a vote stays unresolved for failover-timeout, the master is
///    judged down (withheld lease), so the sentinels that keep it fenced also fail it over.
/// 4. The leader reads the replicas' offsets only one lease after its election (see
///    ReplicaSelection): every voter stopped renewing before voting, so the old master is fenced
///    by then and its offset can no longer grow.
struct LeaseState: Sendable {
    /// The token the master handed out in its last reply, and which master that was.
    var token: Int64 = 0
    var tokenFrom: Address?
    /// Our last renewal: when, to whom, for how long a lease.
    var lastSentMs: MonotonicMs?
    var lastSentTo: Address?
    var lastSentLeaseMs: Int64 = 0
    /// When we voted (or started a failover) in an epoch newer than the master's config epoch.
    var votedAtMs: MonotonicMs?
}

extension Sentinel {
    /// The lease announced by the master or any of its replicas (they share the configuration;
    /// after a restart of ours the master may be unreachable while its replicas answer).
    func fencingLeaseMs(_ m: Int) -> Int64 { largestAnnounced(m) { $0.fencingLeaseMs } }

    /// The largest fencing-quorum the master or its replicas announce.
    func fencingQuorum(_ m: Int) -> Int { largestAnnounced(m) { $0.fencingQuorum } }

    private func largestAnnounced<T: Comparable>(_ m: Int, _ field: (InfoState) -> T) -> T {
        var largest = field(masters[m].node.info)
        for r in masters[m].replicas.indices { largest = max(largest, field(masters[m].replicas[r].info)) }
        return largest
    }

    /// Rule 3: a vote in an epoch the master's configuration has not reached yet.
    func hasUnresolvedVote(_ m: Int) -> Bool {
        masters[m].leaderEpoch > masters[m].configEpoch
    }

    func mayRenewLease(_ m: Int, now: MonotonicMs) -> Bool {
        let ms = masters[m]
        // Rule 1 lives in memory: after a restart, a lease we granted before it may still run.
        return now - startedAtMs > ms.node.info.fencingLeaseMs && !ms.node.isSubjectivelyDown && ms.node.info.roleReported == .master
            && !ms.failoverInProgress && !hasUnresolvedVote(m) && ms.switchover == nil
    }

    /// Sends a renewal when one is due: every quarter lease, and at once after a first token.
    mutating func renewLeaseIfDue(_ m: Int, now: MonotonicMs, force: Bool = false) {
        // Fencing off (the usual case): nothing to read or copy.
        guard masters[m].node.info.fencingLeaseMs > 0 else { return }
        let node = masters[m].node
        let leaseMs = node.info.fencingLeaseMs
        guard leaseMs > 0, node.link.command.isConnected, mayRenewLease(m, now: now),
              !node.link.command.pending.contains(.fencingRenew) else { return }
        let lease = masters[m].lease
        if let last = lease.lastSentMs, let to = lease.lastSentTo {
            if to != node.address {
                // Rule 1: our lease on the previous master must have run out first.
                if now - last <= lease.lastSentLeaseMs { return }
            } else if !force && now - last < max(leaseMs / 4, 1) {
                return
            }
        }
        let token = lease.tokenFrom == node.address ? lease.token : 0
        // The lease we time our own waits with is the one we ask for (the node grants no more).
        guard send(.master(m), .command, ["FENCING", "RENEW", myID, String(token), String(leaseMs)], expect: .fencingRenew) else { return }
        masters[m].lease.lastSentMs = now
        masters[m].lease.lastSentTo = node.address
        masters[m].lease.lastSentLeaseMs = leaseMs
    }

    /// The master's answer is the token for the next renewal. After a first token (nothing was
    /// granted yet) renew at once.
    mutating func leaseReply(_ value: RESPValue, _ path: InstancePath, now: MonotonicMs) {
        guard case .master(let m) = path, case .integer(let token) = value else {
            if value.isError { log(.warning, "-fencing-renew \(describe(path)) \(value.text ?? "")") }
            return
        }
        let first = masters[m].lease.tokenFrom != masters[m].node.address || masters[m].lease.token == 0
        masters[m].lease.token = token
        masters[m].lease.tokenFrom = masters[m].node.address
        if first { renewLeaseIfDue(m, now: now, force: true) }
    }

    /// Rule 3's way out: a vote unresolved for failover-timeout while fencing is on makes the
    /// master count as down, so that a new failover settles who is master.
    func leaseWithheldTooLong(_ m: Int, now: MonotonicMs) -> Bool {
        // The cheap tests first: this runs for every master on every tick.
        guard let voted = masters[m].lease.votedAtMs, hasUnresolvedVote(m), masters[m].failover == nil,
              fencingLeaseMs(m) > 0 else { return false }
        return now - voted > masters[m].failoverTimeoutMs
    }

    /// Rule 4: how long the leader must still wait before reading offsets (0: go on).
    func fenceWaitRemainingMs(_ m: Int, now: MonotonicMs) -> Int64 {
        let leaseMs = fencingLeaseMs(m)
        guard leaseMs > 0, !masters[m].forceFailover, let elected = masters[m].failover?.electedAtMs else { return 0 }
        // A small margin for the rates of two monotonic clocks and the tick.
        let until = elected + leaseMs + leaseMs / 16 + 10
        return max(0, until - now)
    }
}
