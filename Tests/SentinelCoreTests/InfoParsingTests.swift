import Testing
@testable import SentinelCore
@testable import RESP

@Suite struct InfoParsingTests {
    @Test func replicaFieldsAreRead() {
        let text = "# Server\r\nrun_id:0123456789012345678901234567890123456789\r\n# Replication\r\nrole:slave\r\n"
            + "master_host:10.0.0.1\r\nmaster_port:6380\r\nmaster_link_status:down\r\n"
            + "master_link_down_since_seconds:12\r\nslave_priority:0\r\nslave_repl_offset:4242\r\n"
            + "replica_announced:0\r\n"
        let r = InfoReport.parse(text)
        #expect(r.runID == "0123456789012345678901234567890123456789")
        #expect(r.role == .replica)
        #expect(r.masterHost == "10.0.0.1" && r.masterPort == 6380)
        #expect(r.masterLinkUp == false)
        #expect(r.masterLinkDownSinceSeconds == 12)
        #expect(r.replicaPriority == 0)
        #expect(r.replOffset == 4242)
        #expect(r.replicaAnnounced == false)
    }

    @Test func masterListsReplicasInBothFormats() {
        let text = "role:master\nslave0:ip=10.0.0.2,port=6379,state=online,offset=10,lag=0\nslave1:10.0.0.3,6380,online\n"
            + "slave2:ip=,port=1\nslave3:ip=10.0.0.4,port=99999\nslaveX:ip=1.1.1.1,port=1\n"
        let r = InfoReport.parse(text)
        #expect(r.role == .master)
        #expect(r.replicas == [Address(host: "10.0.0.2", port: 6379), Address(host: "10.0.0.3", port: 6380)])
    }

    @Test func garbageIsIgnoredNotFatal() {
        let r = InfoReport.parse("run_id:short\nrole:queen\n::::\n\n\u{0}\nmaster_port:-5\nslave_repl_offset:abc")
        #expect(r.runID == nil && r.role == nil && r.masterPort == nil && r.replOffset == nil)
        #expect(r.masterLinkDownSinceSeconds == nil)
        #expect(InfoReport.parse("master_link_down_since_seconds:-1").masterLinkDownSinceSeconds == 0)
    }
}

@Suite struct HelloParsingTests {
    static let id = "0123456789abcdef0123456789abcdef01234567"

    @Test func wellFormedHelloRoundTrips() {
        let h = Hello(ip: "10.0.1.1", port: 26379, runID: Self.id, currentEpoch: 7, masterName: "mymaster",
                      masterIP: "10.0.0.1", masterPort: 6379, masterConfigEpoch: 5)
        #expect(Hello.parse(h.payload) == h)
    }

    @Test(arguments: [
        "",
        "a,b,c",
        "10.0.1.1,26379,\(id),7,mymaster,10.0.0.1,6379",
        "10.0.1.1,26379,\(id),7,mymaster,10.0.0.1,6379,5,extra",
        "10.0.1.1,0,\(id),7,mymaster,10.0.0.1,6379,5",
        "10.0.1.1,70000,\(id),7,mymaster,10.0.0.1,6379,5",
        "10.0.1.1,26379,not-a-run-id,7,mymaster,10.0.0.1,6379,5",
        "10.0.1.1,26379,\(id),-1,mymaster,10.0.0.1,6379,5",
        "10.0.1.1,26379,\(id),7,mymaster,10.0.0.1,6379,99999999999999999999999",
        "10.0.1.1,26379,\(id),7,,10.0.0.1,6379,5",
        "10.0.1.1,26379,\(id),7,my master,10.0.0.1,6379,5",
        "10.0.1.1,+26379,\(id),7,mymaster,10.0.0.1,6379,5",
        ",26379,\(id),7,mymaster,10.0.0.1,6379,5",
        String(repeating: "x", count: 5000),
        "10.0.1.1,26379,\(id),7,mymaster\r\n,10.0.0.1,6379,5",
    ])
    func hostileHellosAreRefused(_ payload: String) {
        #expect(Hello.parse(payload) == nil)
    }

    @Test func hostileHelloChangesNothing() {
        var s = Sentinel(config: SentinelFixtures.config(), seed: 1, now: 0)
        let before = s.snapshot()
        for bad in ["x", "1.2.3.4,1,\(Self.id),18446744073709551616,mymaster,1.1.1.1,1,1", String(repeating: ",", count: 7)] {
            _ = s.handle(.helloReceived(payload: bad), now: 10)
        }
        #expect(s.snapshot() == before)
    }

    @Test func helloWithNewerConfigSwitchesTheMaster() {
        var s = Sentinel(config: SentinelFixtures.config(), seed: 1, now: 0)
        let hello = Hello(ip: "10.0.1.9", port: 26379, runID: Self.id, currentEpoch: 3, masterName: "mymaster",
                          masterIP: "10.0.0.2", masterPort: 6379, masterConfigEpoch: 3)
        let actions = s.handle(.helloReceived(payload: hello.payload), now: 10)
        let published = actions.compactMap { a -> String? in
            if case .publish(let n) = a { return "\(n.channel) \(n.message)" } else { return nil }
        }
        #expect(published.contains("+sentinel sentinel \(Self.id) 10.0.1.9 26379 @ mymaster 10.0.0.1 6379"))
        #expect(published.contains("+new-epoch 3"))
        #expect(published.contains("+switch-master mymaster 10.0.0.1 6379 10.0.0.2 6379"))
        #expect(s.snapshot().masters[0].address == Address(host: "10.0.0.2", port: 6379))
        #expect(s.snapshot().masters[0].configEpoch == 3)
    }
}

enum SentinelFixtures {
    static let myID = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    static func config() -> SentinelConfig {
        var c = SentinelConfig()
        c.myID = myID
        c.announceIP = "10.0.1.1"
        var m = MasterConfig(name: "mymaster", address: Address(host: "10.0.0.1", port: 6379), quorum: 2)
        m.downAfterMs = 1_000
        m.knownReplicas = [Address(host: "10.0.0.2", port: 6379)]
        m.knownSentinels = [KnownSentinel(address: Address(host: "10.0.1.2", port: 26379), runID: String(repeating: "b", count: 40))]
        c.masters = [m]
        return c
    }

    static func command(_ s: inout Sentinel, _ args: String..., now: MonotonicMs = 100) -> (RESPValue?, [SentinelAction]) {
        let actions = s.handle(.clientCommand(ClientID(1), args: args.map { Array($0.utf8) }), now: now)
        for a in actions { if case .reply(_, let v) = a { return (v, actions) } }
        return (nil, actions)
    }
}
