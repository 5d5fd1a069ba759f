import Glibc
import RDB
import Runtime

/// Serving replicas: PSYNC (partial from the backlog or full from a snapshot), REPLCONF, and
/// the snapshot transfer, on disk (`$len` payload) or diskless (`$EOF:` streamed by a child).
extension Replication {
    /// PSYNC replid offset (and the old SYNC, treated as `PSYNC ? -1`).
    func psync(_ c: Client, replid: String, offset: Int64) {
        if !isMaster && !linkUp {
            c.reply.error("NOMASTERLINK Can't SYNC while not connected with my master")
            return
        }
        guard c.kind != .replica else { return }
        let listening = c.replica?.listeningPort ?? 0
        if tryPartialResync(c, replid: replid, offset: offset) { return }
        server.stats.syncFull += 1
        if replid != "?" { server.stats.syncPartialErr += 1 }
        server.log.notice("Replica \(c.address):\(listening) asks for synchronization")
        if replid != "?" {
            server.log.notice("Partial resynchronization not accepted: \(partialRefusalReason(replid: replid, offset: offset))")
        }
        server.log.notice("Full resync requested by replica \(c.address):\(listening)")
        attach(c, state: .waitBgsaveStart)
        ensureBacklog()
        if !server.config.replDisklessSync || server.config.replDisklessSyncDelay == 0 {
            startFullSyncIfReady(now: server.nowMs)
        }
    }

    private func attach(_ c: Client, state: ReplicaState.SyncState) {
        c.kind = .replica
        var st = c.replica ?? ReplicaState()
        st.state = state
        st.lastAckMs = server.nowMs
        c.replica = st
        if !replicas.contains(where: { $0 === c }) { replicas.append(c) }
        c.authenticated = true
    }

    private func partialRefusalReason(replid: String, offset: Int64) -> String {
        if replid != replID && replid != replID2 {
            return "Replication ID mismatch (Replica asked for '\(replid)', my replication IDs are '\(replID)' and '\(replID2)')"
        }
        if replid == replID2 && offset > secondReplOffset {
            return "Requested offset for second ID was \(offset), but I can reply up to \(secondReplOffset)"
        }
        guard let b = backlog else { return "no backlog" }
        return "Unable to partial resync with replica for lack of backlog (Replica request was: \(offset), my backlog covers \(b.firstByteOffset) to \(b.endOffset))."
    }

    private func tryPartialResync(_ c: Client, replid: String, offset: Int64) -> Bool {
        let idMatches = replid == replID || (replid == replID2 && offset <= secondReplOffset)
        guard idMatches, let b = backlog, let data = b.bytes(from: offset) else { return false }
        attach(c, state: .online)
        let psync2 = c.replica?.capabilities.contains("psync2") ?? false
        c.reply.raw(Array((psync2 ? "+CONTINUE \(replID)\r\n" : "+CONTINUE\r\n").utf8))
        c.reply.raw(data)
        c.replica?.ackOffset = offset - 1
        server.stats.syncPartialOK += 1
        server.log.notice("Partial resynchronization request from \(c.address):\(c.replica?.listeningPort ?? 0) accepted. Sending \(data.count) bytes of backlog starting from offset \(offset).")
        return true
    }

    /// Starts the snapshot for replicas waiting for a full sync: at once for disk-based sync,
    /// after repl-diskless-sync-delay for diskless (so replicas arriving together share one).
    func startFullSyncIfReady(now: Int64) {
        let waiting = replicas.filter { $0.replica?.state == .waitBgsaveStart }
        guard !waiting.isEmpty, server.persistence.childPID == nil else { return }
        // A TLS replica's session lives in this process, so a forked child cannot write to it:
        // those go through a snapshot on disk, sent by the parent (Redis pipes the child's
        // output through the parent instead).
        let diskless = server.config.replDisklessSync && waiting.allSatisfy { $0.replica?.capabilities.contains("eof") ?? false && $0.tls == nil }
        if diskless {
            let oldest = waiting.map { $0.replica?.lastAckMs ?? now }.min() ?? now
            guard now - oldest >= Int64(server.config.replDisklessSyncDelay) * 1000 else { return }
        }
        // Every replica of this snapshot gets the stream from the same offset on, starting with
        // a SELECT (the snapshot carries the data, not the selected db).
        let offset = masterReplOffset
        if isMaster { streamDB = -1 }
        for r in waiting {
            r.reply.raw(Array("+FULLRESYNC \(replID) \(offset)\r\n".utf8))
            r.replica?.state = .waitBgsaveEnd
            r.replica?.pendingStream = []
        }
        let info = RDBHeader.Replication(id: replID, offset: offset, streamDB: isMaster ? 0 : (masterClient?.dbIndex ?? masterStreamDB))
        if diskless {
            startDisklessTransfer(waiting, info: info)
        } else {
            startDiskTransfer(waiting, info: info)
        }
    }

