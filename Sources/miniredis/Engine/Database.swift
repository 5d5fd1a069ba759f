import Runtime

/// One of the numbered databases (SELECT n): keys, their expiry times, and the clients that
/// WATCH them.
final class Database {
    let id: Int
    var dict = HashTable<Value>()
    /// Absolute expiry in Unix milliseconds, for keys that have one.
    var expires = HashTable<Int64>()
    /// Active expiry finds due keys through a min-heap of (time, key) rather than by sampling as
    /// Redis does: a due key is found in O(log n) and none lingers. Entries whose key no longer
    /// has that expiry are stale and dropped when they surface; the heap is rebuilt when stale
    /// entries outnumber live ones, so it stays O(keys with expiry).
    private var expiryHeap = MinHeap<ExpiryEntry>()
    /// WATCHed keys → the clients watching them.
    var watchers: [Key: [Client]] = [:]
    /// How accesses are recorded in each key's aux (LRU clock or LFU counter).
    var access = KeyAccess()

    init(id: Int) { self.id = id }

    var count: Int { dict.count }

    /// A key's value, recording the access (LRU/LFU).
    @inline(__always)
    func lookup(_ key: Key) -> Value? {
        dict.lookup(key) { access.touched($0) }
    }

    /// Sets a key's value, recording the write as an access; true when the key is new.
    @discardableResult
    @inline(__always)
    func set(_ key: Key, _ value: Value) -> Bool {
        dict.insert(key, value) { access.written($0) }
    }

    /// Changes a key's value in place, recording the access; nil when the key is missing.
    @inline(__always)
    func modify<R>(_ key: Key, _ body: (inout Value) -> R) -> R? {
        dict.modify(key, touch: { access.touched($0) }, body)
    }

    func expireAt(_ key: Key) -> Int64? { expires.count > 0 ? expires[key] : nil }

    func setExpire(_ key: Key, atMs: Int64) {
        expires[key] = atMs
        expiryHeap.push(ExpiryEntry(atMs: atMs, key: key))
        if expiryHeap.count > 1024 && expiryHeap.count > 2 * expires.count { rebuildHeap() }
    }

    @discardableResult
    func removeExpire(_ key: Key) -> Bool {
        // Most keys have no expiry: skip hashing the key when no key has one.
        guard expires.count > 0 else { return false }
        return expires.remove(key) != nil
    }

    /// Removes a key and its expiry; true when it existed.
    @discardableResult
    func delete(_ key: Key) -> Bool {
        guard dict.remove(key) != nil else { return false }
        removeExpire(key)
        return true
    }

    func isExpired(_ key: Key, nowMs: Int64) -> Bool {
        guard expires.count > 0, let at = expires[key] else { return false }
        return at <= nowMs
    }

    /// SWAPDB: the keys and their expiries trade places (WATCHers and the id stay).
    func swapContents(with other: Database) {
        swap(&dict, &other.dict)
        swap(&expires, &other.expires)
        swap(&expiryHeap, &other.expiryHeap)
    }

    func clear() {
        dict.removeAll()
        expires.removeAll()
        expiryHeap.removeAll()
    }

    /// The next key whose expiry time has come, removed from the heap (nil when none is due).
    func popDueExpiry(nowMs: Int64) -> Key? {
        while let top = expiryHeap.first, top.atMs <= nowMs {
            expiryHeap.popFirst()
            if expires[top.key] == top.atMs { return top.key }
        }
        return nil
    }

    private func rebuildHeap() {
        expiryHeap = MinHeap()
        expiryHeap.reserveCapacity(expires.count)
        expires.forEach { expiryHeap.push(ExpiryEntry(atMs: $1, key: $0)) }
    }
}

struct ExpiryEntry: HeapKeyed {
    var atMs: Int64
    var key: Key
    var heapKey: Int64 { atMs }
}
