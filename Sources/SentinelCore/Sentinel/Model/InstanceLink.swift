/// What the machine remembers about one connection: its state and the replies it still expects.
struct LinkEndpoint: Sendable {
    enum State: Sendable { case disconnected, connecting, connected }
    var id: LinkID?
    var state: State = .disconnected
    /// Replies expected, oldest first: Redis answers commands in order, so the head of this queue is
    /// what the next reply answers.
    var pending: [PendingRequest] = []
    var connectedAtMs: MonotonicMs = 0
    /// An authentication refusal (NOAUTH, WRONGPASS) was logged for this connection.
    var refusalLogged = false

    var isConnected: Bool { state == .connected }
}

/// What a command sent on a link asked, so its reply can be interpreted.
enum PendingRequest: Sendable, Equatable {
    case ignored          // AUTH, CLIENT SETNAME, MULTI, queued commands, EXEC, SCRIPT KILL...
    case ping
    case info
    case isMasterDown     // is-master-down-by-addr sent to a peer sentinel
    case publishHello
    case subscribe
    case fencingRenew     // FENCING RENEW to a master with write fencing
    case switchoverPause  // CLIENT PAUSE of a coordinated switchover
}

/// Redis's instanceLink: the connections to one instance and the timestamps SDOWN is judged on.
struct InstanceLink: Sendable {
    var command = LinkEndpoint()
    /// nil for sentinels: Redis only opens a pub/sub link to data nodes.
    var pubsub: LinkEndpoint?
    /// Reconnection is paced to once per ping period.
    var lastReconnectMs: MonotonicMs?
    /// Sent time of the oldest unanswered PING, nil when every PING was answered.
    var actPingMs: MonotonicMs?
    var lastPingMs: MonotonicMs?
    /// Last reply of any kind to a PING.
    var lastPongMs: MonotonicMs
    /// Last valid reply to a PING (+PONG, -LOADING, -MASTERDOWN).
    var lastAvailMs: MonotonicMs
    var pubsubLastActivityMs: MonotonicMs = 0
    /// Hellos published over this link (sentinels) or to this instance (data nodes).
    var lastPubMs: MonotonicMs = 0
    /// Local address of the command socket, used in hellos when announce-ip is not set.
    var localIP: String?

    init(hasPubsub: Bool, now: MonotonicMs) {
        pubsub = hasPubsub ? LinkEndpoint() : nil
        lastPongMs = now
        lastAvailMs = now
    }

    /// Redis's `link->disconnected`: either needed connection is missing.
    var disconnected: Bool {
        !command.isConnected || (pubsub.map { !$0.isConnected } ?? false)
    }

    var pendingCommands: Int { command.pending.count + (pubsub?.pending.count ?? 0) }
}

/// What one PING and PONG on a shared connection would tell of a peer sentinel.
struct PeerLiveness: Sendable {
    var lastPingMs: MonotonicMs?
    var lastPongMs: MonotonicMs?
}
