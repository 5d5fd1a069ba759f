import Glibc
import RESP
import Runtime
import ServerKit

/// One connection to the data node: its input buffer and parser, the replies built for it, and
/// its session state (selected db, protocol, transaction, subscriptions).
final class Client: EventHandler {
    /// What the connection is to replication: a client, a replica we feed, or our master.
    enum Kind { case normal, replica, master }

    let id: Int64
    let fd: Int32
    unowned let server: Server
    let address: String
    let port: Int
    let localAddress: String
    let createdMs: Int64
    var lastInteractionMs: Int64

    /// Name, library, authentication, subscriptions: the state kept as the sentinel keeps it.
    var session: ClientSession
    var dbIndex = 0
    var lastCommandName = "NULL"

    var input: ClientInput

    // Output. The buffer is an object of its own so a command context can write into it
    // without the client (ReplySink); `reply` reaches it in place.
    let output = ReplyBuffer()
    var reply: RESPWriter {
        get { output.writer }
        _modify { yield &output.writer }
    }
    var sentPos = 0
    var inPendingWrites = false
    /// Set when the client passed the soft output limit; cleared when it drains below it.
    var softLimitSinceMs: Int64?
    /// Backpressure: while the client's unread replies exceed `Server.readPauseBytes` we stop
    /// reading its commands, so a client that never reads cannot grow our memory.
    var readPaused = false
    var closeAfterReply = false
    var closed = false

    // Transactions.
    var multiQueue: [[[UInt8]]]?
    var multiFailed = false
    var watchedKeys: [(db: Int, key: Key)] = []
    var watchDirty = false

    var authenticated: Bool {
        @inline(__always) get { session.authenticated }
        set { session.authenticated = newValue }
    }
    var subscriptionCount: Int { @inline(__always) get { session.subscriptions.count } }

    /// The replication offset after this client's last command: what WAIT waits for.
    var lastWriteOffset: Int64 = 0
    /// Set while the client waits in WAIT; its further input waits too.
    var blocked: BlockState?
    /// Running the queued commands of EXEC.
    var inExec = false
    /// In MONITOR mode: sees every command the server runs.
    var isMonitor = false
    /// A command held by CLIENT PAUSE, run when the pause ends.
    var postponed: [[UInt8]]?

    /// From a loopback address: what `local` in enable-debug-command and
    /// enable-protected-configs admits (miniredis has no Unix socket).
    var isLocal: Bool { Socket.isLoopback(address) }

    /// What this connection is to the replication layer.
    var kind: Kind = .normal
    /// On the link from our master: bytes of a stream command that has not fully arrived yet.
    var streamPartial: [UInt8] = []
    /// Replica bookkeeping (REPLCONF listening-port, acked offset).
    var replica: ReplicaState?
    /// The connection's TLS session (a client of tls-port, or our master over tls-replication).
    let tls: TLSConnection?

    init(id: Int64, fd: Int32, server: Server, address: String, port: Int, nowMs: Int64, tls: TLSConnection? = nil) {
        self.id = id
        self.fd = fd
        self.tls = tls
        self.server = server
        self.address = address
        self.port = port
        let local = Socket.localAddress(fd)
        self.localAddress = local.map { "\($0.0):\($0.1)" } ?? ""
        self.createdMs = nowMs
        self.lastInteractionMs = nowMs
        let authenticated = server.newConnectionsAuthenticated
        self.session = ClientSession(authenticated: authenticated)
        self.input = ClientInput(maxBulkLength: Int(server.config.protoMaxBulkLen), authenticated: authenticated)
    }

    var db: Database { server.databases[dbIndex] }
    var resp: Int { reply.protocolVersion }
    var pendingOutput: Int { reply.buffer.count - sentPos }
    var hasPendingOutput: Bool { reply.buffer.count > sentPos }

    func readable() { server.readFromClient(self) }
    func writable() { server.writeToClient(self) }

    /// Marks the client to get its replies written before the loop sleeps.
    @inline(__always)
    func scheduleWrite() {
        if !inPendingWrites {
            inPendingWrites = true
            server.pendingWrites.append(self)
        }
    }

    /// CLIENT LIST's flags field.
    var flagsText: String {
        var f = ""
        switch kind {
        case .replica: f += "S"
        case .master: f += "M"
        case .normal: break
        }
        if subscriptionCount > 0 { f += "P" }
        if multiQueue != nil { f += "x" }
        if blocked != nil { f += "b" }
        if closeAfterReply { f += "c" }
        if watchDirty { f += "d" }
        if isMonitor { f += "O" }
        // A client of the Unix socket (named by its path), as Redis flags it.
        if address.hasPrefix("/") { f += "U" }
        return f.isEmpty ? "N" : f
    }

    /// What CLIENT KILL and CLIENT LIST filter on.
    var facts: ClientFacts {
        let type: ClientType
        switch kind {
        case .replica: type = .replica
        case .master: type = .master
        case .normal: type = subscriptionCount > 0 ? .pubsub : .normal
        }
        return ClientFacts(id: id, address: "\(address):\(port)", localAddress: localAddress, type: type, user: session.user)
    }

    func infoLine(nowMs: Int64) -> String {
        var line = ClientInfoLine(id: id, address: "\(address):\(port)", localAddress: localAddress, fd: fd, session: session,
                                  ageSeconds: (nowMs - createdMs) / 1000, idleSeconds: (nowMs - lastInteractionMs) / 1000,
                                  flags: flagsText, command: lastCommandName, resp: resp)
        line.db = dbIndex
        line.multi = multiQueue.map { $0.count } ?? -1
        line.qbuf = input.unreadCount
        line.qbufFree = input.query.capacity - input.query.count
        line.rbs = reply.buffer.capacity
        line.rbp = reply.buffer.count
        line.omem = pendingOutput
        line.totMem = input.query.capacity + reply.buffer.capacity
        line.events = server.loop.isWatchingWrite(fd) ? "rw" : (readPaused ? "" : "r")
        return line.text
    }
}

/// Why a client is blocked and when it gives up.
struct BlockState {
    /// WAIT: how many replicas, which offset, until when (monotonic ms; nil = forever).
    var waitReplicas: Int
    var waitOffset: Int64
    var deadlineMs: Int64?
    /// Blocked on keys (BLPOP and friends, Server/BlockedKeys.swift) rather than in WAIT.
    var keys: KeyBlock? = nil
}

/// What the master knows about one of its replicas.
struct ReplicaState {
    /// REPLCONF ACK arrived while the diskless transfer was still being reaped (MasterSide.ack).
    var ackedDuringTransfer = false
    enum SyncState {
        /// Asked for a full sync; waits for the snapshot child to start.
        case waitBgsaveStart
        /// The snapshot is being produced (disk) or streamed by the child (diskless).
        case waitBgsaveEnd
        /// Diskless payload sent; online once the replica's first ACK says it loaded it.
        case waitAck
        case online

        var infoName: String {
            switch self {
            case .waitBgsaveStart, .waitBgsaveEnd: "wait_bgsave"
            case .waitAck: "send_bulk"
            case .online: "online"
            }
        }
    }

    var listeningPort = 0
    var announcedIP: String?
    var capabilities: Set<String> = []
    var ackOffset: Int64 = 0
    var lastAckMs: Int64 = 0
    var state = SyncState.waitBgsaveStart
    /// The stream written while the replica's snapshot is being made or sent.
    var pendingStream: [UInt8] = []
    /// Bytes of an RDB payload queued in the reply buffer: exempt from the output limit, as
    /// Redis streams the file outside the buffer.
    var payloadBytes = 0
}
