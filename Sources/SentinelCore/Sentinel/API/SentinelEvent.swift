import RESP
/// Everything that can happen to a sentinel, as data. The shell turns I/O into these and calls
/// `Sentinel.handle(_:now:)`.
public enum SentinelEvent: Sendable {
    /// The periodic timer. The shell should tick about every 100 ms (Redis runs its sentinel timer
    /// at 10 Hz, jittered). `wallClockMs` is the wall clock read at the tick (ms since the epoch):
    /// TILT compares it with the previous tick's reading, because a jump of the wall clock or a
    /// stalled process is exactly what TILT exists to notice.
    case tick(wallClockMs: Int64)
    /// A `.connect` finished. `localIP` is the local address of the socket, announced in hellos when
    /// no announce-ip is configured (Redis reads it from the socket the same way). `peerIP` is the
    /// address a host name resolved to, if the shell resolved one: reported instead of the name
    /// while announce-hostnames is no, as redis-sentinel reports the address it resolved.
    case linkConnected(LinkID, localIP: String?, peerIP: String? = nil)
    /// A connect attempt failed (refused, timeout, resolution error).
    case connectFailed(LinkID, reason: String)
    /// An established connection was lost (EOF, error, protocol error).
    case linkLost(LinkID, reason: String)
    /// One value read from a link, in order. Replies answer commands the machine sent on that link,
    /// first come first answered; on pub/sub links, pushed messages come here too.
    case reply(LinkID, RESPValue)
    /// A pub/sub message decoded by the shell on a pub/sub link (an alternative to passing the raw
    /// `["message", channel, payload]` push as `.reply`).
    case pubsubMessage(LinkID, channel: String, payload: String)
    /// A command from one of the sentinel's own clients (SENTINEL, ROLE, INFO, PUBLISH). The machine
    /// answers with exactly one `.reply(client, ...)` action, unless the command is not one it owns
    /// (then it returns `.notHandled(client)` and the shell answers).
    case clientCommand(ClientID, args: [[UInt8]])
    /// A hello a peer delivered with PUBLISH __sentinel__:hello to this sentinel's server, when the
    /// shell handles PUBLISH itself.
    case helloReceived(payload: String)
    /// A script the machine asked to run has ended: exit status, or nil when it was killed for
    /// running longer than script-max-runtime or could not be started.
    case scriptFinished(ScriptID, exitStatus: Int32?)
}
