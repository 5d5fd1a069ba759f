import RESP

/// The shapes of pub/sub replies: push messages in RESP3, plain arrays in RESP2 (pushHeader
/// degrades), exactly as Redis frames them.
extension RESPWriter {
    /// One confirmation of SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE or PUNSUBSCRIBE: the kind, the
    /// channel or pattern (null when an unsubscribe-all found nothing), the count left.
    public mutating func subscription(_ kind: StaticString, _ name: [UInt8]?, count: Int) {
        pushHeader(3)
        bulk(kind.description)
        if let name { bulk(name) } else { nullBulk() }
        integer(count)
    }

    public mutating func message(channel: [UInt8], message: [UInt8]) {
        pushHeader(3)
        bulk("message")
        bulk(channel)
        bulk(message)
    }

    public mutating func pmessage(pattern: [UInt8], channel: [UInt8], message: [UInt8]) {
        pushHeader(4)
        bulk("pmessage")
        bulk(pattern)
        bulk(channel)
        bulk(message)
    }

    /// PING's reply: in RESP2 a subscribed client gets it in the message shape (["pong", arg]).
    public mutating func pong(_ argument: [UInt8]?, subscribed: Bool) {
        if protocolVersion == 2 && subscribed {
            arrayHeader(2)
            bulk("pong")
            bulk(argument ?? [])
        } else if let argument {
            bulk(argument)
        } else {
            raw("+PONG\r\n")
        }
    }
}

/// SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE for either server: the registry change and
/// the confirmations, one per name.
public enum PubSub {
    public static func subscribe<S>(_ registry: inout PubSubRegistry<S>, _ sub: S, _ subs: inout Subscriptions, _ reply: inout RESPWriter, channels: ArraySlice<[UInt8]>) {
        for ch in channels {
            registry.subscribe(sub, &subs, channel: ch)
            reply.subscription("subscribe", ch, count: subs.count)
        }
    }

    public static func psubscribe<S>(_ registry: inout PubSubRegistry<S>, _ sub: S, _ subs: inout Subscriptions, _ reply: inout RESPWriter, patterns: ArraySlice<[UInt8]>) {
        for p in patterns {
            registry.psubscribe(sub, &subs, pattern: p)
            reply.subscription("psubscribe", p, count: subs.count)
        }
    }

    /// No names: every channel the client has; none at all gets one confirmation with a null name.
    public static func unsubscribe<S>(_ registry: inout PubSubRegistry<S>, _ sub: S, _ subs: inout Subscriptions, _ reply: inout RESPWriter, channels: ArraySlice<[UInt8]>) {
        let targets = channels.isEmpty ? Array(subs.channels) : Array(channels)
        if targets.isEmpty { return reply.subscription("unsubscribe", nil, count: subs.count) }
        for ch in targets {
            registry.unsubscribe(sub, &subs, channel: ch)
            reply.subscription("unsubscribe", ch, count: subs.count)
        }
    }

    public static func punsubscribe<S>(_ registry: inout PubSubRegistry<S>, _ sub: S, _ subs: inout Subscriptions, _ reply: inout RESPWriter, patterns: ArraySlice<[UInt8]>) {
        let targets = patterns.isEmpty ? subs.patterns : Array(patterns)
        if targets.isEmpty { return reply.subscription("punsubscribe", nil, count: subs.count) }
        for p in targets {
            registry.punsubscribe(sub, &subs, pattern: p)
            reply.subscription("punsubscribe", p, count: subs.count)
        }
    }

    /// The commands a RESP2 client may send while subscribed (Redis's processCommand).
    public static let allowedWhileSubscribed: Set<String> = [
        "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ssubscribe", "sunsubscribe", "ping", "quit", "reset",
    ]

    /// Redis's refusal of any other command from a subscribed RESP2 client, or nil. RESP3 clients
    /// may run anything: their messages are push frames, distinct from replies. Redis looks a
    /// CLIENT subcommand up and checks its arity before this rule, so an unknown one or a wrong
    /// count is left to CLIENT's own error (nil here), and a known one is named in full,
    /// `client|id`, as Redis names it.
    public static func contextRefusal(command: String, arguments a: [[UInt8]], protocolVersion: Int, subscribed: Bool) -> String? {
        guard protocolVersion == 2 && subscribed && !allowedWhileSubscribed.contains(command) else { return nil }
        var name = command
        if command == "client" && a.count >= 2 {
            let sub = a[1].lowercasedASCII
            guard ClientSubcommands.arity[sub] != nil, ClientSubcommands.arityError(sub, count: a.count) == nil else { return nil }
            name = "client|\(sub)"
        }
        return "ERR Can't execute '\(name)': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
    }
}
