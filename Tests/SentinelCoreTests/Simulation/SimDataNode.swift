import SentinelCore
import RESP

/// A data node as Sentinel sees it: answers PING, INFO (replication fields like Redis),
/// SUBSCRIBE/PUBLISH, follows SLAVEOF / REPLICAOF inside MULTI/EXEC, replicates with lag, crashes
/// and restarts. Not a keyspace: only the replication offset models the data.
struct SimDataNode {
    enum Role: Equatable {
        case master
        case replica(of: Address)
    }

    let address: Address
    var alive = true
    var runID: String
    var role: Role
    /// What CONFIG REWRITE saved: the role the node comes back with after a restart.
    var persistedRole: Role
    var offset: Int64 = 0
    /// The replication history `offset` counts in: a master's own, a replica's master's after a
    /// sync; a promotion starts a new one.
    var replID = ""
    var linkUp = false
    var linkDownSinceMs: Int64?
    var syncReadyAtMs: Int64?
    var priority = 100
    /// Write fencing as miniredis does it (docs/fencing.md): sentinel id → lease end.
    var fencingLeaseMs: Int64 = 0
    var fencingQuorum = 0
    var holders: [String: Int64] = [:]

    init(address: Address, role: Role, runID: String) {
        self.address = address
        self.role = role
        self.persistedRole = role
        self.runID = runID
    }

    /// Accepts writes: a master, and with fencing a quorum of unexpired leases.
    func isOpen(nowMs: Int64) -> Bool {
        guard role == .master else { return false }
        guard fencingQuorum > 0 else { return true }
        return holders.values.filter { $0 > nowMs }.count >= fencingQuorum
    }

    /// FENCING RENEW id token: the lease runs from the token, which this node handed out earlier.
    mutating func renew(_ args: [String], nowMs: Int64) -> RESPValue {
        guard args.count == 4 || args.count == 5, args[1].uppercased() == "RENEW", let token = Int64(args[3]) else {
            return .error(Array("ERR syntax error".utf8))
        }
        let lease = args.count == 5 ? min(fencingLeaseMs, Int64(args[4]) ?? 0) : fencingLeaseMs
        if token > 0 && token <= nowMs && nowMs - token < lease {
            holders[args[2]] = max(holders[args[2]] ?? .min, token + lease)
        }
        return .integer(nowMs)
    }

    var masterAddress: Address? {
        if case .replica(let a) = role { return a }
        return nil
    }

    /// INFO text with Redis's Server run_id and the replication section fields Sentinel reads.
    func info(nowMs: Int64, replicas: [(Address, Int64)]) -> String {
        var lines = ["# Server", "redis_version:7.0.15", "run_id:\(runID)", "", "# Replication"]
        switch role {
        case .master:
            lines.append("role:master")
            lines.append("connected_slaves:\(replicas.count)")
            for (i, r) in replicas.enumerated() {
                lines.append("slave\(i):ip=\(r.0.host),port=\(r.0.port),state=online,offset=\(r.1),lag=0")
            }
        case .replica(let m):
            lines.append("role:slave")
            lines.append("master_host:\(m.host)")
            lines.append("master_port:\(m.port)")
            lines.append("master_link_status:\(linkUp ? "up" : "down")")
            lines.append("master_last_io_seconds_ago:\(linkUp ? 0 : -1)")
            lines.append("master_sync_in_progress:0")
            lines.append("slave_read_repl_offset:\(offset)")
            lines.append("slave_repl_offset:\(offset)")
            if !linkUp, let since = linkDownSinceMs {
                lines.append("master_link_down_since_seconds:\((nowMs - since) / 1000)")
            }
            lines.append("slave_priority:\(priority)")
            lines.append("slave_read_only:1")
            lines.append("replica_announced:1")
            lines.append("connected_slaves:\(replicas.count)")
        }
        if fencingQuorum > 0 {
            lines.append("fencing_quorum:\(fencingQuorum)")
            lines.append("fencing_lease_ms:\(fencingLeaseMs)")
        }
        lines.append("master_failover_state:no-failover")
        lines.append("master_replid:\(replID)")
        lines.append("master_repl_offset:\(offset)")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// SLAVEOF / REPLICAOF: NO ONE promotes (data kept), host port follows a new master and waits
    /// for a sync.
    mutating func replicaOf(_ args: [String], nowMs: Int64) -> RESPValue {
        guard args.count == 3 else { return .error(Array("ERR wrong number of arguments".utf8)) }
        if args[1].uppercased() == "NO" && args[2].uppercased() == "ONE" {
            role = .master
            linkUp = false
            syncReadyAtMs = nil
            linkDownSinceMs = nil
        } else if let port = Int(args[2]) {
            let target = Address(host: args[1], port: port)
            if role != .replica(of: target) {
                role = .replica(of: target)
                linkUp = false
                syncReadyAtMs = nil
                linkDownSinceMs = nowMs
            }
        } else {
            return .error(Array("ERR value is not an integer or out of range".utf8))
        }
        return .simpleString(Array("OK".utf8))
    }
}
