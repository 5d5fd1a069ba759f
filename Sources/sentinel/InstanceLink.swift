import Glibc
import SentinelCore
import RESP
import Runtime

/// One outgoing connection the state machine asked for (to a master, replica or peer sentinel).
/// It reports what happens on the socket as events and does nothing else: what to send, when to
/// give up and when to reconnect are the machine's decisions.
final class InstanceLink: EventHandler {
    let id: LinkID
    /// The address the host resolved to (the host itself when it is an address).
    let resolvedIP: String
    let fd: Int32
    unowned let server: SentinelServer
    private(set) var connected = false
    private var input: [UInt8] = []
    private var output: [UInt8] = []
    private var sent = 0
    private let parser = RESPParser(maxBulkLength: 64 << 20, maxAggregateCount: 1 << 20, maxDepth: 16)
    private var connectTimer: UInt64?
    private var closed = false
    /// tls-replication: every link the sentinel opens speaks TLS.
    private var tls: TLSConnection?

    /// A connect that neither succeeds nor fails within this is reported as failed: the machine
    /// never retries a hung connect by itself (a partitioned peer drops SYNs silently).
    static let connectTimeoutMs: Int64 = 1000

    init(id: LinkID, server: SentinelServer) throws(SystemError) {
        self.id = id
        self.server = server
        // Names are resolved off the loop (HostResolver): the first try of a new name fails as
        // "resolving", and the machine's next connect finds the answer cached.
        let host: String
        switch server.resolver.lookup(id.address.host) {
        case .address(let resolved): host = resolved
        case .pending: throw SystemError("resolving \(id.address.host)", code: EAGAIN)
        case .failed: throw SystemError("Failed to resolve hostname '\(id.address.host)'", code: EINVAL)
        }
        resolvedIP = host
        fd = try Socket.connect(host: host, port: id.address.port)
        if let context = server.tlsClient {
            do { tls = try TLSConnection(context: context, fd: fd) } catch {
                Glibc.close(fd)
                throw SystemError("\(error)", code: EPROTO)
            }
        }
        try server.loop.register(fd, self, read: false, write: true)
        connectTimer = server.loop.addTimer(afterMs: Self.connectTimeoutMs) { [weak self] in
            guard let self, !self.connected, !self.closed else { return }
            self.fail(connecting: true, reason: "connect timeout")
        }
    }

    func send(_ args: [String]) {
        guard !closed else { return }
        var w = RESPWriter()
        w.command(args)
        output.append(contentsOf: w.buffer)
        if connected { flush() }
    }

    private func flush() {
        switch Socket.writeOut(fd, output, sent: &sent, tls: tls) {
        case .drained: break
        case .wouldBlock:
            server.loop.setInterest(fd, read: true, write: true)
            return
        case .failed:
            fail(connecting: false, reason: tls?.failure ?? "write error")
            return
        }
        output.removeAll(keepingCapacity: true)
        sent = 0
        server.loop.setInterest(fd, read: true, write: false)
    }

    func writable() {
        if !connected {
            let err = Socket.connectResult(fd)
            guard err == 0 else {
                fail(connecting: true, reason: SystemError.text(err))
                return
            }
            connected = true
            if let t = connectTimer { server.loop.cancelTimer(t) }
            let local = Socket.localAddress(fd)?.0
            server.deliver(.linkConnected(id, localIP: local, peerIP: resolvedIP))
            if closed { return }
        }
        flush()
    }

    func readable() {
        if !connected { writable(); if !connected { return } }
        let scratch = server.readBuffer
        let n: Int
        switch Socket.read(fd, into: scratch, tls: tls) {
        case .bytes(let count): n = count
        case .wouldBlock:
            // A TLS handshake that just completed here may have commands waiting to go out.
            if tls?.established == true && sent < output.count { flush() }
            return
        case .closed:
            fail(connecting: false, reason: "connection closed")
            return
        case .failed(let code):
            fail(connecting: false, reason: tls?.failure ?? SystemError.text(code))
            return
        }
        input.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
        var pos = 0
        while !closed {
            let parsed: (value: RESPValue, next: Int)?
            do {
                parsed = try parser.parse(input, from: pos)
            } catch {
                fail(connecting: false, reason: "protocol error: \(error)")
                return
            }
            guard let (value, next) = parsed else { break }
            pos = next
            server.deliver(.reply(id, value))
        }
        if pos > 0 && !closed { input.removeFirst(pos) }
        // A peer that sends an endless partial reply cannot grow our memory without bound.
        if input.count > 64 << 20 { fail(connecting: false, reason: "reply too large") }
    }

    private func fail(connecting: Bool, reason: String) {
        guard !closed else { return }
        close()
        server.linkEnded(self)
        server.deliver(connecting ? .connectFailed(id, reason: reason) : .linkLost(id, reason: reason))
    }

    /// Closes without telling the machine (it asked for the close, or already knows).
    func close() {
        guard !closed else { return }
        closed = true
        if let t = connectTimer { server.loop.cancelTimer(t) }
        server.loop.unregister(fd)
        Glibc.close(fd)
    }
}
