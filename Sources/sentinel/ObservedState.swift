import RESP
import SentinelCore

/// What the web view and the metrics show of each master, read through the machine's read-only
/// `observe` (the SENTINEL MASTERS / REPLICAS / SENTINELS / INFO-CACHE replies): the same fields
/// a client sees, so the page can never disagree with redis-cli.
struct ObservedMaster {
    struct Replica {
        var address: String
        var flags: String
        var role: String
        var linkOK: Bool
        var offset: Int64
        /// Bytes behind the master: its offset minus what it reports the replica acknowledged, both
        /// from its last INFO; nil if unknown.
        var lag: Int64?
        var priority: Int64
    }

    struct Peer {
        var address: String
        var runID: String
        var flags: String
        var lastHelloMsAgo: Int64
        var votedLeader: String
        var votedLeaderEpoch: Int64
    }

    var name: String
    var address: String
    var flags: String
    var status: String
    var configEpoch: Int64
    var quorum: Int64
    var failoverState: String?
    var sdownMs: Int64?
    var odownMs: Int64?
    /// This sentinel's vote for the failover leader.
    var vote: (runID: String, epoch: UInt64)?
    /// The master's `fencing:` INFO line (off / open / fenced) when it has one (miniredis).
    var fencing: String?
    var replicas: [Replica]
    var sentinels: [Peer]

    var okReplicas: Int { replicas.count { $0.linkOK && !$0.flags.contains("s_down") && !$0.flags.contains("disconnected") } }
    var okSentinels: Int { sentinels.count { !$0.flags.contains("s_down") && !$0.flags.contains("disconnected") } }

    static func all(_ machine: Sentinel, now: MonotonicMs) -> [ObservedMaster] {
        (machine.observe(["masters"], now: now)?.elements ?? []).compactMap { master(fields($0), machine, now: now) }
    }

    private static func master(_ f: [String: String], _ machine: Sentinel, now: MonotonicMs) -> ObservedMaster? {
        guard let name = f["name"] else { return nil }
        let flags = f["flags"] ?? ""
        let info = masterInfo(machine, name, now: now)
        let replicas = (machine.observe(["replicas", name], now: now)?.elements ?? []).map { v -> Replica in
            let r = fields(v)
            let offset = Int64(r["slave-repl-offset"] ?? "") ?? 0
            return Replica(address: "\(r["ip"] ?? "?"):\(r["port"] ?? "?")", flags: r["flags"] ?? "",
                           role: r["role-reported"] ?? "?", linkOK: r["master-link-status"] == "ok", offset: offset,
                           lag: info.lag(of: "\(r["ip"] ?? "?"):\(r["port"] ?? "?")"), priority: Int64(r["slave-priority"] ?? "") ?? 0)
        }
        let peers = (machine.observe(["sentinels", name], now: now)?.elements ?? []).map { v -> Peer in
            let s = fields(v)
            return Peer(address: "\(s["ip"] ?? "?"):\(s["port"] ?? "?")", runID: s["runid"] ?? "", flags: s["flags"] ?? "",
                        lastHelloMsAgo: Int64(s["last-hello-message"] ?? "") ?? 0, votedLeader: s["voted-leader"] ?? "?",
                        votedLeaderEpoch: Int64(s["voted-leader-epoch"] ?? "") ?? 0)
        }
        let status = flags.contains("o_down") ? "odown" : flags.contains("s_down") ? "sdown" : "ok"
        return ObservedMaster(name: name, address: "\(f["ip"] ?? "?"):\(f["port"] ?? "?")", flags: flags, status: status,
                              configEpoch: Int64(f["config-epoch"] ?? "") ?? 0, quorum: Int64(f["quorum"] ?? "") ?? 0,
                              failoverState: f["failover-state"], sdownMs: f["s-down-time"].flatMap { Int64($0) },
                              odownMs: f["o-down-time"].flatMap { Int64($0) }, vote: machine.leaderVote(master: name),
                              fencing: info.fencing, replicas: replicas, sentinels: peers)
    }

    /// The fields of one map reply.
    static func fields(_ v: RESPValue) -> [String: String] {
        var out: [String: String] = [:]
        for (k, val) in v.pairs ?? [] { if let k = k.text { out[k] = val.text ?? "" } }
        return out
    }

    /// What the master's last INFO (as the sentinel cached it) says about replication.
    struct MasterInfo {
        var offset: Int64?
        var fencing: String?
        /// Each replica's acknowledged offset, by `ip:port`, from the master's `slaveN:` lines.
        var replicaOffsets: [String: Int64] = [:]

        /// Bytes the replica is behind, both offsets from the same INFO (the replicas' own INFOs
        /// are taken at other moments, up to 10 s apart, which would make a lag of nothing).
        func lag(of address: String) -> Int64? {
            guard let offset, let acked = replicaOffsets[address] else { return nil }
            return Swift.max(0, offset - acked)
        }
    }

    private static func masterInfo(_ machine: Sentinel, _ name: String, now: MonotonicMs) -> MasterInfo {
        var out = MasterInfo()
        guard let reply = machine.observe(["info-cache", name], now: now)?.elements, reply.count == 2,
              let first = reply[1].elements?.first?.elements, first.count == 2, let text = first[1].text else { return out }
        // (`\.isNewline`: "\r\n" is one Character, equal to neither "\r" nor "\n".)
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            let value = line[line.index(after: colon)...]
            if key == "master_repl_offset" {
                out.offset = Int64(value)
            } else if key == "fencing" {
                out.fencing = String(value)
            } else if key.hasPrefix("slave"), key.dropFirst(5).allSatisfy(\.isNumber) {
                // slave0:ip=127.0.0.1,port=6380,state=online,offset=123,lag=0
                var f: [Substring: Substring] = [:]
                for kv in value.split(separator: ",") {
                    let pair = kv.split(separator: "=", maxSplits: 1)
                    if pair.count == 2 { f[pair[0]] = pair[1] }
                }
                if let ip = f["ip"], let port = f["port"], let o = f["offset"].flatMap({ Int64($0) }) { out.replicaOffsets["\(ip):\(port)"] = o }
            }
        }
        return out
    }
}
