import Testing
@testable import SentinelCore

/// The shell folds one batch's persists into one (`SentinelAction.coalescingPersists`): a tick in
/// which many masters go down must cost one config rewrite, not one per failover step.
@Suite struct PersistCoalescingTests {
    static func isPersist(_ a: SentinelAction) -> Bool { if case .persist = a { true } else { false } }

    /// 20 masters, quorum 1, no replicas; all die at once.
    func massDown() -> FakeShell {
        var c = SentinelConfig()
        c.myID = SentinelFixtures.myID
        c.masters = (1...20).map { i in
            var m = MasterConfig(name: "m\(i)", address: Address(host: "10.0.0.\(i)", port: 6379), quorum: 1)
            m.downAfterMs = 1_000
            return m
        }
        let s = FakeShell(config: c)
        s.promoted = Set(c.masters.map(\.address)) // each answers INFO as a master
        s.tick(for: 2_000)
        s.dead = s.promoted
        s.tick(for: 3_000)
        return s
    }

    @Test func aBatchOfManyFailoverStartsPersistsOnceWithTheLastState() throws {
        let s = massDown()
        let batch = try #require(s.batches.max { $0.filter(Self.isPersist).count < $1.filter(Self.isPersist).count })
        let persists = batch.compactMap { if case .persist(let c) = $0 { c } else { nil } }
        // Several masters' epochs and votes in one tick: the case that held the loop for a second.
        #expect(persists.count >= 20, "the mass-down tick emitted \(persists.count) persists")
        let folded = SentinelAction.coalescingPersists(batch)
        let foldedPersists = folded.compactMap { if case .persist(let c) = $0 { c } else { nil } }
        #expect(foldedPersists == [persists.last!], "one persist, carrying the batch's final state")
        #expect(foldedPersists[0].currentEpoch == 20)
        // Everything else is kept, in order.
        #expect(folded.filter { !Self.isPersist($0) }.map(\.description) == batch.filter { !Self.isPersist($0) }.map(\.description))
        // The one persist is where the first was: before anything the batch reveals after any persist.
        let firstOriginal = try #require(batch.firstIndex(where: Self.isPersist))
        #expect(folded.firstIndex(where: Self.isPersist) == firstOriginal)
    }

    @Test func aBatchWithOnePersistOrNoneIsUnchanged() {
        let one: [SentinelAction] = [.log(.notice, "a"), .persist(SentinelConfig()), .log(.notice, "b")]
        #expect(SentinelAction.coalescingPersists(one).map(\.description) == one.map(\.description))
        let none: [SentinelAction] = [.log(.notice, "a")]
        #expect(SentinelAction.coalescingPersists(none).map(\.description) == none.map(\.description))
    }
}
