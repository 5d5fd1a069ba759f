import Glibc
import RESP
import RDB
import Runtime

/// Replication state of this node, master side and replica side: the replication IDs and
/// offset (PSYNC2), the backlog, the replicas this node feeds, and the link to its own master.
/// The server calls the hooks below; everything about replication lives behind them.
final class Replication {
    unowned let server: Server
    /// Current replication ID, and the previous one with the offset up to which it is valid:
    /// after a promotion, replicas of the old master continue partially with the new one.
    var replID: String
    var replID2 = String(repeating: "0", count: 40)
    /// Offset of the last byte of the replication stream this node holds.
    var masterReplOffset: Int64 = 0
    var secondReplOffset: Int64 = -1
    var backlog: Backlog?
    /// The db the stream last selected (-1: the next command must SELECT first).
    var streamDB = -1
    /// Replicas attached to this node, in attach order (INFO lists them so).
    var replicas: [Client] = []
    var noReplicasSinceMs: Int64
    /// WAIT callers, and whether a REPLCONF GETACK must go out this loop turn.
    var waiters: [Client] = []
    var getAckPending = false
    private var lastPingMs: Int64 = 0

    // Replica side.
    var master: (host: String, port: Int)?
    var link: MasterLink?
    var masterClient: Client?
    var linkDownSinceMs: Int64
    var lastIOFromMasterMs: Int64 = 0
    /// The db the master's stream had selected, kept across reconnections so a partial
    /// resync continues in the right database (Redis's cached master).
    var masterStreamDB = 0
    var nextConnectMs: Int64 = 0
    var connectBackoffMs: Int64 = 0
    var ackState = AckState()
    private var lastKeepAliveMs: Int64 = 0

    init(server: Server) {
        self.server = server
        self.replID = Server.randomHex(40)
        self.master = server.config.replicaof
        self.noReplicasSinceMs = EventLoop.monotonicMs()
        self.linkDownSinceMs = EventLoop.monotonicMs()
    }

    var isMaster: Bool { master == nil }
    var linkUp: Bool { masterClient != nil }

    func startup() {
        if let m = master {
            server.log.notice("Connecting to MASTER \(m.host):\(m.port)")
            server.log.role = "S"
        }
    }

    // MARK: The stream

    /// Appends a command this node executed to the replication stream (masters only: a
    /// replica forwards its master's stream verbatim instead, see `proxy`).
    func feed(dbIndex: Int, _ args: [[UInt8]]) {
        guard isMaster, backlog != nil else { return }
        var w = RESPWriter()
        if dbIndex != streamDB {
            w.command([Array("SELECT".utf8), Array(String(dbIndex).utf8)])
            streamDB = dbIndex
        }
        w.command(args)
        appendToStream(w.buffer)
    }

    /// Bytes of the master's stream that a replica applied: they go to its own backlog and
    /// sub-replicas unchanged, so offsets agree along a chain.
    func proxy(_ bytes: ArraySlice<UInt8>) {
        guard backlog != nil else {
            masterReplOffset += Int64(bytes.count)
            return
        }
        appendToStream(Array(bytes))
    }

    func appendToStream(_ bytes: [UInt8]) {
        backlog?.append(bytes)
        masterReplOffset += Int64(bytes.count)
        for r in replicas {
            guard var state = r.replica else { continue }
            switch state.state {
            case .online:
                r.reply.raw(bytes)
                r.scheduleWrite()
                server.checkOutputLimits(r)
            case .waitBgsaveEnd, .waitAck:
                state.pendingStream.append(contentsOf: bytes)
                r.replica = state
                if Int64(state.pendingStream.count) > server.config.outputLimits.replica.hard && server.config.outputLimits.replica.hard > 0 {
                    server.log.warning("Replica \(r.address):\(state.listeningPort) fell too far behind during its sync; dropping it")
                    server.closeClient(r)
                }
            case .waitBgsaveStart:
                break
            }
        }
    }

    func ensureBacklog() {
        if backlog == nil {
            backlog = Backlog(capacity: Int(server.config.replBacklogSize), endOffset: masterReplOffset)
        }
    }

    // MARK: Hooks from the server

    func clientClosed(_ c: Client) {
        if c === masterClient {
            masterClient = nil
            masterStreamDB = c.dbIndex
            linkDownSinceMs = server.nowMs
            server.log.notice("Connection with master lost.")
            scheduleReconnect(immediately: true)
        }
        if c.kind == .replica {
            replicas.removeAll { $0 === c }
            if replicas.isEmpty { noReplicasSinceMs = server.nowMs }
            server.log.notice("Connection with replica \(c.address):\(c.replica?.listeningPort ?? 0) lost.")
        }
        waiters.removeAll { $0 === c }
    }

    func beforeSleep() {
        if getAckPending && isMaster && !replicas.isEmpty {
            getAckPending = false
            feed(dbIndex: streamDB < 0 ? 0 : streamDB, ["REPLCONF", "GETACK", "*"].map { Array($0.utf8) })
        }
    }

    func cron() {
        let now = server.nowMs
        if isMaster {
            masterCron(now: now)
        } else {
            replicaCron(now: now)
        }
        // Replicas feed sub-replicas too, so the waiting ones are served in both roles.
        startFullSyncIfReady(now: now)
        if now - lastKeepAliveMs >= 1000 {
            lastKeepAliveMs = now
            sendKeepAlives()
        }
    }

