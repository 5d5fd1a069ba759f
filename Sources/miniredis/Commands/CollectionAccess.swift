
/// Typed access to aggregate values shared by the hash, list, set and sorted-set commands:
/// read with WRONGTYPE checking, modify in place (creating the key when asked), and delete the
/// key when the aggregate becomes empty, as Redis never stores empty aggregates.
extension Server {
    enum Lookup<T> {
        case missing
        case wrongType
        case found(T)
    }

    func readHash(_ c: Client, _ key: [UInt8]) -> Lookup<HashTable<[UInt8]>> {
        switch lookupRead(c, key) {
        case nil: .missing
        case .hash(let h)?: .found(h)
        default: .wrongType
        }
    }

    func readList(_ c: Client, _ key: [UInt8]) -> Lookup<Deque<[UInt8]>> {
        switch lookupRead(c, key) {
        case nil: .missing
        case .list(let l)?: .found(l)
        default: .wrongType
        }
    }

    func readSet(_ c: Client, _ key: [UInt8]) -> Lookup<HashTable<Void>> {
        switch lookupRead(c, key) {
        case nil: .missing
        case .set(let v)?: .found(v)
        default: .wrongType
        }
    }

    func readZSet(_ c: Client, _ key: [UInt8]) -> Lookup<SortedSet> {
        switch lookupRead(c, key) {
        case nil: .missing
        case .zset(let z)?: .found(z)
        default: .wrongType
        }
    }

    /// Modifies the aggregate at `key` in place. `create` makes a new empty one when the key is
    /// missing (nil: a missing key yields `.missing` and nothing is created). `extract` pulls
    /// the typed storage out of a value (nil: wrong type) and `wrap` puts it back. When the
    /// storage is empty afterwards the key is deleted.
    func modifyAggregate<T, R>(
        _ c: Client, _ key: Key,
        create: (() -> T)?,
        extract: (Value) -> T?,
        wrap: (T) -> Value,
        isEmpty: (T) -> Bool,
        _ body: (inout T) -> R
    ) -> Lookup<R> {
        let db = c.db
        guard let existing = lookupWrite(c, key) else {
            guard let create else { return .missing }
            var fresh = create()
            let r = body(&fresh)
            if !isEmpty(fresh) { db.dict[key] = wrap(fresh) }
            return .found(r)
        }
        guard extract(existing) != nil else { return .wrongType }
        var result: R?
        var nowEmpty = false
        _ = db.dict.modify(key) { value in
            var storage = extract(value)!
            // Drop the value's reference so `storage` is unique and changes without a copy.
            value = .string(.empty)
            result = body(&storage)
            nowEmpty = isEmpty(storage)
            value = wrap(storage)
        }
        if nowEmpty { db.delete(key) }
        return .found(result!)
    }

    func modifyHash<R>(_ c: Client, _ key: Key, create: Bool, _ body: (inout HashTable<[UInt8]>) -> R) -> Lookup<R> {
        modifyAggregate(c, key, create: create ? { HashTable() } : nil,
                        extract: { if case .hash(let h) = $0 { h } else { nil } },
                        wrap: { .hash($0) }, isEmpty: { $0.count == 0 }, body)
    }

    func modifyList<R>(_ c: Client, _ key: Key, create: Bool, _ body: (inout Deque<[UInt8]>) -> R) -> Lookup<R> {
        modifyAggregate(c, key, create: create ? { Deque() } : nil,
                        extract: { if case .list(let l) = $0 { l } else { nil } },
                        wrap: { .list($0) }, isEmpty: { $0.isEmpty }, body)
    }

    func modifySet<R>(_ c: Client, _ key: Key, create: Bool, _ body: (inout HashTable<Void>) -> R) -> Lookup<R> {
        modifyAggregate(c, key, create: create ? { HashTable() } : nil,
                        extract: { if case .set(let v) = $0 { v } else { nil } },
                        wrap: { .set($0) }, isEmpty: { $0.count == 0 }, body)
    }

    func modifyZSet<R>(_ c: Client, _ key: Key, create: Bool, _ body: (inout SortedSet) -> R) -> Lookup<R> {
        modifyAggregate(c, key, create: create ? { SortedSet() } : nil,
                        extract: { if case .zset(let z) = $0 { z } else { nil } },
                        wrap: { .zset($0) }, isEmpty: { $0.count == 0 }, body)
    }

    /// The reply of a command that removed (or added) `n` elements: 0 for a missing key,
    /// WRONGTYPE, or n, recording the change when there was one.
    func replyChangedCount(_ c: Client, _ key: Key, _ r: Lookup<Int>) {
        switch r {
        case .missing: c.reply.integer(0)
        case .wrongType: c.reply.error(Errors.wrongType)
        case .found(let n):
            if n > 0 { keyChanged(c, key) }
            c.reply.integer(n)
        }
    }

    /// The reply of a read that answers an integer: 0 for a missing key, WRONGTYPE, or the value.
    func replyInteger<T>(_ c: Client, _ r: Lookup<T>, _ value: (T) -> Int) {
        switch r {
        case .missing: c.reply.integer(0)
        case .wrongType: c.reply.error(Errors.wrongType)
        case .found(let v): c.reply.integer(value(v))
        }
    }
}
