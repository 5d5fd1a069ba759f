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
        var text = text
        // In place over the string's bytes (native strings are contiguous; makeContiguousUTF8 is
        // a no-op then): INFO is ASCII, arrives from every data node every 1-10 s, and is long.
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { parse(bytes: $0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { parse(bytes: $0) }
    }

    static func parse(bytes: UnsafeBufferPointer<UInt8>) -> InfoReport {
        var r = InfoReport()
        var fencingQuorum = 0
        var fencingLease: Int64?
        let n = bytes.count
        var i = 0
        // Lines end at \n or \r (so \r\n leaves an empty line, skipped like any empty one).
        while i < n {
            let lineStart = i
            while i < n && bytes[i] != 10 && bytes[i] != 13 { i += 1 }
            defer { i += 1 }
            // Every field read below starts with ru, ro, ma, sl, re or fe (run_id, role, master_*,
            // slave*, replica_*, fencing_*): other lines are skipped before any String is made of
            // them.
            guard i - lineStart >= 2, Self.isFieldPrefix(bytes[lineStart], bytes[lineStart + 1]) else { continue }
            var colon = lineStart
            while colon < i && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
            guard colon < i else { continue }
            let key = String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<colon]), as: UTF8.self)
            let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[(colon + 1)..<i]), as: UTF8.self)
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

    /// The first two bytes of the keys `parse` reads.
    static func isFieldPrefix(_ a: UInt8, _ b: UInt8) -> Bool {
        switch (a, b) {
        case (UInt8(ascii: "r"), UInt8(ascii: "u")), (UInt8(ascii: "r"), UInt8(ascii: "o")),
             (UInt8(ascii: "r"), UInt8(ascii: "e")), (UInt8(ascii: "m"), UInt8(ascii: "a")),
             (UInt8(ascii: "s"), UInt8(ascii: "l")), (UInt8(ascii: "f"), UInt8(ascii: "e")):
            return true
        default:
            return false
        }
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
