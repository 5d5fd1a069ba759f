import RESP

/// Who listens to what: channel → subscribers in subscription order, and pattern subscriptions.
struct PubSubRegistry {
    var channels: [Key: [Client]] = [:]
    var patterns: [(pattern: [UInt8], client: Client)] = []

    mutating func removeAll(_ c: Client) {
        for ch in c.channels {
            channels[ch]?.removeAll { $0 === c }
            if channels[ch]?.isEmpty == true { channels[ch] = nil }
        }
        if !c.patterns.isEmpty { patterns.removeAll { $0.client === c } }
    }
}

enum PubSubCommands {
    static let specs: [CommandSpec] = [
        // Replies vary: one reply per channel.
        CommandSpec("subscribe", -2, [.pubsub, .noscript, .loading, .stale], group: "pubsub", "Listens for messages published to channels.", replies: .varies, .server(subscribe)),
        // Replies vary: one reply per channel.
        CommandSpec("unsubscribe", -1, [.pubsub, .noscript, .loading, .stale], group: "pubsub", "Stops listening to messages posted to channels.", replies: .varies, .server(unsubscribe)),
        // Replies vary: one reply per pattern.
        CommandSpec("psubscribe", -2, [.pubsub, .noscript, .loading, .stale], group: "pubsub", "Listens for messages published to channels that match one or more patterns.", replies: .varies, .server(psubscribe)),
        // Replies vary: one reply per pattern.
        CommandSpec("punsubscribe", -1, [.pubsub, .noscript, .loading, .stale], group: "pubsub", "Stops listening to messages published to channels that match one or more patterns.", replies: .varies, .server(punsubscribe)),
        CommandSpec("publish", 3, [.pubsub, .loading, .stale, .fast], group: "pubsub", "Posts a message to a channel.", .server(publish)),
        CommandSpec("pubsub", -2, [.pubsub, .loading, .stale], group: "pubsub", "A container for Pub/Sub commands.", .server(pubsubCommand)),
    ]

    static func subscribe(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        if c.multiQueue != nil { return }
        for ch in a.dropFirst() {
            let key = Key(ch)
            if !c.channels.contains(key) {
                c.channels.insert(key)
                s.pubsub.channels[key, default: []].append(c)
            }
            ctx.reply.pushHeader(3)
            ctx.reply.bulk("subscribe")
            ctx.reply.bulk(ch)
            ctx.reply.integer(c.subscriptionCount)
        }
    }

    static func unsubscribe(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let targets = a.count > 1 ? a.dropFirst().map { Key($0) } : Array(c.channels)
        if targets.isEmpty {
            ctx.reply.pushHeader(3)
            ctx.reply.bulk("unsubscribe")
            ctx.reply.nullBulk()
            ctx.reply.integer(c.subscriptionCount)
            return
        }
        for key in targets {
            if c.channels.remove(key) != nil {
                s.pubsub.channels[key]?.removeAll { $0 === c }
                if s.pubsub.channels[key]?.isEmpty == true { s.pubsub.channels[key] = nil }
            }
            ctx.reply.pushHeader(3)
            ctx.reply.bulk("unsubscribe")
            ctx.reply.bulk(key.bytes)
            ctx.reply.integer(c.subscriptionCount)
        }
    }

    static func psubscribe(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        for p in a.dropFirst() {
            if !c.patterns.contains(p) {
                c.patterns.append(p)
                s.pubsub.patterns.append((p, c))
            }
            ctx.reply.pushHeader(3)
            ctx.reply.bulk("psubscribe")
            ctx.reply.bulk(p)
            ctx.reply.integer(c.subscriptionCount)
        }
    }

    static func punsubscribe(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let targets = a.count > 1 ? Array(a.dropFirst()) : c.patterns
        if targets.isEmpty {
            ctx.reply.pushHeader(3)
            ctx.reply.bulk("punsubscribe")
            ctx.reply.nullBulk()
            ctx.reply.integer(c.subscriptionCount)
            return
        }
        for p in targets {
            if let i = c.patterns.firstIndex(of: p) {
                c.patterns.remove(at: i)
                s.pubsub.patterns.removeAll { $0.client === c && $0.pattern == p }
            }
            ctx.reply.pushHeader(3)
            ctx.reply.bulk("punsubscribe")
            ctx.reply.bulk(p)
            ctx.reply.integer(c.subscriptionCount)
        }
    }

    static func publish(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let receivers = s.publish(channel: a[1], message: a[2])
        // PUBLISH reaches replicas too, so their subscribers hear it (Redis propagates it).
        s.propagate(dbIndex: c.dbIndex, a)
        ctx.reply.integer(receivers)
    }

    static func pubsubCommand(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        switch a[1].lowercasedASCII {
        case "channels":
            guard a.count <= 3 else { return ctx.reply.error(Errors.arity("pubsub|channels")) }
            let names = s.pubsub.channels.keys.filter { a.count == 2 || Glob.match(a[2], $0.bytes) }
            ctx.reply.arrayHeader(names.count)
            for n in names { ctx.reply.bulk(n.bytes) }
        case "numsub":
            ctx.reply.mapHeader(a.count - 2)
            for ch in a.dropFirst(2) {
                ctx.reply.bulk(ch)
                ctx.reply.integer(s.pubsub.channels[Key(ch)]?.count ?? 0)
            }
        case "numpat":
            guard a.count == 2 else { return ctx.reply.error(Errors.arity("pubsub|numpat")) }
            ctx.reply.integer(Set(s.pubsub.patterns.map { Key($0.pattern) }).count)
        case "help":
            let lines = ["PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                         "CHANNELS [<pattern>]", "    Return the currently active channels matching a <pattern> (default: '*').",
                         "NUMPAT", "    Return number of subscriptions to patterns.",
                         "NUMSUB [<channel> ...]", "    Return the number of subscribers for the specified channels, excluding",
                         "    pattern subscriptions(default: no channels).",
                         "HELP", "    Print this help."]
            ctx.reply.helpLines(lines)
        default:
            ctx.reply.error(Errors.unknownSubcommand(a[1], "pubsub"))
        }
    }
}

extension Server {
    /// Delivers a message to channel subscribers and matching pattern subscribers; returns how
    /// many received it. A subscriber over its output limit is disconnected, not waited for.
    func publish(channel: [UInt8], message: [UInt8]) -> Int {
        var receivers = 0
        stats.pubsubChannelsPublished += 1
        if let subs = pubsub.channels[Key(channel)] {
            for sub in subs {
                sub.reply.pushHeader(3)
                sub.reply.bulk("message")
                sub.reply.bulk(channel)
                sub.reply.bulk(message)
                sub.scheduleWrite()
                receivers += 1
                checkOutputLimits(sub)
            }
        }
        if !pubsub.patterns.isEmpty {
            for (pattern, sub) in pubsub.patterns where Glob.match(pattern, channel) {
                sub.reply.pushHeader(4)
                sub.reply.bulk("pmessage")
                sub.reply.bulk(pattern)
                sub.reply.bulk(channel)
                sub.reply.bulk(message)
                sub.scheduleWrite()
                receivers += 1
                checkOutputLimits(sub)
            }
        }
        return receivers
    }
}
