import Glibc
import SentinelCore
import RESP
import Runtime

/// A connection from a client of the sentinel (redis-cli, a client library, a peer sentinel).
final class SentinelClient: EventHandler {
    let id: ClientID
    let fd: Int32
    unowned let server: SentinelServer
    let address: String
    let port: Int
    let createdMs: Int64
    var lastCommandMs: Int64
    var name = ""
    var libName = ""
    var libVersion = ""
    var authenticated: Bool
    var lastCommand = "NULL"
    var parser = RESPCommandParser(maxBulkLength: 512 << 20)
    var input: [UInt8] = []
    var inputPos = 0
    var reply = RESPWriter()
    private var sent = 0
    var closeAfterReply = false
    var closed = false
    var channels: [String] = []
    var patterns: [String] = []

    init(id: ClientID, fd: Int32, server: SentinelServer, address: String, port: Int) {
        self.id = id
        self.fd = fd
        self.server = server
        self.address = address
        self.port = port
        self.createdMs = EventLoop.monotonicMs()
        self.lastCommandMs = createdMs
        self.authenticated = server.shell.requirepass.isEmpty
        self.parser.unauthenticatedLimits = !authenticated
    }

    var subscriptionCount: Int { channels.count + patterns.count }

    func readable() {
        let scratch = server.readBuffer
        let n = Glibc.read(fd, scratch.baseAddress, scratch.count)
        if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
        if n <= 0 { server.closeClient(self); return }
        input.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
        while !closed && !closeAfterReply {
            let command: [[UInt8]]?
            do {
                command = try parser.next(input, &inputPos)
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
        if inputPos > 0 {
            input.removeFirst(inputPos)
            inputPos = 0
        }
        // The arguments already parsed of an unfinished command count too (see heldBytes).
        if input.count + parser.heldBytes > 64 << 20 {
            server.log.warning("Closing client that reached max query buffer length")
            server.closeClient(self)
            return
        }
        flush()
    }

    func writable() { flush() }

    func flush() {
        guard !closed else { return }
        while sent < reply.buffer.count {
            let r = reply.buffer.withUnsafeBytes { Socket.write(fd, UnsafeRawBufferPointer(rebasing: $0[sent...])) }
            switch r {
            case .bytes(let n): sent += n
            case .wouldBlock:
                server.loop.setInterest(fd, read: true, write: true)
                // A subscriber that stops reading is cut off rather than buffered forever
                // (Redis's pub/sub output limit, 32 MB).
                if reply.buffer.count - sent > 32 << 20 { server.closeClient(self) }
                return
            case .closed, .failed:
                server.closeClient(self)
                return
            }
        }
        reply.buffer.removeAll(keepingCapacity: reply.buffer.capacity < 1 << 20)
        sent = 0
        server.loop.setInterest(fd, read: true, write: false)
        if closeAfterReply { server.closeClient(self) }
    }

    func infoLine(nowMs: Int64) -> String {
        "id=\(id.rawValue) addr=\(address):\(port) laddr= fd=\(fd) name=\(name) age=\((nowMs - createdMs) / 1000) idle=\((nowMs - lastCommandMs) / 1000) flags=\(subscriptionCount > 0 ? "P" : "N") db=0 sub=\(channels.count) psub=\(patterns.count) ssub=0 multi=-1 qbuf=\(input.count) qbuf-free=0 argv-mem=0 multi-mem=0 rbs=\(reply.buffer.capacity) rbp=0 obl=0 oll=0 omem=\(reply.buffer.count - sent) tot-mem=0 events=r cmd=\(lastCommand) user=default redir=-1 resp=\(reply.protocolVersion) lib-name=\(libName) lib-ver=\(libVersion)"
    }
}
