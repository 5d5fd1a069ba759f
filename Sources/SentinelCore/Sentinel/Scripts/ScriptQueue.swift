/// Identifies one script run the machine asked for.
public struct ScriptID: Hashable, Sendable {
    public let rawValue: UInt64
}

/// A script to run: `path args...`. The shell must kill it after `maxRuntimeMs` and then report
/// `.scriptFinished(id, exitStatus: nil)`.
public struct ScriptJob: Sendable, Hashable {
    public var id: ScriptID
    public var path: String
    public var args: [String]
    public var maxRuntimeMs: Int64
}

/// Redis's script queue policy, kept in the machine so it is deterministic and testable: at most 16
/// running, at most 256 queued (the oldest waiting one is dropped), exit status 1 retried up to 10
/// times with a doubling delay, other failures reported as -script-error / -script-timeout.
struct ScriptQueue: Sendable {
    struct Entry: Sendable {
        var job: ScriptJob
        var running = false
        var startedMs: MonotonicMs = 0
        var notBeforeMs: MonotonicMs
        var retries = 0
    }
    static let maxRunning = 16
    static let maxQueued = 256
    static let maxRetries = 10
    var entries: [Entry] = []
    var nextID: UInt64 = 1
    var runningCount: Int { entries.filter(\.running).count }
}

extension Sentinel {
    mutating func queueScript(path: String, args: [String], now: MonotonicMs) {
        let job = ScriptJob(id: ScriptID(rawValue: scripts.nextID), path: path, args: args,
                            maxRuntimeMs: timers.scriptMaxRuntimeMs)
        scripts.nextID += 1
        scripts.entries.append(ScriptQueue.Entry(job: job, notBeforeMs: now))
        if scripts.entries.count > ScriptQueue.maxQueued,
           let oldest = scripts.entries.firstIndex(where: { !$0.running }) {
            scripts.entries.remove(at: oldest)
            log(.warning, "Sentinel scripts queue too long, dropping the oldest script")
        }
    }

    /// `<master> <role> <state> <from-ip> <from-port> <to-ip> <to-port>` for client-reconfig-script.
    mutating func callClientReconfigScript(_ m: Int, role: String, state: String, from: Address, to: Address, now: MonotonicMs) {
        guard let script = masters[m].clientReconfigScript else { return }
        queueScript(path: script, args: [masters[m].name, role, state, from.host, String(from.port), to.host, String(to.port)], now: now)
    }

    mutating func runPendingScripts(now: MonotonicMs) {
        for i in scripts.entries.indices {
            if scripts.runningCount >= ScriptQueue.maxRunning { return }
            guard !scripts.entries[i].running, scripts.entries[i].notBeforeMs <= now else { continue }
            scripts.entries[i].running = true
            scripts.entries[i].startedMs = now
            emit(.runScript(scripts.entries[i].job))
        }
    }

    mutating func scriptFinished(_ id: ScriptID, exitStatus: Int32?, now: MonotonicMs) {
        guard let i = scripts.entries.firstIndex(where: { $0.job.id == id && $0.running }) else { return }
        var entry = scripts.entries.remove(at: i)
        let line = ([entry.job.path] + entry.job.args).joined(separator: " ")
        switch exitStatus {
        case 0?:
            return
        case 1? where entry.retries < ScriptQueue.maxRetries:
            // Exit 1 means "try again later"; back off so a struggling script is not hammered.
            entry.retries += 1
            entry.running = false
            entry.notBeforeMs = now + timers.scriptRetryDelayMs << Int64(entry.retries - 1)
            scripts.entries.append(entry)
        case nil:
            event(.warning, .scriptTimeout, nil, line, now: now)
        case let status?:
            event(.warning, .scriptError, nil, "\(line) \(status)", now: now)
        }
    }
}
