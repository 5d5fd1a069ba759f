
/// CLIENT PAUSE / UNPAUSE (Redis 6.2+): normal clients' commands are held, not refused, until the
/// pause ends. In WRITE mode only commands that change the dataset (and EXEC of a transaction
/// that holds one) wait; reads go on. Replication links are never paused. While writes are
/// paused the dataset stays still: keys are not expired actively, and a key found expired on
/// read is reported missing without being deleted (no DEL is propagated), as Redis does, so a
/// replica can catch up with a fixed offset (the coordinated switchover relies on it).
struct ClientPause {
    enum Mode: Int, Comparable {
        case write = 1, all = 2
        static func < (a: Mode, b: Mode) -> Bool { a.rawValue < b.rawValue }
    }
    var mode: Mode?
    var endMs: Int64 = 0
    /// Clients holding a postponed command, in arrival order.
    var held: [Client] = []
}

extension Server {
    var writesPaused: Bool { pause.mode != nil }

    /// True (and the command is kept for later) when the pause applies to it.
    func postponeIfPaused(_ c: Client, _ spec: CommandSpec, _ args: [[UInt8]]) -> Bool {
        guard let mode = pause.mode, c.kind == .normal else { return false }
        let applies: Bool
        switch mode {
        case .all: applies = true
        case .write:
            if spec.flags.contains(.write) {
                applies = true
            } else if spec.name == "exec", let queue = c.multiQueue {
                applies = queue.contains { commands.lookup($0[0])?.flags.contains(.write) == true }
            } else {
                applies = false
            }
        }
        guard applies else { return false }
        c.postponed = args
        pause.held.append(c)
        return true
    }

    func clientPause(timeoutMs: Int64, mode: ClientPause.Mode) {
        let end = nowMs + timeoutMs
        // As Redis: a second pause can only lengthen the pause or make it stricter.
        pause.endMs = pause.mode == nil ? end : Swift.max(pause.endMs, end)
        pause.mode = Swift.max(pause.mode ?? mode, mode)
    }

    /// Ends the pause and runs the held commands in the order they arrived.
    func clientUnpause() {
        guard pause.mode != nil else { return }
        pause.mode = nil
        let held = pause.held
        pause.held = []
        for c in held where !c.closed {
            guard let args = c.postponed else { continue }
            c.postponed = nil
            execute(c, args)
            if c.postponed == nil { processInput(c) }
        }
    }

    func checkPauseEnd(now: Int64) {
        if pause.mode != nil && now >= pause.endMs { clientUnpause() }
    }
}
