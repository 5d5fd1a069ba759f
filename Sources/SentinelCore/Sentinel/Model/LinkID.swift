/// The role an instance plays for one monitored master.
public enum InstanceRole: String, Sendable, Hashable {
    case master
    /// Named "slave" on the wire and in events, as Redis does (clients index on it).
    case replica = "slave"
    case sentinel
}

/// The two connection kinds of Redis Sentinel: commands (PING, INFO, votes, hellos to sentinels) and
/// the pub/sub connection subscribed to `__sentinel__:hello` on data nodes.
public enum LinkKind: String, Sendable, Hashable {
    case command = "cmd"
    case pubsub
}

/// Names one connection the machine asked the shell to open.
///
/// It says which instance (master name, role, address) and which kind; `incarnation` is unique per
/// connect request, so a reply or a close that belongs to an older connection of the same instance is
/// recognised and ignored. The shell treats a LinkID as an opaque key for its socket.
public struct LinkID: Hashable, Sendable, CustomStringConvertible {
    public let master: String
    public let role: InstanceRole
    public let address: Address
    public let kind: LinkKind
    public let incarnation: UInt64

    public init(master: String, role: InstanceRole, address: Address, kind: LinkKind, incarnation: UInt64) {
        self.master = master
        self.role = role
        self.address = address
        self.kind = kind
        self.incarnation = incarnation
    }

    public var description: String {
        "\(kind.rawValue)#\(incarnation) \(role.rawValue) \(address) (\(master))"
    }
}

/// A client connection of the sentinel's own server, assigned by the shell.
public struct ClientID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "client#\(rawValue)" }
}
