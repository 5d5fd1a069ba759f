import Testing
@testable import SentinelCore

/// A PONG from a peer sentinel counts for its connections under the other masters, as on
/// redis-sentinel's one shared connection per peer; a connection with requests in flight is still
/// judged by its own replies.
@Suite struct PeerPongSharingTests {
    static let peer = Address(host: "10.0.9.9", port: 26379)
    static let peerID = String(repeating: "p", count: 40)

    func shell(masters: Int) -> FakeShell {
        var c = SentinelConfig()
        c.myID = SentinelFixtures.myID
        c.masters = (0..<masters).map { i in
            var m = MasterConfig(name: "m\(i)", address: Address(host: "10.0.0.\(i + 1)", port: 6379), quorum: 2)
            m.downAfterMs = 2_000
            m.knownSentinels = [KnownSentinel(address: Self.peer, runID: Self.peerID)]
            return m
        }
        return FakeShell(config: c)
    }

    func pingsToPeer(_ s: FakeShell, after start: Int, master: String? = nil) -> Int {
        s.batches[start...].joined().filter {
            if case .send(let l, let args) = $0 { return l.role == .sentinel && args == ["PING"] && (master == nil || l.master == master) }
            return false
        }.count
    }

    @Test func aPeerWatchedUnderThreeMastersGetsOnePingPerPeriod() {
        let s = shell(masters: 3)
        s.tick(for: 1_000)
        let start = s.batches.count
        s.tick(for: 10_000)
        // One PING a period (1 s, sent once 1 s passed since the last PONG: about every 1.1 s),
        // where a connection each would send three.
        let pings = pingsToPeer(s, after: start)
        #expect((8...10).contains(pings), "\(pings) PINGs in 10 s")
        let sdowns = s.log.filter { if case .publish(let n) = $0 { return n.kind == .sdown } else { return false } }
        #expect(sdowns.isEmpty, "\(sdowns)")
    }

    @Test func aConnectionThatOwesRepliesIsJudgedByItsOwn() {
        let s = shell(masters: 2)
        s.tick(for: 1_000)
        s.silentPeerLinks = ["m1"]
        let start = s.batches.count
        s.tick(for: 6_000)
        let sdowns = s.log.compactMap { a -> String? in
            if case .publish(let n) = a, n.channel == "+sdown" { return n.message } else { return nil }
        }
        #expect(sdowns == ["sentinel \(Self.peerID) 10.0.9.9 26379 @ m1 10.0.0.2 6379"])
        // The stuck connection kept pinging on its own.
        #expect(pingsToPeer(s, after: start, master: "m1") >= 2)
    }

    /// Several masters reaching ODOWN on the same batch of peer replies: each failover gets our own
    /// vote in its own epoch (a vote left to the next tick found the current epoch moved on by
    /// the other failovers and was refused, so those elections could not be won).
    @Test func failoversStartedByPeerRepliesEachGetOurVote() {
        let s = shell(masters: 4)
        s.tick(for: 1_000)
        s.dead = Set((0..<4).map { Address(host: "10.0.0.\($0 + 1)", port: 6379) })
        s.tick(for: 3_500)
        let tries = s.log.filter { if case .publish(let n) = $0 { return n.channel == "+try-failover" } else { return false } }.count
        let ownVotes = s.log.filter {
            if case .publish(let n) = $0 { return n.channel == "+vote-for-leader" && n.message.hasPrefix(SentinelFixtures.myID) }
            return false
        }.count
        #expect(tries == 4)
        #expect(ownVotes == 4, "\(ownVotes) own votes for \(tries) failovers")
    }
}
