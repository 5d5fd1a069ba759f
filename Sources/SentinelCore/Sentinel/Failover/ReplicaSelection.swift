/// Choosing the replica to promote (Redis's sentinelSelectSlave), with two improvements from
/// REFERENCE §6: offsets are fresh (the candidates are asked for INFO and the choice waits, at most
/// fresh-info-timeout, for the answers) and every rejected candidate is reported with its reason.
extension Sentinel {
    struct Selection {
        var chosen: Int?
        var eligible: [ReplicaCandidate] = []
        var rejected: [(Int, String)] = []
        /// Some candidate was refused only for lacking writes up to the acknowledged floor: it may
        /// still catch up (the old master is fenced, so the floor no longer moves).
        var behindFloor = false
    }

    /// Applies Redis's exclusions and order. With `freshFromSeq`, a candidate must also have answered
    /// INFO since that instant.
    func selectReplica(_ m: Int, freshFromSeq: UInt64?, now: MonotonicMs) -> Selection {
        let master = masters[m]
        var maxMasterDownMs = master.node.probe.downAfterMs * 10
        if let since = master.node.probe.sdownSinceMs { maxMasterDownMs += now - since }
        // INFO is refreshed every second while the master is down, every 10 s otherwise.
        let infoValidityMs = master.node.isSubjectivelyDown ? timers.pingPeriodMs * 5 : timers.infoPeriodMs * 3
        var selection = Selection()
        var eligible: [(Int, ReplicaCandidate)] = []
        // Write fencing (docs/fencing.md): promote only a replica holding every acknowledged write,
        // i.e. every write that a majority of the data nodes held.
        // Offsets only compare within one replication history: the old master's (its last INFO's
        // master_replid, or else the one most fresh replicas report). A replica still reporting an
        // offset of another history (say a former master not yet resynchronised) counts as not
        // having answered, and cannot be promoted.
        var safety: (answered: Int, needed: Int, floor: Int64?)?
        var history: String?
        if let since = freshFromSeq, fencingLeaseMs(m) > 0, !master.forceFailover {
            var fresh = master.replicas.filter { $0.info.answeredInfoSeq >= since && $0.info.roleReported == .replica }
            history = master.node.info.replID ?? Self.mostCommon(fresh.compactMap(\.info.replID))
            fresh = fresh.filter { $0.info.replID == history }
            safety = Self.acknowledgedFloor(freshOffsets: fresh.map(\.info.replOffset), dataNodes: master.replicas.count + 1)
        }
        for (i, r) in master.replicas.enumerated() {
            let reason: String?
            if let s = safety, s.floor == nil {
                reason = "fresh offsets from \(s.answered) of \(master.replicas.count + 1) data nodes; fencing needs \(s.needed)"
            } else if safety != nil, r.info.roleReported != .replica {
                reason = "reports role master"
            } else if safety != nil, r.info.replID != history {
                reason = "on another replication history (\(r.info.replID ?? "unknown"))"
            } else if let floor = safety?.floor, r.info.replOffset < floor {
                reason = "offset \(r.info.replOffset) may lack acknowledged writes (up to offset \(floor))"
                if r.info.priority != 0 && !r.isSubjectivelyDown && !r.link.disconnected { selection.behindFloor = true }
            } else if r.isSubjectivelyDown {
                reason = "s_down"
            } else if r.link.disconnected {
                reason = "disconnected"
            } else if now - r.link.lastAvailMs > timers.pingPeriodMs * SentinelLimits.candidatePingMaxAgeFactor {
                reason = "last valid ping reply \(now - r.link.lastAvailMs) ms ago"
            } else if r.info.priority == 0 {
                reason = "replica-priority 0"
            } else if let since = freshFromSeq, r.info.answeredInfoSeq < since {
                reason = "no fresh INFO within \(timers.freshInfoTimeoutMs) ms"
            } else if r.info.infoRefreshMs.map({ now - $0 > infoValidityMs }) ?? true {
                reason = "INFO too old"
            } else if r.info.masterLinkDownMs > maxMasterDownMs {
                reason = "master link down for \(r.info.masterLinkDownMs) ms (max \(maxMasterDownMs))"
            } else {
                reason = nil
            }
            if let reason {
                selection.rejected.append((i, reason))
            } else {
                eligible.append((i, ReplicaCandidate(address: r.address, priority: r.info.priority,
                                                     offset: r.info.replOffset, runID: r.runID ?? "")))
            }
        }
        // Lowest priority number first, then most data, then smallest run id (a missing run id
        // sorts last).
        eligible.sort { a, b in
            let x = a.1, y = b.1
            if x.priority != y.priority { return x.priority < y.priority }
            if x.offset != y.offset { return x.offset > y.offset }
            if x.runID.isEmpty != y.runID.isEmpty { return !x.runID.isEmpty }
            return x.runID < y.runID
        }
        selection.eligible = eligible.map(\.1)
        selection.chosen = eligible.first?.0
        return selection
    }

