import Testing
@testable import miniredis

@Suite struct HashTableTests {
    @Test func insertLookupRemove() {
        var t = HashTable<Int>()
        for i in 0..<10_000 {
            let inserted = t.insert(Key("k\(i)"), i)
            #expect(inserted)
        }
        #expect(t.count == 10_000)
        let again = t.insert(Key("k5"), 55)
        #expect(!again)
        #expect(t[Key("k5")] == 55)
        for i in stride(from: 0, to: 10_000, by: 2) {
            let removed = t.remove(Key("k\(i)"))
            #expect(removed == i)
        }
        #expect(t.count == 5_000)
        #expect(t[Key("k2")] == nil)
        #expect(t[Key("k3")] == 3)
    }

    /// Redis's SCAN guarantee: an element present for the whole scan is returned, even when the
    /// table grows or shrinks between calls.
    @Test(arguments: [true, false]) func scanSurvivesResizes(grow: Bool) {
        var t = HashTable<Int>()
        let stable = (0..<500).map { Key("stable\($0)") }
        for (i, k) in stable.enumerated() { t.insert(k, i) }
        if !grow { for i in 0..<5000 { t.insert(Key("temp\(i)"), i) } }
        var seen = Set<Key>()
        var cursor: UInt64 = 0
        var step = 0
        repeat {
            cursor = t.scan(cursor: cursor, count: 10) { k, _ in seen.insert(k) }
            step += 1
            if grow { for i in 0..<50 { t.insert(Key("new\(step)-\(i)"), i) } }
            else if step < 100 { for i in (step - 1) * 50..<step * 50 { t.remove(Key("temp\(i)")) } }
        } while cursor != 0
        for k in stable { #expect(seen.contains(k), "missed \(k.text)") }
    }

    @Test func randomEntryCoversTheTable() {
        var t = HashTable<Void>()
        for i in 0..<20 { t.insert(Key("m\(i)"), ()) }
        var rng = SystemRandomNumberGenerator()
        var seen = Set<Key>()
        for _ in 0..<2000 { seen.insert(t.randomEntry(using: &rng)!.key) }
        #expect(seen.count == 20)
    }

    @Test func sortedSetOrdersByScoreThenMember() {
        var z = SortedSet()
        z.set(Array("b".utf8), score: 1)
        z.set(Array("a".utf8), score: 1)
        z.set(Array("c".utf8), score: 0)
        z.set(Array("c".utf8), score: 2)
        #expect(z.ordered.map { String(decoding: $0.member, as: UTF8.self) } == ["a", "b", "c"])
        #expect(z.rank(Array("c".utf8)) == 2)
        let popped = z.popMin(1)
        #expect(popped.first?.member == Array("a".utf8))
        #expect(z.count == 2)
    }

    @Test func dequeWrapsAround() {
        var d = Deque<Int>()
        for i in 0..<10 { d.pushBack(i) }
        for _ in 0..<5 { _ = d.popFront() }
        for i in 0..<10 { d.pushFront(-i) }
        #expect(d.elements == [-9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 5, 6, 7, 8, 9])
        #expect(d.popBack() == 9)
    }
}
