import Runtime

/// Everything a data command may touch: the client's selected keyspace with expiry-aware
/// lookups, the reply sink, the clock and a few limits. Handlers record what they changed in
/// `effects`, which the dispatcher applies. It holds no server, so a data command runs in a
/// unit test against a bare Database. Built on the stack per command and passed inout: nothing
/// in it is allocated per command.
struct CommandContext {
    /// What a lookup does with a key whose time has passed.
    enum ExpiryMode {
        /// Delete it (and propagate a DEL): a master that may write.
        case delete
        /// Report it as gone but leave it: a replica (its master sends the DEL), or a master
        /// that is paused or fenced, whose dataset must stay still.
        case hide
        /// Keep it: commands from our master see every key until the master deletes it.
        case keep
    }

    let db: Database
    var reply: ReplySink
    var effects = CommandEffects()
    let expiryMode: ExpiryMode
    /// False on a replica: EXPIRE with a time already past then sets it rather than deleting,
    /// leaving the deletion to the master, as Redis does.
    let isMaster: Bool
    /// proto-max-bulk-len: how long a string may grow (APPEND, SETRANGE).
    let maxBulkLength: Int64
    var rng = SystemRandomNumberGenerator()
    /// The keyspace notification classes that publish (empty: notifications are off, and
    /// `notify` is one test).
    var events: KeyspaceEvents = []
    /// set-max-intset-entries: up to this many integer members, SMEMBERS lists a set in
    /// numeric order as Redis's intset does.
    var intsetLimit = 512
    /// Where the "del" of a key the command emptied sits in `effects.notifications`: the
    /// command's own event goes before it (lpop, then del), as Redis orders them. An index, not
    /// the key, so the context holds no extra reference to release per command.
    private var pendingDelIndex: Int?
    /// Unix ms; read from the wall clock on first use (most commands never need it), or fixed
    /// by the caller. Either way one command sees one instant.
    private var clock: Int64?

    init(db: Database, reply: ReplyBuffer, expiryMode: ExpiryMode = .delete, isMaster: Bool = true, maxBulkLength: Int64 = 512 * 1024 * 1024, unixMs: Int64? = nil) {
        self.db = db
        self.reply = ReplySink(reply)
        self.expiryMode = expiryMode
        self.isMaster = isMaster
        self.maxBulkLength = maxBulkLength
        self.clock = unixMs
    }

    /// The command's time, unix milliseconds.
    var unixMs: Int64 {
        mutating get {
            if let clock { return clock }
            let now = EventLoop.wallClockMs()
            clock = now
            return now
        }
    }

    // MARK: Keyspace

    /// Expires the key if its time has passed (see ExpiryMode). True when it is logically gone.
    @discardableResult
    mutating func expireIfNeeded(_ key: Key) -> Bool {
        guard db.expires.count > 0, expiryMode != .keep, let at = db.expireAt(key) else { return false }
        guard at <= unixMs else { return false }
        if expiryMode == .delete, db.delete(key) {
            effects.expiredKeys.append(key)
            notify(.expired, "expired", key)
        }
        return true
    }

    /// The value for a read, counting hits and misses.
    @inline(__always)
    mutating func lookupRead(_ keyBytes: [UInt8]) -> Value? {
        let key = Key(keyBytes)
        if expireIfNeeded(key) {
            effects.keyspaceMisses += 1
            notify(.keyMiss, "keymiss", key)
            return nil
        }
        if let v = db.lookup(key) {
            effects.keyspaceHits += 1
            return v
        }
        effects.keyspaceMisses += 1
        notify(.keyMiss, "keymiss", key)
        return nil
    }

    /// The value for a write (no hit/miss counting).
    @inline(__always)
    mutating func lookupWrite(_ key: Key) -> Value? {
        if expireIfNeeded(key) { return nil }
        return db.lookup(key)
    }

    /// Stores a value (a new key, or a replacement), with the "new" event for a new key.
    @inline(__always)
    mutating func store(_ key: Key, _ value: Value) {
        if db.set(key, value) { notify(.new, "new", key) }
    }

    // MARK: Effects

    /// Records a keyspace notification of class `cls`, published after the command if that class
    /// is on (notify-keyspace-events).
    @inline(__always)
    mutating func notify(_ cls: KeyspaceEvents, _ event: StaticString, _ key: Key) {
        guard !events.isEmpty else { return }
        if let i = pendingDelIndex {
            pendingDelIndex = nil
            if events.contains(cls) { effects.notifications.insert((event, key), at: i) }
        } else if events.contains(cls) {
            effects.notifications.append((event, key))
        }
    }

    /// The "del" of a key the command emptied, placed after the event the command records next.
    mutating func deferDelEvent(_ key: Key) {
        guard events.contains(.generic) else { return }
        pendingDelIndex = effects.notifications.count
        effects.notifications.append(("del", key))
    }

    /// Records a change to a key: it invalidates WATCHes and counts toward save rules.
    @inline(__always)
    mutating func changed(_ key: Key, count: Int64 = 1) {
        effects.recordChange(key, count: count)
    }

    /// Propagates this form instead of the command as called.
    mutating func propagate(as args: [[UInt8]]) { effects.propagation = .rewritten(args) }
}
