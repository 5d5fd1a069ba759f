/// Acting on hellos (Redis's sentinelProcessHelloMessage): discovery of peers, epoch adoption and
/// configuration propagation.
extension Sentinel {
    mutating func processHello(_ payload: String, now: MonotonicMs) {
        // Our own hellos come back on every pub/sub link subscribed to the node (ten times each
        // when ten masters share a node): their parse is remembered when they are sent.
        guard let hello = ownHellos[payload] ?? Hello.parse(payload) else {
            log(.verbose, "Refused malformed hello")
            return
        }
        if hello.runID.caseInsensitiveEquals(myID) {
            // Our own hellos come back through the data nodes. One from another address means a
            // second sentinel uses our id (a copied config file): Redis says nothing; we warn, at
            // most once a minute, because such twins break discovery and voting silently.
            let ownPort = announcePort ?? port
            let other = hello.port != ownPort || (announceIP.map { $0 != hello.ip } ?? false)
            if other, lastDuplicateIDWarningMs.map({ now - $0 > 60_000 }) ?? true {
                lastDuplicateIDWarningMs = now
                log(.warning, "WARNING: sentinel at \(hello.ip):\(hello.port) announces my own id \(myID); "
                    + "each sentinel needs a unique myid (remove the 'sentinel myid' line from copied config files)")
            }
            return
        }
        guard let m = masterIndex(named: hello.masterName) else { return }
        let address = Address(host: hello.ip, port: hello.port)

        var s = masters[m].sentinels.firstIndex { $0.runID == hello.runID && $0.address == address }
        if s == nil {
            // Same run id at another address: the peer moved (or was announced differently).
            if let moved = masters[m].sentinels.firstIndex(where: { $0.runID == hello.runID }) {
                closeAllLinks(of: masters[m].sentinels[moved].link)
                masters[m].sentinels[moved].probe.address = address
                masters[m].sentinels[moved].probe.link = InstanceLink(hasPubsub: false, now: now)
                reindex()
                event(.notice, .sentinelAddressSwitch, .master(m), "ip \(address.host) port \(address.port) for \(hello.runID)", now: now)
                s = moved
            } else {
                // Another run id at this address: that entry is stale (a restarted peer with a new
                // id, or a copy of a config file); the address belongs to the newcomer.
                if let stale = masters[m].sentinels.firstIndex(where: { $0.address == address }) {
                    event(.notice, .sentinelInvalidAddr, .sentinel(m, stale), now: now)
                    closeAllLinks(of: masters[m].sentinels[stale].link)
                    masters[m].sentinels.remove(at: stale)
                    reindex()
                }
                guard masters[m].sentinels.count < SentinelLimits.maxKnownSentinelsPerMaster else { return }
                masters[m].sentinels.append(PeerSentinel(address: address, runID: hello.runID,
                                                         downAfterMs: masters[m].node.probe.downAfterMs, now: now))
                s = masters[m].sentinels.count - 1
                event(.notice, .sentinel, .sentinel(m, s!), now: now)
            }
            needsPersist = true
        }

        masters[m].sentinels[s!].lastHelloMs = now
        if hello.currentEpoch > currentEpoch {
            currentEpoch = hello.currentEpoch
            needsPersist = true
            event(.warning, .newEpoch, .master(m), String(currentEpoch), bare: true, epoch: currentEpoch, now: now)
        }

        if masters[m].configEpoch < hello.masterConfigEpoch {
            masters[m].configEpoch = hello.masterConfigEpoch
            needsPersist = true
            // Compare with the address we give clients, and treat a failover of ours as superseded
            // by any newer configuration: otherwise a sentinel stuck mid-failover (promoted replica
            // X, old master Y) that hears "epoch N+1: master Y" would keep announcing X under epoch
            // N+1. (Redis compares with the old master's address only.)
            let current = masters[m].currentAddress
            if !current.matches(host: hello.masterIP, port: hello.masterPort) || masters[m].failoverInProgress {
                let new = Address(host: hello.masterIP, port: hello.masterPort)
                event(.warning, .configUpdateFrom, .sentinel(m, s!), epoch: masters[m].configEpoch, now: now)
                event(.warning, .switchMaster, .master(m),
                      "\(masters[m].name) \(current.host) \(current.port) \(new.host) \(new.port)", bare: true,
                      epoch: masters[m].configEpoch, now: now)
                callClientReconfigScript(m, role: "observer", state: "start", from: current, to: new, now: now)
                // A failover of ours that lost to a newer configuration is superseded.
                resetMasterAndChangeAddress(m, to: new, now: now)
            }
        }
    }
}