    /// The value most often given (ties: the smallest), or nil for none.
    static func mostCommon(_ ids: [String]) -> String? {
        var counts: [String: Int] = [:]
        for id in ids { counts[id, default: 0] += 1 }
        return counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key
    }

    /// An acknowledged write was held by a majority M of the N data nodes. Of k fresh answers at
    /// least M + k - N come from nodes that hold it, so the (M + k - N)-th highest fresh offset is
    /// a floor every acknowledged write lies under; with fewer answers there is no floor (nil).
    static func acknowledgedFloor(freshOffsets: [Int64], dataNodes n: Int) -> (answered: Int, needed: Int, floor: Int64?) {
        let majority = Quorum.majority(of: n)
        let needed = n - majority + 1
        let k = freshOffsets.count
        guard k >= needed else { return (k, needed, nil) }
        return (k, needed, freshOffsets.sorted(by: >)[majority + k - n - 1])
    }

    mutating func failoverSelectSlave(_ m: Int, now: MonotonicMs) {
        guard let run = masters[m].failover, case .selectSlave(let round) = run.phase else { return }
        let freshFromSeq: UInt64
        if let round {
            if masters[m].replicas.contains(where: { $0.freshInfoAskedMs != nil }),
               now - round.requestedMs < timers.freshInfoTimeoutMs {
                return
            }
            freshFromSeq = round.firstSeq
        } else {
            // Write fencing: the old master must be fenced before its replicas' offsets are read.
            if fenceWaitRemainingMs(m, now: now) > 0 { return }
            freshFromSeq = infoSeq + 1
            advanceFailover(m, to: .selectSlave(freshInfo: .init(requestedMs: now, firstSeq: freshFromSeq)), now: now)
            // With fencing every reachable replica's offset counts, even one that cannot be chosen.
            let askAll = fencingLeaseMs(m) > 0
            var asked = 0
            for r in masters[m].replicas.indices {
                let replica = masters[m].replicas[r]
                guard askAll || (!replica.isSubjectivelyDown && !replica.link.disconnected && replica.info.priority != 0) else { continue }
                if send(.replica(m, r), .command, ["INFO"], expect: .info) {
                    masters[m].replicas[r].freshInfoAskedMs = now
                    asked += 1
                }
            }
            if asked > 0 { return }
        }
        var selection = selectReplica(m, freshFromSeq: freshFromSeq, now: now)
        // Fresh offsets are an improvement on Redis, not a new way to fail: if no candidate
        // answered in time (a loaded host), choose on the last INFO as Redis does. Not with
        // fencing, whose guarantee needs offsets read after the old master was fenced.
        if selection.chosen == nil && fencingLeaseMs(m) == 0 {
            let lastInfo = selectReplica(m, freshFromSeq: nil, now: now)
            if lastInfo.chosen != nil {
                log(.notice, "No candidate answered INFO within \(timers.freshInfoTimeoutMs) ms: selecting on the last INFO received")
                selection = lastInfo
            }
        }
        for r in masters[m].replicas.indices { masters[m].replicas[r].freshInfoAskedMs = nil }
        advanceFailover(m, to: .selectSlave(freshInfo: nil), now: now)
        for (r, reason) in selection.rejected {
            let address = masters[m].replicas[r].address
            out.append(.candidateRejected(master: masters[m].name, replica: address, reason: reason))
            log(.notice, "+candidate-rejected \(describe(.replica(m, r))) \(reason)")
        }
        guard let chosen = selection.chosen else {
            // Write fencing: a candidate only behind the floor is given time to catch up (from a
            // master that is alive but fenced), asked again every fresh-info round, within
            // failover-timeout. If the writes it lacks are only on a priority-0 replica or the
            // dead master, it never will: promoting it could lose acknowledged writes.
            if selection.behindFloor && failoverPhaseAgeMs(m, now: now) < masters[m].failoverTimeoutMs {
                return
            }
            event(.warning, .failoverAbortNoGoodSlave, .master(m), now: now)
            endFailover(m, .aborted, now: now)
            return
        }
        let address = masters[m].replicas[chosen].address
        out.append(.candidateSelected(master: masters[m].name, replica: address, eligible: selection.eligible))
        event(.warning, .selectedSlave, .replica(m, chosen), now: now)
        masters[m].replicas[chosen].promoted = true
        advanceFailover(m, to: .sendSlaveofNoOne(promoted: address, switchover: nil), now: now)
        event(.notice, .failoverStateSendSlaveofNoOne, .replica(m, chosen), now: now)
    }
}
