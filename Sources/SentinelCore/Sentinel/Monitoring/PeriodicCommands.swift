/// The monitoring half of the timer: PING, INFO and hello pacing (Redis's
/// sentinelSendPeriodicCommands).
extension Sentinel {
    mutating func sendPeriodicCommands(_ path: InstancePath, now: MonotonicMs) {
        // Read in place: copying the probe or the master's state here, for every instance on
        // every tick, was most of the timer's cost.
        let (connected, pendingCommands, connectedAtMs, downAfterMs, lastPongMs, lastPingMs, lastPubMs, pendingInfo, pendingHello)
            = readProbe(path, { p in
                (p.link.command.isConnected, p.link.pendingCommands, p.link.command.connectedAtMs, p.downAfterMs,
                 p.link.lastPongMs, p.link.lastPingMs, p.link.lastPubMs,
                 p.link.command.pending.contains(.info), p.link.command.pending.contains(.publishHello))
            })
        guard connected else { return }
        // A stuck instance gets nothing more until it answers what it has.
        if pendingCommands >= SentinelLimits.maxPendingCommands { return }
        let mi = path.master
        let role = path.role
        let masterInTrouble = masters[mi].odownSinceMs != nil || masters[mi].failover != nil

        // Replicas of a master in trouble are polled every second: the failover needs their state
        // (role, replication link, offset) to be recent.
        var infoPeriodMs = timers.infoPeriodMs
        if case .replica(_, let r) = path, masterInTrouble || masters[mi].replicas[r].info.masterLinkDownMs != 0 {
            infoPeriodMs = min(infoPeriodMs, 1_000)
            // Not in Redis: a replica told to follow the promoted one is asked every 100 ms until it
            // reports the new link up, so the failover ends (and this leader switches) about 0.1 s
            // after the replicas resync instead of up to 1 s later. Until it ends, a promoted replica
            // that dies again is only a replica to this leader and cannot be judged ODOWN by it.
            let reconf = masters[mi].replicas[r].reconf
            if reconf == .sent || reconf == .inProgress {
                infoPeriodMs = min(infoPeriodMs, SentinelLimits.reconfInfoPeriodMs)
            }
        }
        // Discovery: for one INFO period after a master's link connects (start-up, a new or
        // returning master) ask every second, so replicas attaching meanwhile are known within
        // a second instead of up to ten (Redis's discovery takes ~10 s).
        if role == .master && now - connectedAtMs < timers.infoPeriodMs {
            infoPeriodMs = min(infoPeriodMs, 1_000)
        }
        // PING at least as often as down-after so that a short down-after can still be detected.
        let pingPeriodMs = min(downAfterMs, timers.pingPeriodMs)

        if role != .sentinel, !pendingInfo,
           readInfo(path, { $0.infoRefreshMs }).map({ now - $0 > infoPeriodMs }) ?? true {
            send(path, .command, ["INFO"], expect: .info)
        }
        if now - lastPongMs > pingPeriodMs, lastPingMs.map({ now - $0 > pingPeriodMs / 2 }) ?? true {
            sendPing(path, now: now)
        }
        // Not to a master paused by our switchover: Redis pauses PUBLISH too, and everything we
        // send after it on this link would wait behind it.
        var paused = false
        if role == .master, let run = masters[mi].failover { paused = run.switchover != nil }
        if now - lastPubMs > timers.publishPeriodMs, !pendingHello, !paused {
            sendHello(path, now: now)
        }
        if role == .master { renewLeaseIfDue(path.master, now: now) }
    }

    /// redis-sentinel shares one connection per peer sentinel across the masters they both watch,
    /// so one PING on it stands for the peer under every master and its PONG answers for all: a
    /// peer gets one PING per period. Ours keeps a connection per (master, peer); to the same
    /// effect the last PING sent to a peer and its last valid PONG, on any of its connections, are
    /// kept by run id (`peerLiveness`), and a connection that owes us nothing takes them as its own
    /// before its periodic commands. A connection stuck with requests in flight does not: it pings
    /// on its own and is judged by its own replies, as before. With 1000 masters and two peers
    /// that is two PINGs a second instead of two thousand.
    mutating func adoptPeerLiveness(_ path: InstancePath) {
        guard let runID = readProbe(path, { $0.runID }), let shared = peerLiveness[runID],
              readProbe(path, { $0.link.command.isConnected && $0.link.command.pending.isEmpty }) else { return }
        if let pong = shared.lastPongMs, pong > readProbe(path, { $0.link.lastPongMs }) {
            self[probe: path].link.lastPongMs = pong
            self[probe: path].link.lastAvailMs = max(pong, readProbe(path, { $0.link.lastAvailMs }))
            self[probe: path].link.actPingMs = nil
        }
        if let ping = shared.lastPingMs, readProbe(path, { $0.link.lastPingMs }).map({ ping > $0 }) ?? true {
            self[probe: path].link.lastPingMs = ping
        }
    }

    mutating func sendPing(_ path: InstancePath, now: MonotonicMs) {
        guard send(path, .command, ["PING"], expect: .ping) else { return }
        self[probe: path].link.lastPingMs = now
        if readProbe(path, { $0.link.actPingMs }) == nil { self[probe: path].link.actPingMs = now }
        if case .sentinel = path, let runID = readProbe(path, { $0.runID }) { peerLiveness[runID, default: PeerLiveness()].lastPingMs = now }
    }

    /// PUBLISH our hello to a data node (every subscribed sentinel sees it) or to a peer sentinel
    /// directly: `ip,port,myid,current_epoch,master_name,master_ip,master_port,master_config_epoch`.
    mutating func sendHello(_ path: InstancePath, now: MonotonicMs) {
        let (connected, localIP) = readProbe(path, { ($0.link.command.isConnected, $0.link.localIP) })
        guard connected, let ip = announceIP ?? localIP else { return }
        let mi = path.master
        let master = masters[mi].currentAddress
        let hello = Hello(ip: ip, port: announcePort ?? port, runID: myID, currentEpoch: currentEpoch,
                          masterName: masters[mi].name, masterIP: master.host, masterPort: master.port,
                          masterConfigEpoch: masters[mi].configEpoch)
        let payload = hello.payload
        rememberOwnHello(payload, hello)
        if send(path, .command, ["PUBLISH", Self.helloChannel, payload], expect: .publishHello) {
            self[probe: path].link.lastPubMs = now
        }
    }

    /// Remembers what `Hello.parse` gives for a hello we send, if it parses back to the same hello
    /// (a memo of a pure function: processHello does exactly what it did without it). Bounded:
    /// cleared when it outgrows the masters.
    mutating func rememberOwnHello(_ payload: String, _ hello: Hello) {
        if ownHellos[payload] != nil { return }
        guard Hello.parse(payload) == hello else { return }
        if ownHellos.count >= 2 * masters.count + 64 { ownHellos.removeAll(keepingCapacity: true) }
        ownHellos[payload] = hello
    }

    /// Sends hellos for one master everywhere now, so a new configuration spreads at once rather
    /// than at the next publish period.
    mutating func forceHelloUpdate(master m: Int, now: MonotonicMs) {
        for p in paths(of: m) { sendHello(p, now: now) }
    }
}