    private func masterCron(now: Int64) {
        if !replicas.isEmpty && now - lastPingMs >= Int64(server.config.replPingReplicaPeriod) * 1000 {
            lastPingMs = now
            feed(dbIndex: streamDB < 0 ? 0 : streamDB, [Array("PING".utf8)])
        }
        let timeoutMs = Int64(server.config.replTimeout) * 1000
        for r in replicas {
            guard let st = r.replica else { continue }
            if st.state == .online && now - st.lastAckMs > timeoutMs {
                server.log.warning("Disconnecting timedout replica (streaming sync): \(r.address):\(st.listeningPort)")
                server.closeClient(r)
            }
        }
        if replicas.isEmpty, backlog != nil, server.config.replBacklogTTL > 0,
           now - noReplicasSinceMs > Int64(server.config.replBacklogTTL) * 1000 {
            // As Redis: with no replica for the TTL the backlog goes, and with it the history
            // that the current replication ID names.
            backlog = nil
            replID = Server.randomHex(40)
            replID2 = String(repeating: "0", count: 40)
            secondReplOffset = -1
            server.log.notice("Replication backlog freed after \(server.config.replBacklogTTL) seconds without connected replicas.")
        }
    }

    // MARK: WAIT

    func ackedReplicas(atLeast offset: Int64) -> Int {
        replicas.filter { ($0.replica?.state == .online || $0.replica?.state == .waitAck) && ($0.replica?.ackOffset ?? 0) >= offset }.count
    }

    func checkWait(_ c: Client, now: Int64) {
        guard let b = c.blocked, b.keys == nil else { return }
        let acked = ackedReplicas(atLeast: b.waitOffset)
        // A master that became fenced while WAIT waited answers at once (even with timeout 0).
        if acked >= b.waitReplicas || (b.deadlineMs.map { now >= $0 } ?? false) || server.isFenced {
            if server.isFenced { c.reply.error(Server.fencedError) } else { c.reply.integer(acked) }
            waiters.removeAll { $0 === c }
            server.unblock(c)
        }
    }

    func checkWaiters() {
        let now = server.nowMs
        for c in waiters { checkWait(c, now: now) }
    }

    /// Replicas whose last ACK is within min-replicas-max-lag seconds.
    func goodReplicaCount() -> Int {
        let now = server.nowMs
        let lagMs = Int64(server.config.minReplicasMaxLag) * 1000
        return replicas.filter { $0.replica?.state == .online && now - ($0.replica?.lastAckMs ?? 0) <= lagMs }.count
    }

    // MARK: Snapshots

    /// Replication ID, offset and stream db to store in a snapshot, so a restarted node (or a
    /// sub-replica loading it) continues the stream in the right place.
    func snapshotReplicationInfo() -> RDBHeader.Replication? {
        let db = isMaster ? Swift.max(streamDB, 0) : (masterClient?.dbIndex ?? masterStreamDB)
        return RDBHeader.Replication(id: replID, offset: masterReplOffset, streamDB: db)
    }

    func adoptSnapshotMetadata(_ meta: RDBMetadata) {
        if let id = meta.replID, id.count == 40, let off = meta.replOffset {
            replID = id
            masterReplOffset = off
            if let db = meta.aux("repl-stream-db").flatMap({ Int($0) }) { masterStreamDB = db }
        }
    }

    // MARK: INFO and ROLE

    func infoLines() -> [String] {
        var lines: [String] = []
        let now = server.nowMs
        if let m = master {
            lines.append("role:slave")
            lines.append("master_host:\(m.host)")
            lines.append("master_port:\(m.port)")
            lines.append("master_link_status:\(linkUp ? "up" : "down")")
            lines.append("master_last_io_seconds_ago:\(linkUp ? (now - lastIOFromMasterMs) / 1000 : -1)")
            lines.append("master_sync_in_progress:\(link?.isTransferring == true ? 1 : 0)")
            lines.append("slave_read_repl_offset:\(masterReplOffset)")
            lines.append("slave_repl_offset:\(masterReplOffset)")
            if let l = link, l.isTransferring {
                lines.append("master_sync_total_bytes:\(l.payloadTotal)")
                lines.append("master_sync_read_bytes:\(l.payloadRead)")
                lines.append("master_sync_left_bytes:\(Swift.max(0, l.payloadTotal - l.payloadRead))")
                lines.append("master_sync_perc:0.00")
                lines.append("master_sync_last_io_seconds_ago:\((now - l.lastIOMs) / 1000)")
            }
            if !linkUp {
                lines.append("master_link_down_since_seconds:\((now - linkDownSinceMs) / 1000)")
            }
            lines.append("slave_priority:\(server.config.replicaPriority)")
            lines.append("slave_read_only:\(server.config.replicaReadOnly ? 1 : 0)")
            lines.append("replica_announced:\(server.config.replicaAnnounced ? 1 : 0)")
        } else {
            lines.append("role:master")
        }
        lines.append("connected_slaves:\(replicas.count)")
        if isMaster && server.config.minReplicasToWrite > 0 {
            lines.append("min_slaves_good_slaves:\(goodReplicaCount())")
        }
        for (i, r) in replicas.enumerated() {
            guard let st = r.replica else { continue }
            let ip = st.announcedIP ?? r.address
            let lag = (now - st.lastAckMs) / 1000
            lines.append("slave\(i):ip=\(ip),port=\(st.listeningPort),state=\(st.state.infoName),offset=\(st.ackOffset),lag=\(lag)")
        }
        lines += ["master_failover_state:no-failover", "master_replid:\(replID)", "master_replid2:\(replID2)",
                  "master_repl_offset:\(masterReplOffset)", "second_repl_offset:\(secondReplOffset)",
                  "repl_backlog_active:\(backlog != nil ? 1 : 0)", "repl_backlog_size:\(backlog?.capacity ?? Int(server.config.replBacklogSize))",
                  "repl_backlog_first_byte_offset:\(backlog?.firstByteOffset ?? 0)", "repl_backlog_histlen:\(backlog?.histlen ?? 0)"]
        return lines
    }
}
