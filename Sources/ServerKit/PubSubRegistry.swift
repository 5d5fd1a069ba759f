import RESP

/// Who listens to what, server-wide: channel → subscribers in subscription order (the order
/// PUBLISH delivers in, as Redis), and pattern subscriptions in subscription order. Each
/// subscriber's own side is its `Subscriptions`; every change goes through here so the two
/// never disagree.
public struct PubSubRegistry<Subscriber: AnyObject> {
    public private(set) var channels: [[UInt8]: [Subscriber]] = [:]
    public private(set) var patterns: [(pattern: [UInt8], subscriber: Subscriber)] = []

    public init() {}

    /// Returns false when it was already subscribed.
    @discardableResult
    public mutating func subscribe(_ sub: Subscriber, _ subs: inout Subscriptions, channel: [UInt8]) -> Bool {
        guard subs.addChannel(channel) else { return false }
        channels[channel, default: []].append(sub)
        return true
    }

    @discardableResult
    public mutating func unsubscribe(_ sub: Subscriber, _ subs: inout Subscriptions, channel: [UInt8]) -> Bool {
        guard subs.removeChannel(channel) else { return false }
        channels[channel]?.removeAll { $0 === sub }
        if channels[channel]?.isEmpty == true { channels[channel] = nil }
        return true
    }

    @discardableResult
    public mutating func psubscribe(_ sub: Subscriber, _ subs: inout Subscriptions, pattern: [UInt8]) -> Bool {
        guard subs.addPattern(pattern) else { return false }
        patterns.append((pattern, sub))
        return true
    }

    @discardableResult
    public mutating func punsubscribe(_ sub: Subscriber, _ subs: inout Subscriptions, pattern: [UInt8]) -> Bool {
        guard subs.removePattern(pattern) else { return false }
        patterns.removeAll { $0.subscriber === sub && $0.pattern == pattern }
        return true
    }

    /// A client that closes or RESETs leaves every channel and pattern.
    public mutating func removeAll(_ sub: Subscriber, _ subs: inout Subscriptions) {
        for ch in subs.channels {
            channels[ch]?.removeAll { $0 === sub }
            if channels[ch]?.isEmpty == true { channels[ch] = nil }
        }
        if !subs.patterns.isEmpty { patterns.removeAll { $0.subscriber === sub } }
        subs.removeAll()
    }

    /// PUBSUB NUMSUB's count for a channel.
    public func subscriberCount(_ channel: [UInt8]) -> Int { channels[channel]?.count ?? 0 }

    /// PUBSUB NUMPAT: distinct patterns.
    public var distinctPatternCount: Int { Set(patterns.map(\.pattern)).count }

    /// Frames a published message for every receiver, in Redis's order (the channel's
    /// subscribers, then matching patterns), and hands each receiver to `deliver` once its
    /// message is written; returns how many received it. Static, over a copy of the registry:
    /// `deliver` may close a subscriber (over its output limit), which changes the registry.
    public static func publish(
        _ registry: PubSubRegistry, channel: [UInt8], message: [UInt8],
        write: (Subscriber, (inout RESPWriter) -> Void) -> Void
    ) -> Int {
        var receivers = 0
        if let subs = registry.channels[channel] {
            for sub in subs {
                write(sub) { $0.message(channel: channel, message: message) }
                receivers += 1
            }
        }
        for (pattern, sub) in registry.patterns where Glob.match(pattern, channel) {
            write(sub) { $0.pmessage(pattern: pattern, channel: channel, message: message) }
            receivers += 1
        }
        return receivers
    }
}
