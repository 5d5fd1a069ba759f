extension Sentinel {
    /// Everything Redis writes back to sentinel.conf, from the current state.
    public func snapshot() -> SentinelConfig {
        var c = SentinelConfig()
        c.myID = myID
        c.currentEpoch = currentEpoch
        c.port = port
        c.announceIP = announceIP
        c.announcePort = announcePort
        c.denyScriptsReconfig = denyScriptsReconfig
        c.resolveHostnames = resolveHostnames
        c.announceHostnames = announceHostnames
        c.sentinelUser = sentinelUser
        c.sentinelPass = sentinelPass
        c.logLevel = logLevel
        c.masters = masters.map { m in
            // Persist the address clients should use: mid-failover, after promotion, that is the
            // promoted replica (Redis does the same with sentinelGetCurrentMasterAddress).
            let address = m.currentAddress
            var mc = MasterConfig(name: m.name, address: address, quorum: m.quorum)
            mc.downAfterMs = m.node.probe.downAfterMs
            mc.failoverTimeoutMs = m.failoverTimeoutMs
            mc.parallelSyncs = m.parallelSyncs
            mc.masterRebootDownAfterPeriodMs = m.masterRebootDownAfterPeriodMs
            mc.authPass = m.authPass
            mc.authUser = m.authUser
            mc.notificationScript = m.notificationScript
            mc.clientReconfigScript = m.clientReconfigScript
            mc.renamedCommands = m.renamedCommands
            mc.configEpoch = m.configEpoch
            mc.leaderEpoch = m.leaderEpoch
            var replicas = m.replicas.map(\.address).filter { $0 != address }
            if address != m.node.address { replicas.append(m.node.address) }
            mc.knownReplicas = replicas
            mc.knownSentinels = m.sentinels.compactMap { s in
                s.runID.map { KnownSentinel(address: s.address, runID: $0) }
            }
            return mc
        }
        return c
    }
}
