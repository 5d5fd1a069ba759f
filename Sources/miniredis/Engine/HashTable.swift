/// A chained hash table with Redis's iteration guarantees, which Swift's Dictionary cannot give:
/// - SCAN: a cursor over buckets advanced in reverse-binary order, so that an element present
///   for the whole scan is returned at least once even when the table grows or shrinks between
///   calls (the argument of Redis's dict.c: with power-of-two sizes a bucket's elements only
///   split into, or merge from, buckets that share its low bits).
/// - O(1) random element (RANDOMKEY, SPOP): pick a random non-empty bucket, then a random entry
///   in its chain.
/// Entries live in parallel arrays addressed by slot; chains link slots; freed slots are reused.
/// Hashes are SipHash-1-2 with a per-process random key (Engine/SipHash.swift), as Redis's, so
/// clients cannot choose keys that collide.
///
/// Each slot has 32 bits of `aux` beside its hash and chain link, for the owner's use: the main
/// keyspace keeps each key's LRU clock or LFU counter there (Engine/KeyAccess.swift), as Redis
/// keeps them in its object header; other tables leave it zero. Hash, link and aux share one
/// 16-byte element, which made the struct one array smaller (a `Value` of 56 bytes, not 64).
struct HashTable<Value> {
    struct SlotMeta {
        var hash: UInt64
        var next: Int32
        var aux: UInt32
    }
    private var buckets: [Int32]
    private var meta: [SlotMeta] = []
    private var keys: [Key?] = []
    private var values: [Value?] = []
    private var freeSlots: [Int32] = []
    private(set) var count = 0

    init() { buckets = [Int32](repeating: -1, count: 4) }

    private var mask: Int { buckets.count - 1 }

    @inline(__always)
    private static func hash(_ key: Key) -> UInt64 {
        key.tableHash
    }

    @inline(__always)
    private func find(_ key: Key, hash: UInt64) -> Int32 {
        var slot = buckets[Int(hash & UInt64(mask))]
        while slot >= 0 {
            let s = Int(slot)
            if meta[s].hash == hash && keys[s]! == key { return slot }
            slot = meta[s].next
        }
        return -1
    }

    subscript(key: Key) -> Value? {
        get {
            let slot = find(key, hash: Self.hash(key))
            return slot >= 0 ? values[Int(slot)] : nil
        }
        set {
            if let newValue { _ = insert(key, newValue) } else { _ = remove(key) }
        }
    }

    func contains(_ key: Key) -> Bool { find(key, hash: Self.hash(key)) >= 0 }

    /// Sets the value; returns true when the key was new. Its aux stays as it was (0 if new).
    @discardableResult
    mutating func insert(_ key: Key, _ value: Value) -> Bool {
        insert(key, value, aux: { $0 ?? 0 })
    }

    /// Sets the value and the slot's aux: `aux` gets the old aux (nil for a new key).
    @discardableResult
    @inline(__always)
    mutating func insert(_ key: Key, _ value: Value, aux: (UInt32?) -> UInt32) -> Bool {
        let h = Self.hash(key)
        let existing = find(key, hash: h)
        if existing >= 0 {
            values[Int(existing)] = value
            meta[Int(existing)].aux = aux(meta[Int(existing)].aux)
            return false
        }
        if count >= buckets.count { resize(to: buckets.count * 2) }
        let slot: Int32
        let b = Int(h & UInt64(mask))
        let entry = SlotMeta(hash: h, next: buckets[b], aux: aux(nil))
        if let free = freeSlots.popLast() {
            slot = free
            meta[Int(slot)] = entry
            keys[Int(slot)] = key
            values[Int(slot)] = value
        } else {
            slot = Int32(keys.count)
            meta.append(entry)
            keys.append(key)
            values.append(value)
        }
        buckets[b] = slot
        count += 1
        return true
    }

    /// Modifies a value in place (no copy of its storage), if the key exists.
    @inline(__always)
    mutating func modify<R>(_ key: Key, _ body: (inout Value) -> R) -> R? {
        modify(key, touch: { $0 }, body)
    }

    /// As `modify`, also replacing the slot's aux by `touch(aux)`.
    @inline(__always)
    mutating func modify<R>(_ key: Key, touch: (UInt32) -> UInt32, _ body: (inout Value) -> R) -> R? {
        let slot = find(key, hash: Self.hash(key))
        guard slot >= 0 else { return nil }
        let s = Int(slot)
        meta[s].aux = touch(meta[s].aux)
        var v = values[s].take()!
        defer { values[s] = v }
        return body(&v)
    }

    /// The value, replacing the slot's aux by `touch(aux)` (a read that counts as an access).
    @inline(__always)
    mutating func lookup(_ key: Key, touch: (UInt32) -> UInt32) -> Value? {
        let slot = find(key, hash: Self.hash(key))
        guard slot >= 0 else { return nil }
        let s = Int(slot)
        meta[s].aux = touch(meta[s].aux)
        return values[s]
    }

    /// Sets a key's aux (RESTORE's IDLETIME/FREQ); nothing when the key is missing.
    mutating func setAux(_ key: Key, _ aux: UInt32) {
        let slot = find(key, hash: Self.hash(key))
        if slot >= 0 { meta[Int(slot)].aux = aux }
    }

    /// A key's aux, or nil when the key is missing.
    func aux(_ key: Key) -> UInt32? {
        let slot = find(key, hash: Self.hash(key))
        return slot >= 0 ? meta[Int(slot)].aux : nil
    }

