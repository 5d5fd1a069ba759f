/// How a write reaches replicas and the AOF.
enum Propagation {
    /// The command as the client sent it.
    case asCalled
    /// One different form of it: `SET k v PXAT t` for `SET k v EX s`, `SREM` for `SPOP`, …
    case rewritten([[UInt8]])
    /// Several commands, sent wrapped in MULTI/EXEC with whatever else the top-level command
    /// propagates.
    case several([[[UInt8]]])
    /// Nothing, although the dataset changed.
    case nothing
}

/// What a command did to the dataset, recorded by the handler through its context and applied
/// by the dispatcher alone (Server.apply): the dirty counter, WATCH invalidation, propagation.
struct CommandEffects {
    /// Changes counted toward the save rules (Redis's `dirty`); a write propagates only when
    /// this is above zero.
    var dirty: Int64 = 0
    /// The first key changed, for WATCH, kept inline: most commands change one key, and then
    /// recording it costs no array work on the hot path (an array here was ~5% of a pipelined
    /// SET's instructions under callgrind).
    private(set) var firstChangedKey: Key?
    /// Keys changed after the first (MSET, DEL of several, RENAME).
    private(set) var moreChangedKeys: [Key] = []
    var propagation = Propagation.asCalled
    /// Keys found expired and deleted while the command looked them up: each is propagated as a
    /// DEL before the command itself, as Redis does.
    var expiredKeys: [Key] = []
    var keyspaceHits: Int64 = 0
    var keyspaceMisses: Int64 = 0
    /// Keyspace notifications to publish, in order (only those whose class is on).
    var notifications: [(event: StaticString, key: Key)] = []

    mutating func recordChange(_ key: Key, count: Int64) {
        dirty += count
        if firstChangedKey == nil { firstChangedKey = key } else { moreChangedKeys.append(key) }
    }

    func forEachChangedKey(_ body: (Key) -> Void) {
        guard let firstChangedKey else { return }
        body(firstChangedKey)
        for key in moreChangedKeys { body(key) }
    }

    /// The keys changed, in order (for tests and debugging).
    var changedKeys: [Key] {
        var keys: [Key] = []
        forEachChangedKey { keys.append($0) }
        return keys
    }
}

/// How many replies a command owes. Nearly all owe one; the exceptions say why at their spec.
enum ReplyRule: Sendable {
    case once
    /// Zero or several: (P)SUBSCRIBE answers once per channel, REPLCONF ACK never, SHUTDOWN not
    /// when it succeeds, PSYNC's reply is written by the replication layer.
    case varies
}

/// The obligations every command has, checked in one place after it ran instead of by
/// convention in each handler. Debug builds trap on a violation (Server.apply); the check is a
/// function of its own so that tests can run it on a handler that breaks the rules.
enum CommandObligations {
    /// What the command did wrong, or nil.
    static func violation(of spec: CommandSpec, effects: CommandEffects, replies: Int, blocked: Bool) -> String? {
        if effects.dirty > 0 && !spec.flags.contains(.write) {
            return "'\(spec.name)' changed the dataset but has no write flag"
        }
        if effects.dirty == 0 {
            switch effects.propagation {
            case .rewritten, .several: return "'\(spec.name)' chose how to propagate but changed nothing"
            case .asCalled, .nothing: break
            }
        }
        if spec.replies == .once && !blocked && replies != 1 {
            return "'\(spec.name)' replied \(replies) times instead of once"
        }
        return nil
    }
}
