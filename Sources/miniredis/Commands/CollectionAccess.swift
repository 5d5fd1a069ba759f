
/// Typed access to aggregate values shared by the hash, list, set and sorted-set commands:
/// read with WRONGTYPE checking, modify in place (creating the key when asked), and delete the
/// key when the aggregate becomes empty, as Redis never stores empty aggregates.
extension CommandContext {
    enum Lookup<T> {
        case missing
        case wrongType
        case found(T)
    }

    mutating func readHash(_ key: [UInt8]) -> Lookup<HashTable<[UInt8]>> {
        switch lookupRead(key) {
        case nil: .missing
        case .hash(let h)?: .found(h)
        default: .wrongType
        }
    }

    mutating func readList(_ key: [UInt8]) -> Lookup<Deque<[UInt8]>> {
        switch lookupRead(key) {
        case nil: .missing
        case .list(let l)?: .found(l)
        default: .wrongType
        }
    }

    mutating func readSet(_ key: [UInt8]) -> Lookup<HashTable<Void>> {
        switch lookupRead(key) {
        case nil: .missing
        case .set(let v)?: .found(v)
        default: .wrongType
        }
    }

    mutating func readZSet(_ key: [UInt8]) -> Lookup<SortedSet> {
        switch lookupRead(key) {
        case nil: .missing
        case .zset(let z)?: .found(z)
        default: .wrongType
        }
    }

    /// Modifies the aggregate at `key` in place. `create` makes a new empty one when the key is
    /// missing (nil: a missing key yields `.missing` and nothing is created). `extract` pulls
    /// the typed storage out of a value (nil: wrong type) and `wrap` puts it back. When the
    /// storage is empty afterwards the key is deleted.
    mutating func modifyAggregate<T, R>(
        _ key: Key,
        create: (() -> T)?,
        extract: (Value) -> T?,
        wrap: (T) -> Value,
        isEmpty: (T) -> Bool,
        _ body: (inout T) -> R
    ) -> Lookup<R> {
        // An expired key that is hidden but kept (a writable replica) counts as missing and is
        // replaced, as a lookup for a write sees it.
        let expired = expireIfNeeded(key)
        // One lookup: the existing value is changed where it lives (a lookup first, then a
        // modify, hashed the key twice and copied the value out, retaining its arrays).
        var nowEmpty = false
        let found: Lookup<R>? = expired ? nil : db.modify(key) { value in
            guard var storage = extract(value) else { return .wrongType }
            // Drop the value's reference so `storage` is unique and changes without a copy.
            value = .string(.empty)
            let r = body(&storage)
            nowEmpty = isEmpty(storage)
            value = wrap(storage)
            return .found(r)
        }
        if let found {
            if nowEmpty {
                db.delete(key)
                // Its "del" follows the command's own event (lpop, then del), as in Redis.
                deferDelEvent(key)
            }
            return found
        }
        guard let create else { return .missing }
        var fresh = create()
        let r = body(&fresh)
        if !isEmpty(fresh) { store(key, wrap(fresh)) }
        return .found(r)
    }

    mutating func modifyHash<R>(_ key: Key, create: Bool, _ body: (inout HashTable<[UInt8]>) -> R) -> Lookup<R> {
        modifyAggregate(key, create: create ? { HashTable() } : nil,
                        extract: { if case .hash(let h) = $0 { h } else { nil } },
                        wrap: { .hash($0) }, isEmpty: { $0.count == 0 }, body)
    }

    mutating func modifyList<R>(_ key: Key, create: Bool, _ body: (inout Deque<[UInt8]>) -> R) -> Lookup<R> {
        modifyAggregate(key, create: create ? { Deque() } : nil,
                        extract: { if case .list(let l) = $0 { l } else { nil } },
                        wrap: { .list($0) }, isEmpty: { $0.isEmpty }, body)
    }

    mutating func modifySet<R>(_ key: Key, create: Bool, _ body: (inout HashTable<Void>) -> R) -> Lookup<R> {
        modifyAggregate(key, create: create ? { HashTable() } : nil,
                        extract: { if case .set(let v) = $0 { v } else { nil } },
                        wrap: { .set($0) }, isEmpty: { $0.count == 0 }, body)
    }

    mutating func modifyZSet<R>(_ key: Key, create: Bool, _ body: (inout SortedSet) -> R) -> Lookup<R> {
        modifyAggregate(key, create: create ? { SortedSet() } : nil,
                        extract: { if case .zset(let z) = $0 { z } else { nil } },
                        wrap: { .zset($0) }, isEmpty: { $0.count == 0 }, body)
    }

    /// The reply of a command that removed (or added) `n` elements: 0 for a missing key,
    /// WRONGTYPE, or n, recording the change when there was one.
    mutating func replyChangedCount(_ key: Key, _ r: Lookup<Int>, event: (KeyspaceEvents, StaticString)) {
        switch r {
        case .missing: reply.integer(0)
        case .wrongType: reply.error(Errors.wrongType)
        case .found(let n):
            if n > 0 {
                changed(key)
                notify(event.0, event.1, key)
            }
            reply.integer(n)
        }
    }

    /// The *STORE commands' last step: `value` replaces whatever `dst` held (its expiry too),
    /// with `event`; an empty result (nil) deletes `dst` instead ("del" if it existed).
    mutating func storeResult(_ dst: Key, _ value: Value?, event: (KeyspaceEvents, StaticString)) {
        expireIfNeeded(dst)
        let existed = db.delete(dst)
        if let value {
            store(dst, value)
            changed(dst)
            notify(event.0, event.1, dst)
        } else if existed {
            changed(dst)
            notify(.generic, "del", dst)
        }
    }

    /// The reply of a read that answers an integer: 0 for a missing key, WRONGTYPE, or the value.
    mutating func replyInteger<T>(_ r: Lookup<T>, _ value: (T) -> Int) {
        switch r {
        case .missing: reply.integer(0)
        case .wrongType: reply.error(Errors.wrongType)
        case .found(let v): reply.integer(value(v))
        }
    }
}
