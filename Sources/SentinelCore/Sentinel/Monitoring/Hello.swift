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
        let bytes = Array(payload.utf8)
        guard bytes.count <= SentinelLimits.maxHelloBytes else { return nil }
        // One pass over the bytes: no spaces or control characters, exactly 8 comma-separated fields.
        var f: [String] = []
        f.reserveCapacity(8)
        var start = 0
        for i in 0...bytes.count {
            if i < bytes.count {
                let b = bytes[i]
                if b < 0x21 || b == 0x7f { return nil }
                if b != UInt8(ascii: ",") { continue }
            }
            if f.count == 8 { return nil }
            f.append(String(decoding: bytes[start..<i], as: UTF8.self))
            start = i + 1
        }
        guard f.count == 8 else { return nil }
        guard !f[0].isEmpty, let port = parsePort(f[1]), isRunID(f[2]),
              let epoch = parseEpoch(f[3]), !f[4].isEmpty, !f[5].isEmpty,
              let masterPort = parsePort(f[6]), let configEpoch = parseEpoch(f[7]) else { return nil }
        return Hello(ip: f[0], port: port, runID: f[2], currentEpoch: epoch, masterName: f[4],
                     masterIP: f[5], masterPort: masterPort, masterConfigEpoch: configEpoch)
    }

    /// Plain decimal digits only (no sign, no spaces), at most `maxDigits`.
    static func isDecimal(_ s: String, maxDigits: Int) -> Bool {
        var n = 0
        for b in s.utf8 {
            guard b >= 48 && b <= 57 else { return false }
            n += 1
        }
        return n > 0 && n <= maxDigits
    }

    static func parsePort(_ s: String) -> Int? {
        guard isDecimal(s, maxDigits: 5), let p = Int(s), (1...65535).contains(p) else { return nil }
        return p
    }

    static func parseEpoch(_ s: String, limit: UInt64 = SentinelLimits.maxNetworkEpoch) -> UInt64? {
        guard isDecimal(s, maxDigits: 20), let v = UInt64(s), v <= limit else { return nil }
        return v
    }

    /// 40 hexadecimal characters, as Redis generates run ids.
    public static func isRunID(_ s: String) -> Bool {
        var n = 0
        for b in s.utf8 {
            guard (b >= 48 && b <= 57) || (b >= 97 && b <= 102) || (b >= 65 && b <= 70) else { return false }
            n += 1
        }
        return n == 40
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
