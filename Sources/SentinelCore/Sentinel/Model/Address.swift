/// Where an instance listens. Hosts are kept as text (an IP or, with resolve-hostnames, a name):
/// the machine never resolves anything, the shell does.
public struct Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// "ip:port", the name Redis gives a replica.
    public var description: String { "\(host):\(port)" }

    public static func < (a: Address, b: Address) -> Bool {
        a.host != b.host ? a.host < b.host : a.port < b.port
    }

    /// Same address, with the host compared case-insensitively as Redis does (hostnames).
    func matches(host otherHost: String, port otherPort: Int) -> Bool {
        port == otherPort && host.lowercased() == otherHost.lowercased()
    }
}

/// A monotonic instant in milliseconds. The shell passes its monotonic clock; the simulation passes
/// simulated time. Only differences between two instants mean anything.
public typealias MonotonicMs = Int64