    @discardableResult
    mutating func remove(_ key: Key) -> Value? {
        let h = Self.hash(key)
        let b = Int(h & UInt64(mask))
        var prev: Int32 = -1
        var slot = buckets[b]
        while slot >= 0 {
            let s = Int(slot)
            if meta[s].hash == h && keys[s]! == key {
                if prev >= 0 { meta[Int(prev)].next = meta[s].next } else { buckets[b] = meta[s].next }
                let old = values[s]
                keys[s] = nil
                values[s] = nil
                meta[s] = SlotMeta(hash: 0, next: -1, aux: 0)
                freeSlots.append(slot)
                count -= 1
                if buckets.count > 64 && count < buckets.count / 8 { resize(to: buckets.count / 2) }
                return old
            }
            prev = slot
            slot = meta[s].next
        }
        return nil
    }

    mutating func removeAll() { self = HashTable() }

    private mutating func resize(to newSize: Int) {
        var size = 4
        while size < newSize { size *= 2 }
        buckets = [Int32](repeating: -1, count: size)
        let m = UInt64(size - 1)
        // Compact slots while relinking, so a table that shrank does not keep its old arrays.
        if !freeSlots.isEmpty && freeSlots.count > keys.count / 4 {
            var newKeys: [Key?] = [], newValues: [Value?] = [], newMeta: [SlotMeta] = []
            newKeys.reserveCapacity(count); newValues.reserveCapacity(count); newMeta.reserveCapacity(count)
            for i in 0..<keys.count where keys[i] != nil {
                newKeys.append(keys[i]); newValues.append(values[i].take()); newMeta.append(meta[i])
            }
            keys = newKeys; values = newValues; meta = newMeta
            freeSlots = []
        }
        for s in 0..<keys.count where keys[s] != nil {
            let b = Int(meta[s].hash & m)
            meta[s].next = buckets[b]
            buckets[b] = Int32(s)
        }
    }

    /// Every key and value, in table order.
    var entries: [(key: Key, value: Value)] {
        var out: [(key: Key, value: Value)] = []
        out.reserveCapacity(count)
        forEach { out.append(($0, $1)) }
        return out
    }

    func forEach(_ body: (Key, Value) -> Void) {
        for s in 0..<keys.count {
            if let k = keys[s] { body(k, values[s]!) }
        }
    }

    /// One SCAN step: visits the bucket at `cursor` (and, so that COUNT is honoured, following
    /// ones), returns the next cursor, 0 when the scan is complete.
    func scan(cursor: UInt64, count wanted: Int, _ visit: (Key, Value) -> Void) -> UInt64 {
        var cursor = cursor
        let m = UInt64(mask)
        var visited = 0
        var steps = 0
        repeat {
            var slot = buckets[Int(cursor & m)]
            while slot >= 0 {
                visit(keys[Int(slot)]!, values[Int(slot)]!)
                visited += 1
                slot = meta[Int(slot)].next
            }
            // Increment the reversed cursor over the mask's bits: Redis's reverse-binary order.
            cursor |= ~m
            cursor = Self.reverse(cursor)
            cursor &+= 1
            cursor = Self.reverse(cursor)
            steps += 1
        } while cursor != 0 && visited < wanted && steps < wanted * 10
        return cursor
    }

    @inline(__always)
    private static func reverse(_ v: UInt64) -> UInt64 {
        var x = v
        x = ((x >> 1) & 0x5555555555555555) | ((x & 0x5555555555555555) << 1)
        x = ((x >> 2) & 0x3333333333333333) | ((x & 0x3333333333333333) << 2)
        x = ((x >> 4) & 0x0F0F0F0F0F0F0F0F) | ((x & 0x0F0F0F0F0F0F0F0F) << 4)
        x = ((x >> 8) & 0x00FF00FF00FF00FF) | ((x & 0x00FF00FF00FF00FF) << 8)
        x = ((x >> 16) & 0x0000FFFF0000FFFF) | ((x & 0x0000FFFF0000FFFF) << 16)
        return (x >> 32) | (x << 32)
    }

    /// A uniformly chosen bucket's random entry (as fair as Redis's dictGetFairRandomKey is not,
    /// but O(1) expected), or nil when empty.
    func randomEntry<G: RandomNumberGenerator>(using rng: inout G) -> (key: Key, value: Value)? {
        guard count > 0 else { return nil }
        let s = randomSlot(using: &rng)
        return (keys[s]!, values[s]!)
    }

    /// A uniformly chosen occupied slot (the table must not be empty): slots are drawn until one
    /// holds a key.
    private func randomSlot<G: RandomNumberGenerator>(using rng: inout G) -> Int {
        while true {
            let s = Int.random(in: 0..<keys.count, using: &rng)
            if keys[s] != nil { return s }
        }
    }

    /// `n` random entries (eviction's sampling, with repeats), each with its aux, in one call: a
    /// call per sample on a table held by a class retained and released its arrays every time.
    func sample<G: RandomNumberGenerator>(_ n: Int, using rng: inout G, _ body: (Key, UInt32) -> Void) {
        forEachSample(n, using: &rng) { body(keys[$0]!, meta[$0].aux) }
    }

    /// As `sample`, with each entry's value (the expiry table's times).
    func sampleWithValues<G: RandomNumberGenerator>(_ n: Int, using rng: inout G, _ body: (Key, Value) -> Void) {
        forEachSample(n, using: &rng) { body(keys[$0]!, values[$0]!) }
    }

    private func forEachSample<G: RandomNumberGenerator>(_ n: Int, using rng: inout G, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        for _ in 0..<n { body(randomSlot(using: &rng)) }
    }
}

extension Optional {
    /// Moves the value out, leaving nil, so a copy-on-write payload is uniquely referenced while
    /// it is modified.
    @inline(__always)
    mutating func take() -> Wrapped? {
        let v = self
        self = nil
        return v
    }
}
