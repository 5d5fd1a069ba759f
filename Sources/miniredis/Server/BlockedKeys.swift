/// Clients blocked on keys (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BZPOPMIN, BZPOPMAX): who waits on
/// which key, and serving them when a write gives the key data, in the order they blocked, as
/// Redis serves them after the command that made the key ready.
struct KeyBlock {
    enum Kind {
        case listPop(left: Bool)
        case listMove(fromLeft: Bool, toLeft: Bool, destination: [UInt8])
        case zsetPop(min: Bool)
        case listMultiPop(left: Bool, count: Int)
        case zsetMultiPop(min: Bool, count: Int)
    }

    let kind: Kind
    let keys: [[UInt8]]
}

struct WaitKey: Hashable {
    let db: Int
    let key: Key
}

extension Server {
    func blockOnKeys(_ c: Client, _ block: KeyBlock, deadlineMs: Int64?) {
        c.blocked = BlockState(waitReplicas: 0, waitOffset: 0, deadlineMs: deadlineMs, keys: block)
        for k in block.keys { keyWaiters[WaitKey(db: c.dbIndex, key: Key(k)), default: []].append(c) }
    }

    /// Forgets a client's key waits (served, timed out, or closed).
    func removeKeyWaiter(_ c: Client) {
        guard let block = c.blocked?.keys else { return }
        for k in block.keys {
            let wk = WaitKey(db: c.dbIndex, key: Key(k))
            keyWaiters[wk]?.removeAll { $0 === c }
            if keyWaiters[wk]?.isEmpty == true { keyWaiters[wk] = nil }
        }
    }

    /// A changed key someone waits on: served after the command.
    @inline(__always)
    func keyChanged(db: Int, _ key: Key) {
        let wk = WaitKey(db: db, key: key)
        if keyWaiters[wk] != nil { readyKeys.append(wk) }
    }

    /// Serves the clients waiting on keys that got data, oldest first; a served BLMOVE may make
    /// its destination ready in turn. Clients are resumed (their pipelined input run) after.
    func serveBlockedClients() {
        var resumed: [Client] = []
        var i = 0
        while i < readyKeys.count {
            let wk = readyKeys[i]
            i += 1
            while let c = keyWaiters[wk]?.first {
                guard let block = c.blocked?.keys, hasData(wk, for: block.kind) else { break }
                removeKeyWaiter(c)
                serve(c, block, key: wk.key)
                c.blocked = nil
                resumed.append(c)
            }
        }
        readyKeys.removeAll()
        for c in resumed { unblock(c) }
    }

    private func hasData(_ wk: WaitKey, for kind: KeyBlock.Kind) -> Bool {
        switch (databases[wk.db].dict[wk.key], kind) {
        case (.list(let l)?, .listPop), (.list(let l)?, .listMove), (.list(let l)?, .listMultiPop): l.count > 0
        case (.zset(let z)?, .zsetPop), (.zset(let z)?, .zsetMultiPop): z.count > 0
        default: false
        }
    }

    /// Runs the non-blocking form for the waiting client, through the usual effects path (its
    /// pop is propagated as LPOP/RPOP, LMOVE or ZPOPMIN/ZPOPMAX, with its events).
    private func serve(_ c: Client, _ block: KeyBlock, key: Key) {
        var ctx = context(for: c)
        let args: [[UInt8]]
        switch block.kind {
        case .listPop(let left):
            args = [Array((left ? "LPOP" : "RPOP").utf8), key.bytes]
            BlockingCommands.popList(&ctx, key.bytes, left: left)
        case .listMove(let fromLeft, let toLeft, let destination):
            args = [Array("LMOVE".utf8), key.bytes, destination, Array((fromLeft ? "LEFT" : "RIGHT").utf8), Array((toLeft ? "LEFT" : "RIGHT").utf8)]
            ListEditCommands.move(&ctx, args, fromLeft: fromLeft, toLeft: toLeft)
        case .zsetPop(let min):
            args = [Array((min ? "ZPOPMIN" : "ZPOPMAX").utf8), key.bytes]
            BlockingCommands.popZSet(&ctx, key.bytes, min: min)
        case .listMultiPop(let left, let count):
            args = [Array((left ? "LPOP" : "RPOP").utf8), key.bytes, Array(String(count).utf8)]
            MultiPopCommands.popList(&ctx, key.bytes, left: left, count: count)
        case .zsetMultiPop(let min, let count):
            args = [Array((min ? "ZPOPMIN" : "ZPOPMAX").utf8), key.bytes]
            MultiPopCommands.popZSet(&ctx, key.bytes, min: min, count: count)
        }
        if let spec = commands.lookup(args[0]) { apply(spec, c, ctx, args) }
        flushPropagation()
        c.scheduleWrite()
    }

    /// Answers a key-blocked client whose timeout passed: a null array whatever it waited for
    /// (BLMOVE included), as Redis answers.
    func timeOutKeyBlocked(_ c: Client, now: Int64) {
        guard let b = c.blocked, b.keys != nil, let deadline = b.deadlineMs, now >= deadline else { return }
        removeKeyWaiter(c)
        c.reply.nullArray()
        unblock(c)
    }
}
