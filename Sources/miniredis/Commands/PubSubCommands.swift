import RESP
import ServerKit

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

    // The confirmations (one per name) are ServerKit's framing, written through the sink as
    // one value: these commands' replies vary.
    static func subscribe(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        if c.multiQueue != nil { return }
        ctx.reply.whole { PubSub.subscribe(&s.pubsub, c, &c.session.subscriptions, &$0, channels: a.dropFirst()) }
    }

    static func unsubscribe(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        ctx.reply.whole { PubSub.unsubscribe(&s.pubsub, c, &c.session.subscriptions, &$0, channels: a.dropFirst()) }
    }

    static func psubscribe(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        ctx.reply.whole { PubSub.psubscribe(&s.pubsub, c, &c.session.subscriptions, &$0, patterns: a.dropFirst()) }
    }

    static func punsubscribe(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        ctx.reply.whole { PubSub.punsubscribe(&s.pubsub, c, &c.session.subscriptions, &$0, patterns: a.dropFirst()) }
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
            let names = s.pubsub.channels.keys.filter { a.count == 2 || Glob.match(a[2], $0) }
            ctx.reply.arrayHeader(names.count)
            for n in names { ctx.reply.bulk(n) }
        case "numsub":
            // A flat array of channel, count pairs in RESP3 too, as Redis 7 answers.
            ctx.reply.arrayHeader((a.count - 2) * 2)
            for ch in a.dropFirst(2) {
                ctx.reply.bulk(ch)
                ctx.reply.integer(s.pubsub.subscriberCount(ch))
            }
        case "numpat":
            guard a.count == 2 else { return ctx.reply.error(Errors.arity("pubsub|numpat")) }
            ctx.reply.integer(s.pubsub.distinctPatternCount)
        case "help":
            let lines = ["PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                         "CHANNELS [<pattern>]", "    Return the currently active channels matching a <pattern> (default: '*').",
                         "NUMPAT", "    Return number of subscriptions to patterns.",
                         "NUMSUB [<channel> ...]", "    Return the number of subscribers for the specified channels, excluding",
                         "    pattern subscriptions(default: no channels).",
                         "HELP", "    Print this help."]
            ctx.reply.helpLines(lines)
        default:
            ctx.reply.error(Errors.unknownSubcommand(a[1], a[0].utf8Text))
        }
    }
}

extension Server {
    /// Delivers a message to channel subscribers and matching pattern subscribers; returns how
    /// many received it. A subscriber over its output limit is disconnected, not waited for.
    func publish(channel: [UInt8], message: [UInt8]) -> Int {
        stats.pubsubChannelsPublished += 1
        // A copy: a subscriber closed over its output limit leaves the registry meanwhile.
        let registry = pubsub
        return PubSubRegistry.publish(registry, channel: channel, message: message) { sub, frame in
            frame(&sub.reply)
            sub.scheduleWrite()
            checkOutputLimits(sub)
        }
    }
}
