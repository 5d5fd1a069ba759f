import Testing
@testable import SentinelCore

@Suite struct MonitoringTests {
    func shell() -> FakeShell {
        var c = SentinelConfig()
        c.myID = SentinelFixtures.myID
        var m = MasterConfig(name: "mymaster", address: Address(host: "10.0.0.1", port: 6379), quorum: 2)
        m.downAfterMs = 1_000
        c.masters = [m]
        return FakeShell(config: c)
    }

    func published(_ s: FakeShell, _ channel: String) -> [String] {
        s.log.compactMap { if case .publish(let n) = $0, n.channel == channel { return n.message } else { return nil } }
    }

    @Test func tiltIsEnteredOnAClockJumpAndThenNothingIsJudgedDown() {
        let s = shell()
        s.tick(for: 1_000)
        s.dead = [s.master]
        s.tick(for: 2_000)
        #expect(published(s, "+sdown") == ["master mymaster 10.0.0.1 6379"])
        // The wall clock jumps back: TILT.
        s.wallMs -= 10_000
        s.tick(for: 100)
        #expect(published(s, "+tilt") == ["#tilt mode entered"])
        #expect(s.machine.isInTilt)
        // In TILT a peer asking gets "not down", even though we hold SDOWN.
        let (reply, _) = SentinelFixtures.command(&s.machine, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "10.0.0.1", "6379", "0", "*", now: s.now)
        #expect(reply == .array([.integer(0), .bulk("*"), .integer(0)]))
        // The master comes back during TILT: no -sdown while tilted, only after.
        s.dead = []
        s.tick(for: 5_000)
        #expect(published(s, "-sdown").isEmpty)
        s.tick(for: 26_000)
        #expect(published(s, "-tilt") == ["#tilt mode exited"])
        #expect(published(s, "-sdown") == ["master mymaster 10.0.0.1 6379"])
    }

    @Test func aNewRunIDIsAReboot() {
        let s = shell()
        s.tick(for: 1_000)
        s.runIDs[s.master] = String(repeating: "e", count: 40)
        s.tick(for: 10_500)
        #expect(published(s, "+reboot") == ["master mymaster 10.0.0.1 6379"])
    }

    @Test func replicasAreDiscoveredFromMasterInfoAndPersisted() {
        let s = shell()
        s.offsets = [Address(host: "10.0.0.2", port: 6379): 1]
        s.tick(for: 300)
        #expect(published(s, "+slave") == ["slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379"])
        #expect(s.machine.snapshot().masters[0].knownReplicas == [Address(host: "10.0.0.2", port: 6379)])
        #expect(s.log.contains { if case .persist = $0 { return true } else { return false } })
    }
}

@Suite struct ReconfigurationTests {
    static let a = Address(host: "10.0.0.2", port: 6379)
    static let b = Address(host: "10.0.0.3", port: 6380)

    @Test func replicaThatIgnoresSlaveofIsGivenUpAfterTheReconfTimeout() {
        var c = SentinelConfig()
        c.myID = SentinelFixtures.myID
        var m = MasterConfig(name: "mymaster", address: Address(host: "10.0.0.1", port: 6379), quorum: 1)
        m.downAfterMs = 1_000
        m.failoverTimeoutMs = 60_000
        m.knownReplicas = [Self.a, Self.b]
        c.masters = [m]
        let s = FakeShell(config: c)
        _ = SentinelFixtures.command(&s.machine, "SENTINEL", "DEBUG", "slave-reconf-timeout", "2000")
        s.offsets = [Self.a: 900, Self.b: 50]
        s.stubborn = [Self.b]
        s.tick(for: 2_000)
        s.dead = [s.master]
        s.tick(for: 8_000)
        let events = s.log.compactMap { action -> String? in
            if case .publish(let n) = action { return "\(n.channel) \(n.message)" } else { return nil }
        }
        let order = ["+selected-slave", "+promoted-slave", "+slave-reconf-sent", "-slave-reconf-sent-timeout",
                     "+failover-end", "+switch-master"]
        let positions = order.map { name in events.firstIndex { $0.hasPrefix(name + " ") } }
        #expect(positions.allSatisfy { $0 != nil }, "\(events)")
        let found = positions.compactMap { $0 }
        #expect(found == found.sorted())
        #expect(events.contains("+switch-master mymaster 10.0.0.1 6379 10.0.0.2 6379"))
        #expect(!events.contains { $0.hasPrefix("+slave-reconf-done") })
    }
}
