/// The hello message sentinels publish every publish period:
/// `ip,port,myid,current_epoch,master_name,master_ip,master_port,master_config_epoch`.
public struct Hello: Sendable, Equatable {
    public var ip: String
    public var port: Int
    public var runID: String
    public var currentEpoch: UInt64
    public var masterName: String
    public var masterIP: String
    public var masterPort: Int
    public var masterConfigEpoch: UInt64

    public var payload: String {
        "\(ip),\(port),\(runID),\(currentEpoch),\(masterName),\(masterIP),\(masterPort),\(masterConfigEpoch)"
    }

    /// Parses a hello, refusing anything malformed: anyone who can PUBLISH on a data node can send
    /// one, so every field is checked (exact field count, ports in range, a 40-hex run id, epochs as
    /// unsigned integers, bounded length, no control characters).
    public static func parse(_ payload: String) -> Hello? {
        guard payload.utf8.count <= SentinelLimits.maxHelloBytes else { return nil }
        guard !payload.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7f }) else { return nil }
        let f = payload.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard f.count == 8 else { return nil }
        guard !f[0].isEmpty, let port = parsePort(f[1]), isRunID(f[2]),
              let epoch = parseEpoch(f[3]), !f[4].isEmpty, !f[5].isEmpty,
              let masterPort = parsePort(f[6]), let configEpoch = parseEpoch(f[7]) else { return nil }
        return Hello(ip: f[0], port: port, runID: f[2], currentEpoch: epoch, masterName: f[4],
                     masterIP: f[5], masterPort: masterPort, masterConfigEpoch: configEpoch)
    }

    static func parsePort(_ s: String) -> Int? {
        guard s.count <= 5, s.allSatisfy(\.isASCIIDigit), let p = Int(s), (1...65535).contains(p) else { return nil }
        return p
    }

    static func parseEpoch(_ s: String) -> UInt64? {
        guard !s.isEmpty, s.count <= 20, s.allSatisfy(\.isASCIIDigit), let v = UInt64(s),
              v <= SentinelLimits.maxEpoch else { return nil }
        return v
    }

    /// 40 hexadecimal characters, as Redis generates run ids.
    public static func isRunID(_ s: String) -> Bool {
        s.utf8.count == 40 && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
