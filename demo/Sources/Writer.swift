
/// A client that writes one key per tick to whatever master the first sentinel names, as a
/// sentinel-aware application would: while the master is dead its writes fail, after the
/// switch they go to the new master. It measures how long writes were refused.
final class Writer {
    private var link: NodeLink?
    private(set) var accepted = 0
    private(set) var refused = 0
    private(set) var lastError: String?
    /// The key of the last accepted write, and the port that accepted it.
    private(set) var lastKey: String?
    private(set) var lastPort: Int?
    private(set) var lastAcceptedMs: Int64?
    private var sequence = 0
    /// Writes accepted by each port.
    private(set) var acceptedBy: [Int: Int] = [:]

    func step(masterPort: Int?, nowMs: Int64) {
        guard let port = masterPort else { return }
        if link?.port != port { link = NodeLink(port: port, timeoutMs: 500) }
        sequence += 1
        let key = "writer:\(sequence)"
        let reply = link?.call("SET", key, "\(sequence)")
        if case .simpleString = reply {
            accepted += 1
            acceptedBy[port, default: 0] += 1
            lastKey = key
            lastPort = port
            lastAcceptedMs = nowMs
            lastError = nil
        } else {
            refused += 1
            lastError = reply?.text ?? "no connection to :\(port)"
        }
    }
}
