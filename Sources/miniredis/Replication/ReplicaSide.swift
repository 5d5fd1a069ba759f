import Glibc
import Runtime

/// Being a replica: following a master (REPLICAOF), loading its snapshot, applying its stream,
/// acknowledging offsets, and becoming a master again (REPLICAOF NO ONE) with PSYNC2's
/// second replication ID so the other replicas can continue partially.
extension Replication {
    /// What to ask the master for: continue after our last byte, or everything.
    func psyncRequest() -> (String, Int64) {
        if masterReplOffset > 0 || backlog != nil { return (replID, masterReplOffset + 1) }
        return ("?", -1)
    }

    func replicaCron(now: Int64) {
        guard let m = master else { return }
        if masterClient == nil && link == nil && now >= nextConnectMs {
            do {
                link = try MasterLink(replication: self, host: m.host, port: m.port)
                server.log.notice("Connecting to MASTER \(m.host):\(m.port)")
            } catch {
                server.log.warning("Unable to connect to MASTER: \(error)")
                scheduleReconnect(immediately: false)
            }
        }
        let timeoutMs = Int64(server.config.replTimeout) * 1000
        if let l = link, now - l.lastIOMs > timeoutMs {
            l.close(reason: "Timeout connecting to the MASTER...")
        }
        if let mc = masterClient {
            if now - lastIOFromMasterMs > timeoutMs {
                server.log.warning("MASTER timeout: no data nor PING received...")
                server.closeClient(mc)
            } else if now - lastAckSentMsValue >= 1000 {
                sendAck()
            }
        }
    }

    private var lastAckSentMsValue: Int64 {
        get { ackState.lastSentMs }
        set { ackState.lastSentMs = newValue }
    }

    func sendAck() {
        guard let mc = masterClient else { return }
        mc.reply.command(["REPLCONF", "ACK", String(masterReplOffset)])
        mc.scheduleWrite()
        lastAckSentMsValue = server.nowMs
    }

    /// Reconnection is paced: quickly at first (a restarted or newly promoted master is often
    /// back within moments), then backing off to once a second while the master stays away.
    func scheduleReconnect(immediately: Bool) {
        connectBackoffMs = immediately ? 0 : Swift.min(1000, Swift.max(100, connectBackoffMs * 2))
        nextConnectMs = server.nowMs + connectBackoffMs
    }

    func linkFailed(_ l: MasterLink) {
        if link === l { link = nil }
        scheduleReconnect(immediately: false)
    }

    /// +CONTINUE: the link becomes the master client; a new replication ID from the master
    /// (it was promoted, or is a different node sharing our history) becomes ours, the old one
    /// our second.
    func continued(_ l: MasterLink, newReplID: String?, leftover: [UInt8]) {
        server.loop.unregister(l.fd)
        link = nil
        if let id = newReplID, id != replID {
            replID2 = replID
            secondReplOffset = masterReplOffset + 1
            replID = id
            disconnectReplicas(reason: "the replication ID changed")
        }
        ensureBacklog()
        attachMasterClient(fd: l.fd, host: l.host, port: l.port, db: masterStreamDB, leftover: leftover, tls: l.tls)
    }

    /// The snapshot arrived: load it into fresh databases and switch only when it loaded whole,
    /// so a corrupt or truncated payload never replaces the data with part of a dataset.
    func payloadReceived(_ l: MasterLink, path: String, replid: String, offset: Int64, leftover: [UInt8]) {
        link = nil
        let old = server.databases
        server.databases = (0..<old.count).map { Database(id: $0) }
        let start = EventLoop.monotonicMs()
        do {
            server.log.notice("MASTER <-> REPLICA sync: Loading DB in memory")
            let meta = try server.loadSnapshot(path: path)
            server.log.notice("MASTER <-> REPLICA sync: Finished with success (\(meta.keysRead) keys, \(EventLoop.monotonicMs() - start) ms)")
            for db in old { server.touchAllWatched(db) }
            if rename(path, server.config.dbfilename) != 0 { unlink(path) }
            replID = replid
            replID2 = String(repeating: "0", count: 40)
            secondReplOffset = -1
            masterReplOffset = offset
            backlog = Backlog(capacity: Int(server.config.replBacklogSize), endOffset: offset)
            masterStreamDB = meta.aux("repl-stream-db").flatMap { Int($0) } ?? 0
            disconnectReplicas(reason: "a full resynchronization with our master replaced the dataset")
            if server.config.appendonly {
                try? server.persistence.aof.startFromCurrentDataset()
            }
            attachMasterClient(fd: l.fd, host: l.host, port: l.port, db: masterStreamDB, leftover: leftover, tls: l.tls)
        } catch {
            server.databases = old
            unlink(path)
            server.log.warning("Failed trying to load the MASTER synchronization DB from disk, check server logs. (\(error)) Keeping the previous dataset.")
            Glibc.close(l.fd)
            scheduleReconnect(immediately: false)
        }
    }

