import RESP
/// SENTINEL subcommands (Redis's sentinelCommand), with Valkey's PRIMARY aliases.
extension Sentinel {
    mutating func sentinelCommand(_ args: [String], now: MonotonicMs) -> RESPValue {
        if let error = Self.subcommandError(args) { return .err(error) }
        let sub = args[0].lowercased()
        let rest = Array(args.dropFirst())
        switch sub {
        case "masters", "primaries":
            return .array(masters.indices.map { instanceMap(.master($0), now: now) })
        case "master", "primary":
            guard let m = masterIndex(named: rest[0]) else { return noSuchMaster }
            return instanceMap(.master(m), now: now)
        case "replicas", "slaves":
            guard let m = masterIndex(named: rest[0]) else { return noSuchMaster }
            // Replicas that say replica-announced no are hidden from clients, as in Redis.
            return .array(masters[m].replicas.indices.filter { masters[m].replicas[$0].info.replicaAnnounced }
                .map { instanceMap(.replica(m, $0), now: now) })
        case "sentinels":
            guard let m = masterIndex(named: rest[0]) else { return noSuchMaster }
            return .array(masters[m].sentinels.indices.map { instanceMap(.sentinel(m, $0), now: now) })
        case "get-master-addr-by-name", "get-primary-addr-by-name":
            guard let m = masterIndex(named: rest[0]) else { return .nullArray }
            let a = masters[m].currentAddress
            let probe: Probe? = a == masters[m].node.address ? masters[m].node.probe : masters[m].replicaIndex(a).map { masters[m].replicas[$0].probe }
            return .array([.bulk(probe.map(announced) ?? a.host), .bulk(String(a.port))])
        case "is-master-down-by-addr", "is-primary-down-by-addr":
            return isMasterDownByAddr(rest, now: now)
        case "reset":
            return .integer(Int64(resetMasters(matching: rest[0], now: now)))
        case "failover":
            return forcedFailover(rest[0], now: now)
        case "ckquorum":
            guard let m = masterIndex(named: rest[0]) else { return noSuchMaster }
            return checkQuorum(m)
        case "flushconfig":
            needsPersist = true
            return .ok
        case "monitor":
            return monitorCommand(rest, now: now)
        case "remove":
            guard let m = masterIndex(named: rest[0]) else { return noSuchMaster }
            event(.warning, .monitorRemoved, .master(m), now: now)
            for p in paths(of: m) { closeAllLinks(of: readProbe(p, { $0.link })) }
            masters.remove(at: m)
            reindex()
            needsPersist = true
            return .ok
        case "set":
            return setCommand(rest, now: now)
        case "myid":
            return .bulk(myID)
        case "info-cache":
            return infoCache(rest, now: now)
        case "config":
            return configCommand(rest, now: now)
        case "simulate-failure":
            return simulateFailureCommand(rest)
        case "pending-scripts":
            return .array(scripts.entries.map { e in
                .map([
                    (.bulk("argv"), .array(([e.job.path] + e.job.args).map { .bulk($0) })),
                    (.bulk("flags"), .bulk(e.running ? "running" : "scheduled")),
                    (.bulk("pid"), .bulk("0")),
                    (e.running ? .bulk("run-time") : .bulk("run-delay"),
                     .bulk(String(e.running ? now - e.startedMs : max(0, e.notBeforeMs - now)))),
                    (.bulk("retry-num"), .bulk(String(e.retries))),
                ])
            })
        case "debug":
            return debugCommand(rest)
        case "help":
            return .array(Self.helpLines.map { .simple($0) })
        default:
            // Unreachable: subcommandError refused every name the table does not hold.
            return .err("ERR unknown subcommand '\(args[0])'. Try SENTINEL HELP.")
        }
    }

    var noSuchMaster: RESPValue { .err("ERR No such master with that name") }