    /// The child writes `$EOF:<mark>\r\n`, the snapshot and the mark straight to the replicas'
    /// sockets; the parent buffers the stream meanwhile and releases it on the first ACK.
    private func startDisklessTransfer(_ targets: [Client], info: RDBHeader.Replication) {
        let mark = Server.randomHex(40)
        // Whatever the parent had queued for them (+FULLRESYNC, keep-alives) goes out first,
        // from the child, so the parent never writes to these sockets while the child does.
        let outputs = targets.map { (fd: $0.fd, pending: Array($0.reply.buffer[$0.sentPos...])) }
        let error = server.persistence.forkChild(reason: "replicas sockets", isSave: false, onExit: { [unowned self] ok in
            self.disklessTransferEnded(targets, ok: ok)
        }) { [unowned server] in
            var sink = MultiSocketSink(targets: outputs.map(\.fd))
            for (i, o) in outputs.enumerated() { sink.writeTo(i, o.pending) }
            let header = Array("$EOF:\(mark)\r\n".utf8)
            header.withUnsafeBytes { try? sink.write($0) }
            do {
                sink = try server.writeSnapshot(to: sink, replication: info)
            } catch {
                return false
            }
            Array(mark.utf8).withUnsafeBytes { try? sink.write($0) }
            return sink.anyAlive
        }
        if let error {
            server.log.warning("Can't start the diskless transfer: \(error)")
            for r in targets { r.replica?.state = .waitBgsaveStart }
            return
        }
        for r in targets {
            r.reply.buffer.removeAll(keepingCapacity: true)
            r.sentPos = 0
        }
        server.log.notice("Starting BGSAVE for SYNC with target: replicas sockets")
    }

    private func disklessTransferEnded(_ targets: [Client], ok: Bool) {
        for r in targets where !r.closed {
            if ok && r.replica?.ackedDuringTransfer == true {
                // The replica loaded the payload and said so before we reaped the child.
                putOnline(r)
                server.log.notice("Synchronization with replica \(r.address):\(r.replica?.listeningPort ?? 0) succeeded")
            } else if ok {
                r.replica?.state = .waitAck
                server.log.notice("Diskless sync to \(r.address):\(r.replica?.listeningPort ?? 0) sent; waiting for its first ACK")
            } else {
                server.log.warning("Diskless sync to \(r.address) failed; closing the link so it retries")
                server.closeClient(r)
            }
        }
    }

    /// The child writes dump.rdb; the parent then queues `$len\r\n` and the file, and the stream
    /// written meanwhile, and the replica is online.
    private func startDiskTransfer(_ targets: [Client], info: RDBHeader.Replication) {
        let path = server.persistence.rdbPath
        let error = server.persistence.forkChild(reason: "replication", isSave: true, onExit: { [unowned self] ok in
            self.diskTransferEnded(targets, path: path, ok: ok)
        }) { [unowned server] in
            do {
                _ = try server.saveSnapshot(to: path, replication: info)
                return true
            } catch {
                return false
            }
        }
        if let error {
            server.log.warning("Can't start the BGSAVE for replication: \(error)")
            for r in targets { r.replica?.state = .waitBgsaveStart }
            return
        }
        server.log.notice("Starting BGSAVE for SYNC with target: disk")
    }

    private func diskTransferEnded(_ targets: [Client], path: String, ok: Bool) {
        let payload = ok ? FileIO.readBytes(path) : nil
        for r in targets where !r.closed {
            guard let payload else {
                server.log.warning("SYNC failed. BGSAVE child returned an error")
                server.closeClient(r)
                continue
            }
            var header = Array("$\(payload.count)\r\n".utf8)
            header += payload
            r.reply.raw(header)
            r.replica?.payloadBytes = header.count
            putOnline(r)
            server.log.notice("Synchronization with replica \(r.address):\(r.replica?.listeningPort ?? 0) succeeded")
        }
    }

    func putOnline(_ r: Client) {
        guard var st = r.replica else { return }
        st.state = .online
        r.reply.raw(st.pendingStream)
        st.pendingStream = []
        st.lastAckMs = server.nowMs
        r.replica = st
        r.scheduleWrite()
    }

    /// Sends "\n" to replicas waiting for their snapshot, so they do not time out (they skip it).
    func sendKeepAlives() {
        for r in replicas {
            guard let st = r.replica else { continue }
            // Diskless transfers own the socket in the child: nothing from the parent then.
            if st.state == .waitBgsaveStart || (st.state == .waitBgsaveEnd && server.persistence.childIsSave) {
                r.reply.raw("\n")
                r.scheduleWrite()
            }
        }
    }

    /// REPLCONF ACK from a replica.
    func ack(_ c: Client, offset: Int64) {
        guard var st = c.replica else { return }
        if offset > st.ackOffset { st.ackOffset = offset }
        st.lastAckMs = server.nowMs
        // A replica acknowledges right after loading a diskless payload, which can be before the
        // child that sent it has been reaped here: remember it, or the replica would stay behind
        // (not fed) until its next ACK a second later.
        if st.state == .waitBgsaveEnd && !server.persistence.childIsSave { st.ackedDuringTransfer = true }
        c.replica = st
        if st.state == .waitAck {
            putOnline(c)
            server.log.notice("Synchronization with replica \(c.address):\(st.listeningPort) succeeded")
        }
        checkWaiters()
    }
}

/// Writes the same bytes to several non-blocking sockets from a forked child, waiting with
/// poll when a socket is full. A socket that fails is dropped; the others go on.
struct MultiSocketSink: RDBByteSink {
    private var fds: [Int32]
    private var alive: [Bool]

    init(targets: [Int32]) {
        fds = targets
        alive = Array(repeating: true, count: targets.count)
    }

    var anyAlive: Bool { alive.contains(true) }

    mutating func writeTo(_ i: Int, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { alive[i] = alive[i] && Self.writeFully(fds[i], $0) }
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(RDBError) {
        for i in fds.indices where alive[i] {
            alive[i] = Self.writeFully(fds[i], bytes)
        }
        if !anyAlive { throw RDBError(.io, "every replica socket failed") }
    }

    static func writeFully(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = send(fd, bytes.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL))
            if n > 0 { off += n; continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                // A replica that takes no bytes for a minute is given up on.
                if poll(&p, 1, 60_000) <= 0 { return false }
                continue
            }
            return false
        }
        return true
    }
}