    private func attachMasterClient(fd: Int32, host: String, port: Int, db: Int, leftover: [UInt8], tls: TLSConnection?) {
        let c = Client(id: server.nextClientID, fd: fd, server: server, address: host, port: port, nowMs: server.nowMs, tls: tls)
        server.nextClientID += 1
        c.kind = .master
        c.authenticated = true
        c.dbIndex = db
        c.input.setAuthenticated(true)
        do {
            try server.loop.register(fd, c)
        } catch {
            Glibc.close(fd)
            scheduleReconnect(immediately: false)
            return
        }
        server.clients[c.id] = c
        masterClient = c
        connectBackoffMs = 0
        lastIOFromMasterMs = server.nowMs
        c.input.query = leftover
        sendAck()
        if !leftover.isEmpty { masterStreamRead(c) }
    }

    /// Applies the master's stream: each whole command runs as the master client (writes
    /// allowed, no replies sent back), then its exact bytes go to our backlog and sub-replicas
    /// and count toward our offset.
    func masterStreamRead(_ c: Client) {
        lastIOFromMasterMs = server.nowMs
        while !c.closed {
            let start = c.input.pos
            let command: [[UInt8]]?
            do {
                command = try c.input.next()
            } catch {
                server.log.warning("Protocol error in the stream from MASTER (\(error)); reconnecting")
                server.closeClient(c)
                return
            }
            guard let args = command else {
                // The parser keeps the arguments of a command that is not whole yet and has
                // moved past their bytes: keep those bytes too, so the command is counted and
                // forwarded whole once it completes.
                c.streamPartial.append(contentsOf: c.input.query[start..<c.input.pos])
                break
            }
            let replyMark = c.reply.buffer.count
            if !args.isEmpty {
                if args.count >= 2, args[0].lowercasedASCII == "replconf", args[1].lowercasedASCII == "getack" {
                    ackState.requested = true
                } else {
                    server.execute(c, args)
                }
            }
            // Replies to the master are dropped; only ACKs go back.
            if c.reply.buffer.count > replyMark { c.reply.buffer.removeLast(c.reply.buffer.count - replyMark) }
            if c.streamPartial.isEmpty {
                proxy(c.input.query[start..<c.input.pos])
            } else {
                c.streamPartial.append(contentsOf: c.input.query[start..<c.input.pos])
                proxy(c.streamPartial[...])
                c.streamPartial.removeAll(keepingCapacity: true)
            }
            masterStreamDB = c.dbIndex
        }
        c.input.compact()
        if ackState.requested {
            ackState.requested = false
            sendAck()
        }
    }

    func disconnectReplicas(reason: String) {
        guard !replicas.isEmpty else { return }
        server.log.notice("Disconnecting \(replicas.count) replica(s): \(reason)")
        for r in replicas { server.closeClient(r) }
    }

    /// REPLICAOF host port.
    func follow(host: String, port: Int) {
        let wasMaster = isMaster
        master = (host, port)
        server.config.replicaof = (host, port)
        server.log.role = "S"
        dropMasterLink()
        if wasMaster {
            // Our history becomes what we ask the new master to continue from.
            ensureBacklog()
            disconnectReplicas(reason: "this node became a replica")
        }
        linkDownSinceMs = server.nowMs
        scheduleReconnect(immediately: true)
        server.log.notice("Connecting to MASTER \(host):\(port)")
        server.log.notice("MASTER <-> REPLICA sync started")
    }

    /// REPLICAOF NO ONE: keep the data, start a new history whose past is the old one.
    func becomeMaster() {
        guard !isMaster else { return }
        dropMasterLink()
        master = nil
        server.config.replicaof = nil
        server.log.role = "M"
        replID2 = replID
        secondReplOffset = masterReplOffset + 1
        replID = Server.randomHex(40)
        streamDB = -1
        ensureBacklog()
        disconnectReplicas(reason: "the replication ID changed (promotion)")
        noReplicasSinceMs = server.nowMs
        server.log.notice("Setting secondary replication ID to \(replID2), valid up to offset: \(secondReplOffset). New replication ID is \(replID)")
        server.log.notice("MASTER MODE enabled")
    }

    private func dropMasterLink() {
        if let l = link {
            server.loop.unregister(l.fd)
            Glibc.close(l.fd)
            if l.tempFD >= 0 { Glibc.close(l.tempFD); unlink(l.tempPath) }
            link = nil
        }
        if let mc = masterClient {
            masterClient = nil
            masterStreamDB = mc.dbIndex
            server.closeClient(mc)
        }
    }

    /// CONFIG SET replicaof.
    func configChanged(old: (host: String, port: Int)?) {
        if let m = server.config.replicaof { follow(host: m.host, port: m.port) } else { becomeMaster() }
    }
}

/// Replica-side ACK bookkeeping.
struct AckState {
    var lastSentMs: Int64 = 0
    var requested = false
}