    /// `[down, leader, leader-epoch]`. Down only outside TILT for a master we hold SDOWN. A vote is
    /// cast only when a run id (not `*`) is given for a master we monitor; it is persisted before
    /// the reply (see emit). Port and epoch are read as Redis reads them (any integer); only a
    /// request that would cast a vote is held to more: Redis casts a negative epoch to unsigned
    /// (-1 would jump our epoch to the end of time) and votes for any text, so such a request
    /// gets the integer error, or "invalid run id", and no vote.
    mutating func isMasterDownByAddr(_ args: [String], now: MonotonicMs) -> RESPValue {
        guard let port = Int64(strict: args[1]), Int64(strict: args[2]) != nil else {
            return .err("ERR value is not an integer or out of range")
        }
        let runID = args[3]
        let m = (1...65535).contains(port) ? masters.firstIndex { $0.node.address.matches(host: args[0], port: Int(port)) } : nil
        var leader: String?
        var leaderEpoch: UInt64 = 0
        if let m, runID != "*" {
            guard let requestEpoch = Hello.parseEpoch(args[2]) else { return .err("ERR value is not an integer or out of range") }
            guard Hello.isRunID(runID) else { return .err("ERR invalid run id") }
            (leader, leaderEpoch) = voteLeader(m, requestEpoch: requestEpoch, candidate: runID, now: now)
        }
        let down = !isInTilt && m.map { masters[$0].node.isSubjectivelyDown } == true
        return .array([.integer(down ? 1 : 0), .bulk(leader ?? "*"), .integer(Int64(clamping: leaderEpoch))])
    }

    /// SENTINEL RESET: forget replicas, sentinels and failover state of matching masters; they are
    /// rediscovered within seconds.
    mutating func resetMasters(matching pattern: String, now: MonotonicMs) -> Int {
        var count = 0
        for m in masters.indices where Glob.match(pattern, masters[m].name, caseInsensitive: true) {
            if masters[m].failover?.promotionConfirmed == true {
                // Past the promotion the new master exists; finishing the switch is the safe reset.
                switchToPromotedReplica(m, now: now)
            }
            endFailover(m, .reset, now: now)
            for p in paths(of: m) { closeAllLinks(of: readProbe(p, { $0.link })) }
            let address = masters[m].node.address
            masters[m].replicas = []
            masters[m].sentinels = []
            masters[m].node = MasterNode(address: address, downAfterMs: masters[m].node.probe.downAfterMs, now: now)
            reindex()
            masters[m].odownSinceMs = nil
            masters[m].leader = nil
            event(.warning, .resetMaster, .master(m), now: now)
            count += 1
        }
        if count > 0 { needsPersist = true }
        return count
    }

    /// SENTINEL FAILOVER: start a failover without agreement (no ODOWN, no election).
    mutating func forcedFailover(_ name: String, now: MonotonicMs) -> RESPValue {
        guard let m = masterIndex(named: name) else { return noSuchMaster }
        if masters[m].failoverInProgress { return .err("INPROG Failover already in progress") }
        if selectReplica(m, freshFromSeq: nil, now: now).chosen == nil {
            return .err("NOGOODSLAVE No suitable replica to promote")
        }
        log(.warning, "Executing user requested FAILOVER of '\(masters[m].name)'")
        startFailover(m, forced: true, now: now)
        return .ok
    }

    /// Redis's sentinelIsQuorumReachable: usable = us + every known peer not SDOWN (a peer whose
    /// link is down but not yet for down-after counts, as in Redis); failover needs usable ≥ quorum
    /// and usable ≥ a majority of all known sentinels and us.
    func checkQuorum(_ m: Int) -> RESPValue {
        let voters = masters[m].sentinels.count + 1
        let usable = 1 + masters[m].sentinels.filter { !$0.isSubjectivelyDown }.count
        var problems: [String] = []
        if usable < masters[m].quorum { problems.append("Not enough available Sentinels to reach the specified quorum for this master") }
        if usable < Quorum.majority(of: voters) { problems.append("Not enough available Sentinels to reach the majority and authorize a failover") }
        if problems.isEmpty {
            return .simple("OK \(usable) usable Sentinels. Quorum and failover authorization can be reached")
        }
        return .err("NOQUORUM \(usable) usable Sentinels. " + problems.joined(separator: ". "))
    }

