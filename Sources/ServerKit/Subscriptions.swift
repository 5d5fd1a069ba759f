/// One client's subscriptions: the channels (a set, as Redis keeps them in a dict) and the
/// patterns in the order they were subscribed.
public struct Subscriptions: Sendable {
    public private(set) var channels: Set<[UInt8]> = []
    public private(set) var patterns: [[UInt8]] = []

    public init() {}

    /// The count SUBSCRIBE and friends reply with.
    @inlinable public var count: Int { channels.count + patterns.count }
    @inlinable public var isEmpty: Bool { channels.isEmpty && patterns.isEmpty }

    mutating func addChannel(_ c: [UInt8]) -> Bool { channels.insert(c).inserted }
    mutating func removeChannel(_ c: [UInt8]) -> Bool { channels.remove(c) != nil }
    mutating func addPattern(_ p: [UInt8]) -> Bool {
        guard !patterns.contains(p) else { return false }
        patterns.append(p)
        return true
    }
    mutating func removePattern(_ p: [UInt8]) -> Bool {
        guard let i = patterns.firstIndex(of: p) else { return false }
        patterns.remove(at: i)
        return true
    }
    mutating func removeAll() {
        channels = []
        patterns = []
    }
}
