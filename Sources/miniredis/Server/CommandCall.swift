/// Running one command's handler: the context it gets, and the one place its effects are applied
/// and its obligations checked (docs/architecture.md, "The shape of a command").
extension Server {
    /// Calls the handler and applies what it did. A legacy handler marks `dirty` and replies
    /// itself; a write of its that changed `dirty` is propagated as called.
    func call(_ spec: CommandSpec, _ c: Client, _ args: [[UInt8]]) {
        defer { if !monitors.isEmpty { feedMonitors(spec, c, args) } }
        switch spec.handler {
        case .data(let handler):
            var ctx = context(for: c)
            handler(&ctx, args)
            apply(spec, c, ctx, args)
        case .server(let handler):
            var ctx = context(for: c)
            handler(&ctx, self, c, args)
            apply(spec, c, ctx, args)
        case .legacy(let handler):
            let dirtyBefore = dirty
            handler(self, c, args)
            if spec.flags.contains(.write) && dirty != dirtyBefore {
                propagate(dbIndex: c.dbIndex, args)
            }
        }
    }

    /// The context a command of this client runs in.
    @inline(__always)
    func context(for c: Client) -> CommandContext {
        let db = c.db
        let isMaster = replication.isMaster
        let mode: CommandContext.ExpiryMode
        if c.kind == .master {
            mode = .keep
        } else if db.expires.count == 0 {
            // No key can expire: skip the replication, pause and fencing questions.
            mode = .delete
        } else {
            mode = !isMaster || writesPaused || isFenced ? .hide : .delete
        }
        var ctx = CommandContext(db: db, reply: c.output, expiryMode: mode, isMaster: isMaster, maxBulkLength: config.protoMaxBulkLen)
        ctx.events = activeKeyspaceEvents
        ctx.intsetLimit = intsetLimit
        return ctx
    }

    /// The one place a command's effects take hold: expired keys' DELs, the dirty counter,
    /// WATCH invalidation and propagation; then, in debug builds, its obligations are checked.
    /// Inlined into `call`; a read's effects (hits and misses) take two additions, and what
    /// changed the dataset goes through `applyChanges`.
    @inline(__always)
    func apply(_ spec: CommandSpec, _ c: Client, _ ctx: borrowing CommandContext, _ args: [[UInt8]]) {
        stats.keyspaceHits += ctx.effects.keyspaceHits
        stats.keyspaceMisses += ctx.effects.keyspaceMisses
        if ctx.reply.errorCount > 0 {
            withStat(spec) { $0.failed += 1 }
            countError(ctx.reply.lastErrorCode, ctx.reply.errorCount)
        }
        if ctx.effects.dirty > 0 || !ctx.effects.expiredKeys.isEmpty {
            applyChanges(spec, ctx.db, ctx.effects, args)
        }
        if !ctx.events.isEmpty {
            for (event, key) in ctx.effects.notifications { publishKeyspaceEvent(db: ctx.db.id, event, key) }
        }
        #if DEBUG
        if let violation = CommandObligations.violation(of: spec, effects: ctx.effects, replies: ctx.reply.count, blocked: c.blocked != nil) {
            preconditionFailure(violation)
        }
        #endif
    }

    private func applyChanges(_ spec: CommandSpec, _ db: Database, _ effects: CommandEffects, _ args: [[UInt8]]) {
        for key in effects.expiredKeys {
            stats.expiredKeys += 1
            touchWatched(db, key)
            propagate(dbIndex: db.id, [Array("DEL".utf8), key.bytes])
        }
        guard effects.dirty > 0 else { return }
        dirty += effects.dirty
        if !keyWaiters.isEmpty { effects.forEachChangedKey { keyChanged(db: db.id, $0) } }
        if !db.watchers.isEmpty {
            effects.forEachChangedKey { touchWatched(db, $0) }
        }
        guard spec.flags.contains(.write) else { return }
        switch effects.propagation {
        case .asCalled: propagate(dbIndex: db.id, args)
        case .rewritten(let form): propagate(dbIndex: db.id, form)
        case .several(let forms): for form in forms { propagate(dbIndex: db.id, form) }
        case .nothing: break
        }
    }
}
