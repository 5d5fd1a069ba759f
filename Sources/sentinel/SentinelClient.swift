import Glibc
import SentinelCore
import RESP
import Runtime
import ServerKit

/// A connection from a client of the sentinel (redis-cli, a client library, a peer sentinel).
/// Its buffers, session and subscriptions are ServerKit's, as the data node's are.
final class SentinelClient: EventHandler {
    let id: ClientID
    let fd: Int32
    unowned let server: SentinelServer
    let address: String
    let port: Int
    let localAddress: String
    let createdMs: Int64
    var lastCommandMs: Int64
    var session: ClientSession
    var lastCommand = "NULL"
    var input: ClientInput
    var reply = RESPWriter()
    private var sent = 0
    var closeAfterReply = false
    var closed = false
    /// A reply of this client's waits for the state to be on disk (the server's group commit):
    /// its next commands stay in the input buffer until then, so replies keep their order.
    var awaitingDurable = false
    /// The tls-port's session, for a client that came in on it.
    let tls: TLSConnection?

    /// A sentinel closes a client that stops reading once this much output waits for it,
    /// whatever it is (Redis's pub/sub limit, 32 MB): its clients are small and few, and a
    /// flood of pipelined commands from one that never reads must not grow its memory.
    static let outputLimit = 32 << 20
    /// The sentinel's query buffer limit.
    static let queryLimit = 64 << 20

    init(id: ClientID, fd: Int32, server: SentinelServer, address: String, port: Int, tls: TLSConnection? = nil) {
        self.id = id
        self.tls = tls
        self.fd = fd
        self.server = server
        self.address = address
        self.port = port
        self.localAddress = Socket.localAddress(fd).map { "\($0.0):\($0.1)" } ?? ""
        self.createdMs = EventLoop.monotonicMs()
        self.lastCommandMs = createdMs
        let authenticated = server.newConnectionsAuthenticated
        self.session = ClientSession(authenticated: authenticated)
        self.input = ClientInput(maxBulkLength: 512 << 20, authenticated: authenticated)
    }

    var subscriptionCount: Int { session.subscriptions.count }

    func readable() {
        switch input.read(from: fd, scratch: server.readBuffer, tls: tls) {
        case .bytes: break
        case .wouldBlock: return
        case .closed, .failed:
            if let tls, let failure = tls.failure, !tls.established { server.log.warning("Error accepting a client connection: \(failure)") }
            server.closeClient(self)
            return
        }
        processInput()
    }

    /// Runs the buffered commands, up to one whose reply the server holds.
    func processInput() {
        while !closed && !closeAfterReply && !awaitingDurable {
            let command: [[UInt8]]?
            do {
                command = try input.next()
            } catch {
                reply.error("ERR \(error.message)")
                closeAfterReply = true
                break
            }
            guard let args = command else { break }
            if args.isEmpty { continue }
            lastCommandMs = EventLoop.monotonicMs()
            server.execute(self, args)
        }
        input.compact()
        if input.bufferedBytes > Self.queryLimit {
            server.log.warning("Closing client that reached max query buffer length")
            server.closeClient(self)
            return
        }
        flush()
    }

    func writable() { flush() }

    func flush() {
        guard !closed else { return }
        var written = 0
        switch reply.flush(to: fd, sentPos: &sent, written: &written, tls: tls) {
        case .drained:
            server.loop.setInterest(fd, read: true, write: false)
            if closeAfterReply { server.closeClient(self) }
        case .wouldBlock:
            server.loop.setInterest(fd, read: true, write: true)
            if reply.buffer.count - sent > Self.outputLimit { server.closeClient(self) }
        case .failed:
            server.closeClient(self)
        }
    }

    /// What CLIENT KILL and CLIENT LIST filter on.
    var facts: ClientFacts {
        ClientFacts(id: Int64(id.rawValue), address: "\(address):\(port)", localAddress: localAddress,
                    type: subscriptionCount > 0 ? .pubsub : .normal, user: session.user)
    }

    func infoLine(nowMs: Int64) -> String {
        var line = ClientInfoLine(id: Int64(id.rawValue), address: "\(address):\(port)", localAddress: localAddress, fd: fd,
                                  session: session, ageSeconds: (nowMs - createdMs) / 1000,
                                  idleSeconds: (nowMs - lastCommandMs) / 1000, flags: subscriptionCount > 0 ? "P" : "N",
                                  command: lastCommand, resp: reply.protocolVersion)
        line.qbuf = input.query.count
        line.rbs = reply.buffer.capacity
        line.omem = reply.buffer.count - sent
        return line.text
    }
}
