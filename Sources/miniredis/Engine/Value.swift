/// A stored value. Each case owns copy-on-write storage; commands modify them in place through
/// `Database.modify`, which keeps the storage uniquely referenced so no copy is made.
enum Value {
    case string(ByteString)
    case list(Deque<[UInt8]>)
    case hash(HashTable<[UInt8]>)
    case set(HashTable<Void>)
    case zset(SortedSet)

    /// The name TYPE reports.
    var typeName: String {
        switch self {
        case .string: "string"
        case .list: "list"
        case .hash: "hash"
        case .set: "set"
        case .zset: "zset"
        }
    }
}

/// A double-ended queue on a ring buffer: O(1) push and pop at both ends (LPUSH/RPOP), O(1)
/// index (LINDEX, LRANGE).
struct Deque<Element> {
    private var storage: [Element?] = []
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    private mutating func grow() {
        let newCapacity = Swift.max(8, storage.count * 2)
        var fresh = [Element?](repeating: nil, count: newCapacity)
        for i in 0..<count { fresh[i] = storage[(head + i) & (storage.count - 1)] }
        storage = fresh
        head = 0
    }

    mutating func pushBack(_ e: Element) {
        if count == storage.count { grow() }
        storage[(head + count) & (storage.count - 1)] = e
        count += 1
    }

    mutating func pushFront(_ e: Element) {
        if count == storage.count { grow() }
        head = (head - 1 + storage.count) & (storage.count - 1)
        storage[head] = e
        count += 1
    }

    mutating func popFront() -> Element? {
        guard count > 0 else { return nil }
        let e = storage[head].take()
        head = (head + 1) & (storage.count - 1)
        count -= 1
        return e
    }

    mutating func popBack() -> Element? {
        guard count > 0 else { return nil }
        let i = (head + count - 1) & (storage.count - 1)
        count -= 1
        return storage[i].take()
    }

    subscript(i: Int) -> Element {
        get { storage[(head + i) & (storage.count - 1)]! }
        set { storage[(head + i) & (storage.count - 1)] = newValue }
    }

    init() {}

    /// A deque holding `elements` in order (LREM, LINSERT rebuild the list: O(n), as in Redis).
    init(_ elements: [Element]) {
        for e in elements { pushBack(e) }
    }

    var elements: [Element] { (0..<count).map { self[$0] } }
}

/// A sorted set: member → score for lookups, and (score, member) pairs kept in order for ranges.
/// The ordered side is a sorted array with binary search: inserts are O(n) memory moves, cheap up
/// to hundreds of thousands of members; a skip list is the upgrade if profiles demand it.
struct SortedSet {
    private(set) var scores = HashTable<Double>()
    private(set) var ordered: [(score: Double, member: [UInt8])] = []

    var count: Int { scores.count }

    func score(_ member: Key) -> Double? { scores[member] }

    /// Redis's order: by score, then by member bytes.
    @inline(__always)
    static func less(_ a: (score: Double, member: [UInt8]), _ b: (score: Double, member: [UInt8])) -> Bool {
        if a.score != b.score { return a.score < b.score }
        return a.member.lexicographicallyPrecedes(b.member)
    }

    private func position(of e: (score: Double, member: [UInt8])) -> Int {
        var lo = 0, hi = ordered.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Self.less(ordered[mid], e) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Sets a member's score; returns true when the member is new.
    @discardableResult
    mutating func set(_ member: [UInt8], score: Double) -> Bool {
        let key = Key(member)
        if let old = scores[key] {
            if old == score { return false }
            ordered.remove(at: position(of: (old, member)))
            scores[key] = score
            ordered.insert((score, member), at: position(of: (score, member)))
            return false
        }
        scores[key] = score
        ordered.insert((score, member), at: position(of: (score, member)))
        return true
    }

    @discardableResult
    mutating func remove(_ member: [UInt8]) -> Bool {
        let key = Key(member)
        guard let old = scores.remove(key) else { return false }
        ordered.remove(at: position(of: (old, member)))
        return true
    }

    mutating func popMin(_ n: Int) -> [(score: Double, member: [UInt8])] {
        let k = Swift.min(n, ordered.count)
        let out = Array(ordered.prefix(k))
        ordered.removeFirst(k)
        for e in out { scores.remove(Key(e.member)) }
        return out
    }

    mutating func popMax(_ n: Int) -> [(score: Double, member: [UInt8])] {
        let k = Swift.min(n, ordered.count)
        let out = Array(ordered.suffix(k).reversed())
        ordered.removeLast(k)
        for e in out { scores.remove(Key(e.member)) }
        return out
    }

    /// 0-based rank of a member in ascending order.
    func rank(_ member: [UInt8]) -> Int? {
        guard let s = scores[Key(member)] else { return nil }
        return position(of: (s, member))
    }
}
