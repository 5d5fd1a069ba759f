import Glibc
import RESP
import Runtime

/// The replica's connection to its master until the stream starts: connect, handshake
/// (PING, AUTH, REPLCONF listening-port, REPLCONF capa eof capa psync2, PSYNC), then either
/// +CONTINUE or +FULLRESYNC and the snapshot payload (`$len` or `$EOF:<mark>`) into a temporary
/// file. When the stream starts the socket becomes a `Client` of kind `.master`.
final class MasterLink: EventHandler {
    enum Phase {
        case connecting
        /// tls-replication: the TLS handshake, before the replication handshake.
        case tlsHandshake
        case handshake(expecting: [Expect])
        case payloadHeader(replid: String, offset: Int64)
        case payload(replid: String, offset: Int64)
    }

    enum Expect { case pong, auth, replconf, psync }

    unowned let replication: Replication
    let fd: Int32
    let host: String
    let port: Int
    var phase = Phase.connecting
    var buffer: [UInt8] = []
    var lastIOMs: Int64
    // Payload.
    var payloadTotal: Int64 = -1
    var payloadRead: Int64 = 0
    var eofMark: [UInt8]?
    var tail: [UInt8] = []
    var tempFD: Int32 = -1
    var tempPath = ""
    /// tls-replication's session, handed to the master client when the stream starts.
    private(set) var tls: TLSConnection?
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)

    var server: Server { replication.server }
    var isTransferring: Bool {
        switch phase {
        case .payloadHeader, .payload: true
        default: false
        }
    }

    init(replication: Replication, host: String, port: Int) throws(SystemError) {
        self.replication = replication
        self.host = host
        self.port = port
        self.lastIOMs = replication.server.nowMs
        // A master named by host is resolved off the loop; until the answer is in, the connect
        // fails and is retried as any failed connect is.
        let address: String
        switch replication.server.resolver.lookup(host) {
        case .address(let a): address = a
        case .pending: throw SystemError("Resolving \(host)", code: EAGAIN)
        case .failed: throw SystemError("Unable to resolve \(host)", code: EINVAL)
        }
        fd = try Socket.connect(host: address, port: port)
        try replication.server.loop.register(fd, self, read: false, write: true)
    }

    func close(reason: String) {
        server.log.warning("\(reason)")
        server.loop.unregister(fd)
        Glibc.close(fd)
        if tempFD >= 0 {
            Glibc.close(tempFD)
            unlink(tempPath)
            tempFD = -1
        }
        replication.linkFailed(self)
    }

    func writable() {
        guard case .connecting = phase else { return }
        let err = Socket.connectResult(fd)
        guard err == 0 else {
            close(reason: "Error condition on socket for SYNC: \(SystemError.text(err))")
            return
        }
        server.log.notice("MASTER <-> REPLICA sync started")
        server.loop.setInterest(fd, read: true, write: false)
        if let context = server.tlsClient {
            do { tls = try TLSConnection(context: context, fd: fd) } catch {
                close(reason: "Error condition on socket for SYNC: \(error)")
                return
            }
            phase = .tlsHandshake
            continueTLSHandshake()
            return
        }
        startReplicationHandshake()
    }

    /// Drives the TLS handshake with the master; the replication handshake follows it.
    private func continueTLSHandshake() {
        switch tls?.handshake() ?? .done {
        case .done: startReplicationHandshake()
        case .wouldBlock: return
        case .failed: close(reason: "Error condition on socket for SYNC: TLS handshake with the master failed: \(tls?.failure ?? "")")
        }
    }

    private func startReplicationHandshake() {
        // The handshake is pipelined, as Redis 7 pipelines it, except PSYNC: a master refuses
        // PSYNC while replies to earlier commands are still pending, so it goes once they are in.
        let config = server.config
        var w = RESPWriter()
        var expect: [Expect] = [.pong]
        w.command(["PING"])
        if !config.masterauth.isEmpty {
            w.command(config.masteruser.isEmpty ? ["AUTH", config.masterauth] : ["AUTH", config.masteruser, config.masterauth])
            expect.append(.auth)
        }
        // Over tls-replication the replica is reached on its TLS port, as Redis announces it.
        let ownPort = config.tls.replication && config.tls.port > 0 ? config.tls.port : config.port
        let announcedPort = config.replicaAnnouncePort > 0 ? config.replicaAnnouncePort : ownPort
        w.command(["REPLCONF", "listening-port", String(announcedPort)])
        expect.append(.replconf)
        if !config.replicaAnnounceIP.isEmpty {
            w.command(["REPLCONF", "ip-address", config.replicaAnnounceIP])
            expect.append(.replconf)
        }
        w.command(["REPLCONF", "capa", "eof", "capa", "psync2"])
        expect.append(.replconf)
        expect.append(.psync)
        phase = .handshake(expecting: expect)
        send(w.buffer)
    }

    /// A handshake command: a few hundred bytes into a fresh socket, which takes them at once.
    private func send(_ bytes: [UInt8]) {
        guard let tls else {
            _ = bytes.withUnsafeBytes { FileIO.writeAll(fd, $0) }
            return
        }
        var sent = 0
        if Socket.writeOut(fd, bytes, sent: &sent, tls: tls) != .drained {
            close(reason: "Error writing to MASTER over TLS during the handshake: \(tls.failure ?? "the socket took no more bytes")")
        }
    }

    func readable() {
        if case .connecting = phase { writable(); return }
        if case .tlsHandshake = phase { continueTLSHandshake(); return }
        let n: Int
        switch scratch.withUnsafeMutableBytes({ Socket.read(fd, into: $0, tls: tls) }) {
        case .bytes(let count): n = count
        case .wouldBlock: return
        case .closed, .failed:
            close(reason: "Error reading from MASTER: connection lost during the sync\(tls?.failure.map { " (\($0))" } ?? "")")
            return
        }
        lastIOMs = server.nowMs
        if case .payload = phase {
            consumePayload(scratch[0..<n])
            return
        }
        buffer.append(contentsOf: scratch[0..<n])
        process()
    }

    /// Takes one reply line, skipping the lone newlines masters send as keep-alives.
    private func nextLine() -> String? {
        while buffer.first == 10 { buffer.removeFirst() }
        guard let nl = buffer.firstIndex(of: 10) else {
            if buffer.count > 64 * 1024 {
                close(reason: "Protocol error: the master sent a line longer than 64 KB during the handshake")
            }
            return nil
        }
        var end = nl
        if end > 0 && buffer[end - 1] == 13 { end -= 1 }
        let line = String(decoding: buffer[0..<end], as: UTF8.self)
        buffer.removeFirst(nl + 1)
        return line
    }

    private func process() {
        while true {
            switch phase {
            case .connecting, .tlsHandshake:
                return
            case .handshake(var expecting):
                guard let line = nextLine() else { return }
                let what = expecting.removeFirst()
                phase = .handshake(expecting: expecting)
                switch what {
                case .pong:
                    // -NOAUTH is fine here: AUTH follows. Anything else means no Redis there.
                    if !line.hasPrefix("+") && !line.hasPrefix("-NOAUTH") && !line.hasPrefix("-NOPERM") && !line.hasPrefix("-ERR operation not permitted") {
                        return close(reason: "Error reply to PING from master: '\(line.prefix(80))'")
                    }
                case .auth:
                    if !line.hasPrefix("+") { return close(reason: "Unable to AUTH to MASTER: \(line.prefix(80))") }
                case .replconf:
                    if line.hasPrefix("-") { server.log.notice("(Non critical) Master does not understand REPLCONF: \(line.prefix(80))") }
                case .psync:
                    return psyncReply(line)
                }
                if expecting.count == 1 { sendPSYNC() }
            case .payloadHeader(let replid, let offset):
                guard let line = nextLine() else { return }
                guard line.hasPrefix("$") else {
                    return close(reason: "Bad protocol from MASTER, the first byte is not '$' (we received '\(line.prefix(40))'), are you sure the host and port are right?")
                }
                if line.hasPrefix("$EOF:") && line.utf8.count == 45 {
                    eofMark = Array(line.utf8.dropFirst(5))
                    payloadTotal = -1
                } else if let n = Int64(line.dropFirst()), n >= 0 {
                    payloadTotal = n
                } else {
                    return close(reason: "Bad payload header from MASTER: '\(line.prefix(40))'")
                }
                tempPath = "temp-\(getpid()).\(server.nowMs).rdb"
                tempFD = open(tempPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                guard tempFD >= 0 else { return close(reason: "Opening the temp file needed for MASTER <-> REPLICA synchronization: \(SystemError.text(errno))") }
                server.log.notice("MASTER <-> REPLICA sync: receiving \(payloadTotal >= 0 ? "\(payloadTotal) bytes" : "streamed RDB") from master to disk")
                phase = .payload(replid: replid, offset: offset)
                let rest = buffer
                buffer = []
                if !rest.isEmpty { consumePayload(rest[...]) }
                return
            case .payload:
                return
            }
        }
    }

    /// Asks to continue from where this node's data ends (its own replication ID and offset,
    /// Redis's "cached master using myself"); a master that cannot continue sends everything.
    private func sendPSYNC() {
        let (id, off) = replication.psyncRequest()
        send(RESPWriter.encode(command: ["PSYNC", id, String(off)]))
    }

    private func psyncReply(_ line: String) {
        let parts = line.split(separator: " ").map(String.init)
        if parts.first == "+FULLRESYNC", parts.count >= 3, let offset = Int64(parts[2]) {
            server.log.notice("Full resync from master: \(parts[1]):\(offset)")
            phase = .payloadHeader(replid: parts[1], offset: offset)
            process()
        } else if parts.first == "+CONTINUE" {
            server.log.notice("Successful partial resynchronization with master.")
            let leftover = buffer
            buffer = []
            replication.continued(self, newReplID: parts.count > 1 ? parts[1] : nil, leftover: leftover)
        } else if line.hasPrefix("-NOMASTERLINK") || line.hasPrefix("-LOADING") {
            close(reason: "Master is currently unable to PSYNC but should be in the future: \(line)")
        } else {
            close(reason: "Unexpected reply to PSYNC from master: \(line.prefix(120))")
        }
    }

    private func consumePayload(_ bytes: ArraySlice<UInt8>) {
        guard case .payload(let replid, let offset) = phase else { return }
        var chunk = bytes
        var leftover: [UInt8] = []
        if payloadTotal >= 0 {
            let need = Int(payloadTotal - payloadRead)
            if chunk.count > need {
                leftover = Array(chunk[(chunk.startIndex + need)...])
                chunk = chunk.prefix(need)
            }
        }
        if !chunk.isEmpty {
            let ok = chunk.withUnsafeBytes { FileIO.writeAll(tempFD, $0) }
            guard ok else { return close(reason: "Write error writing the payload to disk: \(SystemError.text(errno))") }
            payloadRead += Int64(chunk.count)
        }
        var done = false
        if let mark = eofMark {
            tail.append(contentsOf: chunk)
            if tail.count > 40 { tail.removeFirst(tail.count - 40) }
            done = tail == mark
        } else {
            done = payloadRead == payloadTotal
        }
        guard done else { return }
        if eofMark != nil {
            // The mark is not part of the file.
            ftruncate(tempFD, off_t(payloadRead - 40))
        }
        fsync(tempFD)
        Glibc.close(tempFD)
        tempFD = -1
        server.loop.unregister(fd)
        replication.payloadReceived(self, path: tempPath, replid: replid, offset: offset, leftover: leftover)
    }
}
