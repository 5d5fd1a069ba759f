/// The fields of an INFO reply that Sentinel acts on. Parsing is lenient like Redis's: unknown or
/// malformed lines are skipped, never fatal.
public struct InfoReport: Sendable, Equatable {
    public var runID: String?
    /// `.master` or `.replica` (INFO says "slave").
    public var role: InstanceRole?
    public var masterHost: String?
    public var masterPort: Int?
    public var masterLinkUp: Bool?
    public var masterLinkDownSinceSeconds: Int64?
    public var replicaPriority: Int?
    public var replOffset: Int64?
    public var replicaAnnounced: Bool?
    /// `master_repl_offset`: the offset of the node's own stream (a coordinated switchover waits
    /// for the chosen replica to reach the paused master's).
    public var masterReplOffset: Int64?
    /// Write fencing (miniredis, docs/fencing.md): the lease length when `fencing_quorum` > 0.
    public var fencingLeaseMs: Int64?
    public var fencingQuorum: Int?
    /// `master_replid`: the replication history the node's offset counts in.
    public var replID: String?
    /// Replicas a master lists in `slaveN:` lines.
    public var replicas: [Address] = []

    public init() {}

    public static func parse(_ text: String) -> InfoReport {
        var r = InfoReport()
        // Byte-wise line splitting: INFO is ASCII and arrives every second during failovers.
        let bytes = Array(text.utf8)
        var lineStart = 0
        var lines: [(key: String, value: String)] = []
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 10 || bytes[i] == 13 {
            defer { lineStart = i + 1 }
            // Every field read below starts with r, m, s or f (run_id, role, replica_*, master_*,
            // slave*, fencing_*): other lines are skipped before any String is made of them.
            guard i > lineStart, [UInt8(ascii: "r"), UInt8(ascii: "m"), UInt8(ascii: "s"), UInt8(ascii: "f")].contains(bytes[lineStart]),
                  let colon = bytes[lineStart..<i].firstIndex(of: UInt8(ascii: ":")) else { continue }
            lines.append((String(decoding: bytes[lineStart..<colon], as: UTF8.self),
                          String(decoding: bytes[(colon + 1)..<i], as: UTF8.self)))
        }
        var fencingQuorum = 0
        var fencingLease: Int64?
        for (key, value) in lines {
            switch key {
            case "run_id":
                // Redis only accepts a full 40-character run id.
                if value.count == 40 { r.runID = value }
            case "role":
                if value == "master" { r.role = .master } else if value == "slave" { r.role = .replica }
            case "master_host": r.masterHost = value
            case "master_port": r.masterPort = Int(value).flatMap { (1...65535).contains($0) ? $0 : nil }
            case "master_link_status": r.masterLinkUp = value == "up"
            case "master_link_down_since_seconds":
                // Redis 7 reports -1 while the link never came up; treat that as "down for 0 s".
                r.masterLinkDownSinceSeconds = Int64(value).map { max(0, $0) }
            case "slave_priority", "replica_priority": r.replicaPriority = Int(value)
            case "slave_repl_offset": r.replOffset = Int64(value)
            case "replica_announced": r.replicaAnnounced = value != "0"
            case "master_repl_offset": r.masterReplOffset = Int64(value)
            case "master_replid": if value.count == 40 { r.replID = value }
            case "fencing_quorum": fencingQuorum = Int(value) ?? 0
            case "fencing_lease_ms": fencingLease = Int64(value).flatMap { $0 > 0 ? min($0, SentinelLimits.maxDurationMs) : nil }
            default:
                if key.hasPrefix("slave"), Hello.isDecimal(String(key.dropFirst(5)), maxDigits: 6),
                   let address = parseReplicaLine(value) {
                    r.replicas.append(address)
                }
            }
        }
        if fencingQuorum > 0 {
            r.fencingLeaseMs = fencingLease
            r.fencingQuorum = fencingQuorum
        }
        return r
    }

    /// `ip=..,port=..,state=..,offset=..,lag=..` (Redis ≥ 2.8) or the old `ip,port,state`.
    static func parseReplicaLine(_ value: String) -> Address? {
        let parts = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var ip: String?
        var port: Int?
        if value.contains("ip=") {
            for p in parts {
                if p.hasPrefix("ip=") { ip = String(p.dropFirst(3)) }
                if p.hasPrefix("port=") { port = Int(p.dropFirst(5)) }
            }
        } else if parts.count >= 2 {
            ip = parts[0]
            port = Int(parts[1])
        }
        guard let ip, !ip.isEmpty, let port, (1...65535).contains(port) else { return nil }
        return Address(host: ip, port: port)
    }
}
