import Testing
@testable import SentinelCore
@testable import RESP

/// 08-hostname-conf of Redis's tests/sentinel: a master monitored by host name is reported by
/// that name while announce-hostnames is yes, and by the address it resolved to once it is no.
@Suite struct AnnounceHostnamesTests {
    typealias F = SentinelFixtures

    @Test func hostNameOrResolvedAddressFollowsAnnounceHostnames() {
        var c = F.config()
        c.resolveHostnames = true
        c.announceHostnames = true
        c.masters[0].address = Address(host: "localhost", port: 6379)
        var s = Sentinel(config: c, seed: 1, now: 0)
        let link = s.handle(.tick(wallClockMs: 1_000), now: 1_000).compactMap { a -> LinkID? in
            if case .connect(let id) = a, id.role == .master, id.kind == .command { return id } else { return nil }
        }.first
        guard let link else { Issue.record("no connect to the master"); return }
        _ = s.handle(.linkConnected(link, localIP: "127.0.0.1", peerIP: "127.0.0.1"), now: 1_100)
        func address() -> RESPValue? { F.command(&s, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster").0 }
        func ip() -> String? {
            F.command(&s, "SENTINEL", "MASTER", "mymaster").0?.pairs?.first { $0.0.text == "ip" }?.1.text
        }
        #expect(address() == .array([.bulk("localhost"), .bulk("6379")]))
        #expect(ip() == "localhost")
        #expect(F.command(&s, "SENTINEL", "CONFIG", "SET", "announce-hostnames", "no").0 == .simpleString(Array("OK".utf8)))
        #expect(address() == .array([.bulk("127.0.0.1"), .bulk("6379")]))
        #expect(ip() == "127.0.0.1")
    }
}
