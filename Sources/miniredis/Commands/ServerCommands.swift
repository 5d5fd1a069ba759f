import Glibc
import RESP
import Runtime
import ServerKit

enum ServerCommands {
    static let specs: [CommandSpec] = [
        // Neither PING nor ECHO may run while loading (-LOADING), as in Redis: a sentinel learns
        // from it that a rebooted master is not serving yet.
        CommandSpec("ping", -1, [.fast, .stale], group: "connection", "Returns the server's liveliness response.", .server(ping)),
        CommandSpec("echo", 2, [.fast, .stale], group: "connection", "Returns the given string.", .data { ctx, a in ctx.reply.bulk(a[1]) }),
        CommandSpec("select", 2, [.fast, .stale, .loading], group: "connection", "Changes the selected database.", .server(select)),
        CommandSpec("auth", -2, [.noAuth, .noscript, .loading, .stale, .fast], group: "connection", "Authenticates the connection.", .server(auth)),
        CommandSpec("hello", -1, [.noAuth, .noscript, .loading, .stale, .fast], group: "connection", "Handshakes with the Redis server.", .server(hello)),
        CommandSpec("quit", -1, [.noAuth, .noscript, .loading, .stale, .fast, .allowBusy], group: "connection", "Closes the connection.", .server { ctx, _, c, _ in
            ctx.reply.ok()
            c.closeAfterReply = true
        }),
        CommandSpec("reset", 1, [.noAuth, .noscript, .loading, .stale, .fast], group: "connection", "Resets the connection.", .server(reset)),
        CommandSpec("command", -1, [.loading, .stale], group: "server", "Returns detailed information about all commands.", .server(CommandIntrospection.command)),
        CommandSpec("info", -1, [.loading, .stale], group: "server", "Returns information and statistics about the server.", .server(info)),
        CommandSpec("dbsize", 1, [.readonly, .fast], group: "server", "Returns the number of keys in the database.", .data { ctx, _ in ctx.reply.integer(ctx.db.count) }),
        CommandSpec("flushdb", -1, [.write], group: "server", "Removes all keys from the current database.", { s, c, a in flush(s, c, a, all: false) }),
        CommandSpec("flushall", -1, [.write], group: "server", "Removes all keys from all databases.", { s, c, a in flush(s, c, a, all: true) }),
        CommandSpec("time", 1, [.loading, .stale, .fast], group: "server", "Returns the server time.", .server(time)),
        CommandSpec("config", -2, [.admin, .noscript, .loading, .stale], group: "server", "A container for server configuration commands.", .server(ConfigCommand.config)),
        CommandSpec("acl", -2, [.noscript, .loading, .stale], group: "server", "A container for Access List Control commands.", .server(Server.acl)),
        CommandSpec("client", -2, [.noscript, .loading, .stale], group: "connection", "A container for client connection commands.", .server(ClientCommand.client)),
        CommandSpec("debug", -2, [.admin, .noscript, .loading, .stale, .protected], group: "server", "A container for debugging commands.", .server(debug)),
        // Replies vary: none when it succeeds, the connection closes.
        CommandSpec("shutdown", -1, [.admin, .noscript, .loading, .stale, .noMulti, .allowBusy], group: "server", "Synchronously saves the database(s) to disk and shuts down the Redis server.", replies: .varies, .server(shutdown)),
    ]

    static func ping(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard a.count <= 2 else { return ctx.reply.error(Errors.arity("ping")) }
        let subscribed = c.subscriptionCount > 0
        ctx.reply.whole { $0.pong(a.count == 2 ? a[1] : nil, subscribed: subscribed) }
    }

    static func select(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard let n = Numbers.int64(a[1]) else { return ctx.reply.error(Errors.notInteger) }
        guard n >= 0 && n < Int64(s.databases.count) else { return ctx.reply.error("ERR DB index is out of range") }
        c.dbIndex = Int(n)
        ctx.reply.ok()
    }

    static func auth(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        var accepted = true
        ctx.reply.whole {
            accepted = Credentials.auth(a, users: s.aclUsers, session: &c.session, input: &c.input, reply: &$0)
        }
        if !accepted {
            s.log.verbose("Authentication failed for client \(c.address):\(c.port)")
            s.logAuthFailure(c, user: a.count == 3 ? a[1].utf8Text : "default")
        }
    }

