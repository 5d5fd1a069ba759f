import RESP
import Config
/// What the machine decided, as data. The shell performs the actions IN ORDER.
///
/// Ordering contract: a `.persist` must be durable (written and fsynced) before the shell performs
/// any action after it. The machine places a `.persist` right before the first action that could
/// reveal the change it records (a `.reply`, `.send`, `.publish` or `.runScript`): a reply to
/// is-master-down-by-addr may carry a vote, and a vote must survive a crash or the sentinel could
/// vote twice in one epoch; a self-vote or a new epoch must be durable before the failover acts on
/// it. If persisting fails, the shell must not perform the following actions of that batch (log
/// the error, answer the batch's clients with an error instead). A shell may fold a batch's persists into one
/// at the first one's place (`coalescingPersists`): durable earlier is never later than asked.
public enum SentinelAction: Sendable, CustomStringConvertible {
    /// Open a TCP connection to `link.address`; answer with `.linkConnected` or `.connectFailed`.
    case connect(LinkID)
    /// Close the connection; no event is expected back.
    case close(LinkID)
    /// Send one command on an open link (RESP array of bulk strings).
    case send(LinkID, [String])
    /// Publish to the sentinel's own pub/sub clients `notice.message` on `notice.channel`, the
    /// event type ("+sdown"). The notice says the same as data.
    case publish(SentinelNotice)
    case log(LogLevel, String)
    /// Write this state to the config file (see the ordering contract above).
    case persist(SentinelConfig)
    case runScript(ScriptJob)
    /// The answer to a `.clientCommand`.
    case reply(ClientID, RESPValue)
    /// The client command is not a sentinel command; the shell answers it (PING, CLIENT, ...).
    case notHandled(ClientID)
    /// A replica was rejected as failover candidate: debug information for operators (REFERENCE §6).
    case candidateRejected(master: String, replica: Address, reason: String)
    /// The replica chosen at selection and the candidates it was chosen from, with their offsets as
    /// known at that moment. For audits and the simulation's invariants.
    case candidateSelected(master: String, replica: Address, eligible: [ReplicaCandidate])
    /// SENTINEL SIMULATE-FAILURE asked to crash at this point: the shell exits with this code (Redis
    /// uses 99) right after performing the preceding actions.
    case exit(code: Int32)

    public var description: String {
        switch self {
        case .connect(let l): return "connect \(l)"
        case .close(let l): return "close \(l)"
        case .send(let l, let args): return "send \(l): \(args.joined(separator: " "))"
        case .publish(let n): return "publish \(n.channel) \(n.message)"
        case .log(let level, let msg): return "log \(level) \(msg)"
        case .persist(let c): return "persist epoch=\(c.currentEpoch) masters=\(c.masters.count)"
        case .runScript(let j): return "run-script #\(j.id.rawValue) \(j.path) \(j.args.joined(separator: " "))"
        case .reply(let c, let v): return "reply \(c) \(v)"
        case .notHandled(let c): return "not-handled \(c)"
        case .candidateRejected(let m, let r, let why): return "candidate-rejected \(m) \(r): \(why)"
        case .candidateSelected(let m, let r, let all):
            return "candidate-selected \(m) \(r) among " + all.map(\.description).joined(separator: ",")
        case .exit(let code): return "exit \(code)"
        }
    }
}

/// An eligible replica at selection time.
public struct ReplicaCandidate: Sendable, Hashable, CustomStringConvertible {
    public var address: Address
    public var priority: Int
    public var offset: Int64
    public var runID: String
    public var description: String { "\(address)(prio=\(priority),off=\(offset))" }
}

/// Redis's log levels, lowest first.
// LogLevel is shared with the servers' logger: see Logging/Logger.swift.
