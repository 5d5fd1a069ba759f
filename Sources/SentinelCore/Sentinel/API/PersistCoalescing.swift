extension SentinelAction {
    public var isPersist: Bool {
        if case .persist = self { return true }
        return false
    }

    /// One batch's persists folded into one: the first `.persist` carries the last one's state and
    /// the others are dropped.
    ///
    /// Why it is safe: a batch is the machine's answer to one event, computed in full before the
    /// shell performs any of it, so each later snapshot holds everything an earlier one does. Writing
    /// the last state at the first persist's place makes every change durable no later than the
    /// ordering contract asks (before the first action that could reveal it); it only makes some of
    /// them durable earlier, which a crash at that point sees the same as a crash after the batch's
    /// last persist. On failure the shell stops at that first persist, so everything the batch would
    /// have revealed after any of its persists is withheld, as the contract requires.
    ///
    /// Why it matters: a tick in which 100 masters go down emits a persist per step of each
    /// failover (new epoch, vote, elected leader), each a rewrite and fsync of the whole file; done
    /// one by one they held the event loop for about a second (bench/sentinel-kill).
    public static func coalescingPersists(_ actions: [SentinelAction]) -> [SentinelAction] {
        var folded = CoalescedActions()
        for action in actions { folded.append(action) }
        return folded.actions
    }
}

/// Actions appended one at a time with their persists folded as `coalescingPersists` folds them
/// (one `.persist`, at the first one's place, with the latest state). The shell holds the actions
/// of many events in one (group commit); folding as they arrive keeps one snapshot of every master
/// instead of one per event.
public struct CoalescedActions: Sendable {
    public private(set) var actions: [SentinelAction] = []
    private var persistIndex: Int?

    public init() {}

    public var isEmpty: Bool { actions.isEmpty }

    public mutating func append(_ action: SentinelAction) {
        if case .persist = action {
            if let i = persistIndex {
                actions[i] = action
                return
            }
            persistIndex = actions.count
        }
        actions.append(action)
    }
}
