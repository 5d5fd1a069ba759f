import RESP

enum ReplicationCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("role", 1, [.noscript, .loading, .stale, .fast], group: "server", "Returns the replication role.", .server(role)),
        CommandSpec("replicaof", 3, [.admin, .noscript, .stale], group: "server", "Configures a server as replica of another, or promotes it to a master.", .server(replicaof)),
        CommandSpec("slaveof", 3, [.admin, .noscript, .stale], group: "server", "Sets a Redis server as a replica of another, or promotes it to being a master.", .server(replicaof)),
        // Replies vary: REPLCONF ACK is never answered.
        CommandSpec("replconf", -1, [.admin, .noscript, .loading, .stale, .allowBusy], group: "server", "An internal command for configuring the replication stream.", replies: .varies, .server(replconf)),
        // Replies vary: the replication layer writes +FULLRESYNC/+CONTINUE and the payload.
        CommandSpec("psync", -3, [.admin, .noscript, .noMulti], group: "server", "An internal command used in replication.", replies: .varies, .server { ctx, s, c, a in
            guard let offset = Numbers.int64(a[2]) else { return ctx.reply.error(Errors.notInteger) }
            s.replication.psync(c, replid: a[1].utf8Text, offset: offset)
        }),
        // Replies vary: the replication layer writes the payload.
        CommandSpec("sync", 1, [.admin, .noscript, .noMulti], group: "server", "An internal command used in replication.", replies: .varies, .server { ctx, s, c, _ in
            s.replication.psync(c, replid: "?", offset: -1)
        }),
        CommandSpec("wait", 3, [.noscript], group: "generic", "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.", .server(wait)),
    ]

    static func role(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let r: Replication = s.replication
        if let m = r.master {
            ctx.reply.arrayHeader(5)
            ctx.reply.bulk("slave")
            ctx.reply.bulk(m.host)
            ctx.reply.integer(m.port)
            let state: String
            if r.linkUp { state = "connected" }
            else if let l = r.link { state = l.isTransferring ? "sync" : "handshake" }
            else { state = "connect" }
            ctx.reply.bulk(state)
            ctx.reply.integer(r.linkUp ? r.masterReplOffset : -1)
            return
        }
        ctx.reply.arrayHeader(3)
        ctx.reply.bulk("master")
        ctx.reply.integer(r.masterReplOffset)
        let online = r.replicas.filter { $0.replica?.state == .online }
        ctx.reply.arrayHeader(online.count)
        for rep in online {
            ctx.reply.arrayHeader(3)
            ctx.reply.bulk(rep.replica?.announcedIP ?? rep.address)
            ctx.reply.bulk(String(rep.replica?.listeningPort ?? 0))
            ctx.reply.bulk(String(rep.replica?.ackOffset ?? 0))
        }
    }

    static func replicaof(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let r: Replication = s.replication
        if a[1].lowercasedASCII == "no" && a[2].lowercasedASCII == "one" {
            if !r.isMaster {
                s.log.notice("MASTER MODE enabled (user request from '\(c.infoLine(nowMs: s.nowMs))')")
                r.becomeMaster()
            }
            return ctx.reply.ok()
        }
        if c.kind == .replica { return ctx.reply.error("ERR Command is not valid when client is a replica.") }
        guard let port = Numbers.int64(a[2]), port > 0, port <= 65535 else { return ctx.reply.error("ERR Invalid master port") }
        let host = a[1].utf8Text
        if let m = r.master, m.host == host, m.port == Int(port) {
            s.log.notice("REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.")
            return ctx.reply.simple("OK Already connected to specified master")
        }
        r.follow(host: host, port: Int(port))
        s.log.notice("REPLICAOF \(host):\(port) enabled (user request from '\(c.infoLine(nowMs: s.nowMs))')")
        ctx.reply.ok()
    }

    static func replconf(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard a.count % 2 == 1 else { return ctx.reply.error(Errors.syntax) }
        var st = c.replica ?? ReplicaState()
        var i = 1
        while i < a.count {
            let opt = a[i].lowercasedASCII
            let value = a[i + 1]
            switch opt {
            case "listening-port":
                guard let p = Numbers.int64(value), p >= 0, p <= 65535 else { return ctx.reply.error(Errors.notInteger) }
                st.listeningPort = Int(p)
            case "ip-address":
                st.announcedIP = value.utf8Text
            case "capa":
                st.capabilities.insert(value.lowercasedASCII)
            case "ack", "fack":
                // ACKs are never answered (the replica does not read replies on this link).
                guard c.kind == .replica, let off = Numbers.int64(value) else { return }
                if opt == "ack" { s.replication.ack(c, offset: off) }
                return
            case "getack":
                if c.kind == .master { s.replication.sendAck() }
                return
            case "rdb-only", "rdb-filter-only":
                break
            default:
                return ctx.reply.error("ERR Unrecognized REPLCONF option: \(a[i].utf8Text)")
            }
            i += 2
        }
        c.replica = st
        ctx.reply.ok()
    }

    /// WAIT numreplicas timeout: blocks until that many replicas acknowledged this client's last
    /// write (or the timeout in ms passes; 0 = forever) and replies how many did.
    static func wait(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let r: Replication = s.replication
        guard r.isMaster else {
            return ctx.reply.error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.")
        }
        guard let n = Numbers.int64(a[1]) else { return ctx.reply.error(Errors.notInteger) }
        guard let timeout = Numbers.int64(a[2]) else { return ctx.reply.error("ERR timeout is not an integer or out of range") }
        guard timeout >= 0 else { return ctx.reply.error("ERR timeout is negative") }
        // A fenced master may already have been replaced: confirming replication now could
        // acknowledge a write the new master was chosen without (docs/fencing.md).
        if s.isFenced { return ctx.reply.error(Server.fencedError) }
        let target = c.lastWriteOffset
        let acked = r.ackedReplicas(atLeast: target)
        // Inside EXEC a client cannot block (its later replies would overtake this one); Redis
        // answers the count at once too. Note that the transaction's own writes are propagated
        // when EXEC ends, so WAIT belongs after EXEC, not inside it.
        if acked >= n || c.inExec {
            return ctx.reply.integer(acked)
        }
        c.blocked = BlockState(waitReplicas: Int(n), waitOffset: target, deadlineMs: timeout > 0 ? s.nowMs + timeout : nil)
        r.waiters.append(c)
        r.getAckPending = true
    }
}