    /// HELLO's reply is written by ServerKit into the client's buffer, in the new protocol.
    static func hello(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let role = s.replication.isMaster ? "master" : "replica"
        var refusedUser: String?
        ctx.reply.whole {
            refusedUser = Hello.run(a, users: s.aclUsers, id: c.id, mode: "standalone", role: role,
                                    session: &c.session, input: &c.input, reply: &$0)
        }
        if let refusedUser { s.logAuthFailure(c, user: refusedUser) }
    }

    static func reset(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        c.multiQueue = nil
        c.multiFailed = false
        s.unwatchAll(c)
        s.pubsub.removeAll(c, &c.session.subscriptions)
        c.dbIndex = 0
        let authenticated = s.newConnectionsAuthenticated
        c.session.reset(authenticated: authenticated)
        c.input.setAuthenticated(authenticated)
        c.reply.protocolVersion = 2
        ctx.reply.simple("RESET")
    }

    static func info(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let sections = a.dropFirst().map { $0.lowercasedASCII }
        ctx.reply.verbatim(Array(ServerInfo.text(s, sections: sections).utf8))
    }

    /// Still a legacy handler: a FLUSHALL with save points saves, which resets `dirty` in the
    /// middle of the command, and whether it is propagated depends on that (not when `dirty` was
    /// 0 before it). Recording the change as an effect would change both; that is left for a
    /// change of its own, this step keeping behaviour as it is.
    static func flush(_ s: Server, _ c: Client, _ a: [[UInt8]], all: Bool) {
        if a.count > 2 || (a.count == 2 && !["sync", "async"].contains(a[1].lowercasedASCII)) {
            return c.reply.error(Errors.syntax)
        }
        let targets = all ? s.databases : [c.db]
        var removed: Int64 = 0
        for db in targets {
            removed += Int64(db.count)
            s.touchAllWatched(db)
            db.clear()
        }
        // Counted as one change even when empty, so the flush reaches replicas and the AOF.
        s.dirty += removed + 1
        if all { s.persistence.afterFlushAll() }
        c.reply.ok()
    }

    static func time(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let us = EventLoop.wallClockUs()
        ctx.reply.arrayHeader(2)
        ctx.reply.bulk(String(us / 1_000_000))
        ctx.reply.bulk(String(us % 1_000_000))
    }

    static func debug(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        switch a[1].lowercasedASCII {
        case "sleep":
            guard a.count == 3, let secs = Double(a[2].utf8Text), secs >= 0 else { return ctx.reply.error(Errors.syntax) }
            // Blocks the whole server, as Redis's does: that is what it is for (testing timeouts
            // and failure detection).
            usleep(UInt32(Swift.min(secs, 3600) * 1_000_000))
            ctx.reply.ok()
        case "populate":
            guard a.count >= 3, let count = Numbers.int64(a[2]), count >= 0 else { return ctx.reply.error(Errors.notInteger) }
            let prefix = a.count >= 4 ? a[3] : Array("key".utf8)
            var size: Int64 = 0
            if a.count >= 5 {
                guard let n = Numbers.int64(a[4]), n >= 0 else { return ctx.reply.error(Errors.notInteger) }
                size = n
            }
            let db = c.db
            for i in 0..<count {
                let key = Key(prefix + Array(":\(i)".utf8))
                if db.dict.contains(key) { continue }
                var value = Array("value:\(i)".utf8)
                if size > 0 {
                    if value.count > Int(size) { value.removeLast(value.count - Int(size)) }
                    else { value.append(contentsOf: repeatElement(0, count: Int(size) - value.count)) }
                }
                db.set(key, .string(ByteString(value)))
            }
            ctx.reply.ok()
        case "set-active-expire":
            ctx.reply.ok()
        case "help":
            ctx.reply.arrayHeader(3)
            ctx.reply.simple("DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
            ctx.reply.simple("SLEEP <seconds>")
            ctx.reply.simple("POPULATE <count> [<prefix>] [<size>]")
        default:
            ctx.reply.error(Errors.unknownSubcommand(a[1], a[0].utf8Text))
        }
    }

    /// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
    static func shutdown(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        var save: Bool?
        for opt in a.dropFirst() {
            switch opt.lowercasedASCII {
            case "nosave": save = false
            case "save": save = true
            case "now", "force": break
            default: return ctx.reply.error(Errors.syntax)
            }
        }
        if let err = s.prepareShutdown(save: save) {
            ctx.reply.error("ERR Errors trying to SHUTDOWN. Check logs. (\(err))")
        }
    }
}