    /// SENTINEL MONITOR, with Redis's checks in Redis's order and words. Two are ours: port 0
    /// (Redis takes it) is refused with Redis's range error, since it could never be reached and
    /// a saved `sentinel monitor ... 0` would not load again; and a name with a space, comma or
    /// newline, which would break the hello messages that carry it.
    mutating func monitorCommand(_ args: [String], now: MonotonicMs) -> RESPValue {
        let name = args[0]
        guard let quorum = Int64(strict: args[3]) else { return .err("ERR Invalid quorum") }
        guard let rawPort = Int64(strict: args[2]) else { return .err("ERR Invalid port") }
        guard quorum > 0 else { return .err("ERR Quorum must be 1 or greater.") }
        guard resolveHostnames || SentinelConfigParser.isIPAddress(args[1]) else {
            return .err("ERR Invalid IP address or hostname specified")
        }
        guard (1...65535).contains(rawPort) else { return .err("ERR Invalid port number.") }
        let port = Int(rawPort)
        guard !name.isEmpty, !name.contains(where: { $0 == " " || $0 == "," || $0.isNewline }) else {
            return .err("ERR Invalid master name")
        }
        guard masterIndex(named: name) == nil else { return .err("ERR Duplicate master name.") }
        var config = MasterConfig(name: name, address: Address(host: args[1], port: port), quorum: Int(clamping: quorum))
        config.downAfterMs = timers.defaultDownAfterMs
        config.failoverTimeoutMs = timers.defaultFailoverTimeoutMs
        masters.append(MasterState(config: config, now: now))
        reindex()
        event(.warning, .monitor, .master(masters.count - 1), "quorum \(quorum)", now: now)
        needsPersist = true
        return .ok
    }

    mutating func infoCache(_ names: [String], now: MonotonicMs) -> RESPValue {
        var result: [RESPValue] = []
        for m in masters.indices where names.isEmpty || names.contains(where: { $0.lowercased() == masters[m].name.lowercased() }) {
            let nodes = [masters[m].node.info] + masters[m].replicas.map(\.info)
            let infos: [RESPValue] = nodes.map { n in
                .array([.integer(n.infoRefreshMs.map { now - $0 } ?? 0), n.lastInfo.map { .bulk($0) } ?? .null])
            }
            result.append(.bulk(masters[m].name))
            result.append(.array(infos))
        }
        return .array(result)
    }

    /// Redis clears the flags first and sets them word by word: HELP answers the list (with the
    /// flags cleared), an unknown word stops with an error and keeps the ones before it.
    mutating func simulateFailureCommand(_ args: [String]) -> RESPValue {
        simulateFailure = SimulateFailure()
        for a in args {
            switch a.lowercased() {
            case "crash-after-election":
                simulateFailure.crashAfterElection = true
                log(.warning, "Failure simulation: this Sentinel will crash after being successfully elected as failover leader")
            case "crash-after-promotion":
                simulateFailure.crashAfterPromotion = true
                log(.warning, "Failure simulation: this Sentinel will crash after promoting the selected replica to master")
            case "help":
                return .array([.bulk("crash-after-election"), .bulk("crash-after-promotion")])
            default: return .err("ERR Unknown failure simulation specified")
            }
        }
        return .ok
    }

    /// SENTINEL DEBUG: the timers, or `<name> <ms>` pairs. The errors are Redis's; unlike Redis
    /// (which applies the pairs before a bad one) nothing changes unless all are valid, and a
    /// duration is capped (SentinelLimits) so that timer arithmetic cannot overflow.
    mutating func debugCommand(_ args: [String]) -> RESPValue {
        if args.isEmpty {
            return .map(SentinelTimers.debugNames.map { (.bulk($0.uppercased()), .bulk(String(timers[debugName: $0] ?? 0))) })
        }
        var updated = timers
        var i = 0
        while i < args.count {
            guard updated[debugName: args[i]] != nil, i + 1 < args.count else {
                return .err("ERR Unknown option or number of arguments for SENTINEL DEBUG '\(args[i])'")
            }
            guard let v = Int64(strict: args[i + 1]), v > 0, v <= SentinelLimits.maxDurationMs else {
                return .err("ERR Invalid argument '\(args[i + 1])' for SENTINEL DEBUG '\(args[i])'")
            }
            updated[debugName: args[i]] = v
            i += 2
        }
        timers = updated
        return .ok
    }
}

extension Int64 {
    /// Redis's string2ll: an optional minus and decimal digits, nothing else (no plus, no spaces,
    /// no leading zeros but "0").
    init?(strict s: String) {
        let u = Array(s.utf8)
        let digits = u.first == UInt8(ascii: "-") ? u.dropFirst() : u[...]
        guard !digits.isEmpty, digits.count <= 20, digits.allSatisfy({ (48...57).contains($0) }),
              digits.first != 48 || digits.count == 1, !(u.first == UInt8(ascii: "-") && digits == [48]) else { return nil }
        self.init(s)
    }
}
