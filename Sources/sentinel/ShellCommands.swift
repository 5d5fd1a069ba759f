import Glibc
import SentinelCore
import RESP
import Runtime
import ServerKit

/// The commands a sentinel answers that are about the connection or the process rather than the
/// monitoring state: PING, AUTH, HELLO, CLIENT, COMMAND, SUBSCRIBE and friends, INFO, SHUTDOWN.
enum ShellCommands {
    /// The commands a sentinel knows, with Redis's arity (n: exactly n words, -n: at least n).
    /// QUIT and RESET are served although redis-sentinel 7.x has neither (it answers them as
    /// unknown commands); COMMAND lists redis-sentinel's table (SentinelCommandTable), without them.
    static let commands: [(name: String, arity: Int)] = [
        ("ping", -1), ("auth", -2), ("hello", -1), ("quit", -1), ("reset", 1), ("client", -2), ("command", -1),
        ("subscribe", -2), ("unsubscribe", -1), ("psubscribe", -2), ("punsubscribe", -1), ("publish", 3),
        ("info", -1), ("role", 1), ("sentinel", -2), ("shutdown", -1), ("acl", -2),
    ]
    static let arity = Dictionary(uniqueKeysWithValues: commands.map { ($0.name, $0.arity) })

    /// Redis's checks before authentication: an unknown command or a wrong number of arguments is
    /// reported as such even to a client that has not authenticated (redis-sentinel answers
    /// `GET x` with unknown command, not NOAUTH). Returns the error, or nil when the command may run.
    static func precheck(_ a: [[UInt8]]) -> [UInt8]? {
        let name = a[0].lowercasedASCII
        guard let n = arity[name] else { return RedisCompat.unknownCommand(a) }
        guard n > 0 ? a.count == n : a.count >= -n else { return Array("ERR wrong number of arguments for '\(name)' command".utf8) }
        // Subcommands are looked up and counted before authentication too.
        switch name {
        case "sentinel": return Sentinel.subcommandError(a.dropFirst().map(\.utf8Text)).map { Array($0.utf8) }
        case "command": return CommandCommand.precheck(a).map { Array($0.utf8) }
        default: return nil
        }
    }

    static func execute(_ s: SentinelServer, _ c: SentinelClient, _ a: [[UInt8]]) {
        let name = a[0].lowercasedASCII
        let args = a.map(\.utf8Text)
        switch name {
        case "ping":
            guard a.count <= 2 else { return c.reply.error("ERR wrong number of arguments for 'ping' command") }
            c.reply.pong(a.count == 2 ? a[1] : nil, subscribed: c.subscriptionCount > 0)
        case "auth":
            if !Credentials.auth(a, users: s.aclUsers, session: &c.session, input: &c.input, reply: &c.reply) {
                s.logAuthFailure(c, user: a.count == 3 ? a[1].utf8Text : "default")
            }
        case "hello":
            if let refused = Hello.run(a, users: s.aclUsers, id: Int64(c.id.rawValue), mode: "sentinel", role: nil,
                                       session: &c.session, input: &c.input, reply: &c.reply) {
                s.logAuthFailure(c, user: refused)
            }
        case "quit":
            c.reply.ok()
            c.closeAfterReply = true
        case "reset":
            s.pubsub.removeAll(c, &c.session.subscriptions)
            let authenticated = s.newConnectionsAuthenticated
            c.session.reset(authenticated: authenticated)
            c.input.setAuthenticated(authenticated)
            c.reply.protocolVersion = 2
            c.reply.simple("RESET")
        case "client":
            client(s, c, a)
        case "command":
            CommandCommand.run(a, reply: &c.reply)
        case "subscribe":
            PubSub.subscribe(&s.pubsub, c, &c.session.subscriptions, &c.reply, channels: a.dropFirst())
        case "psubscribe":
            PubSub.psubscribe(&s.pubsub, c, &c.session.subscriptions, &c.reply, patterns: a.dropFirst())
        case "unsubscribe":
            PubSub.unsubscribe(&s.pubsub, c, &c.session.subscriptions, &c.reply, channels: a.dropFirst())
        case "punsubscribe":
            PubSub.punsubscribe(&s.pubsub, c, &c.session.subscriptions, &c.reply, patterns: a.dropFirst())
        case "info":
            c.reply.verbatim(Array(info(s, sections: args.dropFirst().map { $0.lowercased() }).utf8))
        case "shutdown":
            // Redis 7's flags: NOSAVE|SAVE, NOW, FORCE, ABORT. A sentinel has nothing to save and
            // never a shutdown in progress to abort, but a typo or an illegal combination must
            // get Redis's error and leave it running, not stop it.
            if let error = shutdownRefusal(args.dropFirst().map { $0.lowercased() }) { return c.reply.error(error) }
            s.shutdown()
        case "acl":
            s.acl(c, a)
        default:
            c.reply.error(bytes: RedisCompat.unknownCommand(a))
        }
    }

    /// Why `SHUTDOWN <flags>` must not stop the process, as Redis words it; nil to stop.
    static func shutdownRefusal(_ flags: [String]) -> String? {
        var save = false, nosave = false, abort = false, others = false
        for f in flags {
            switch f {
            case "save": save = true
            case "nosave": nosave = true
            case "now", "force": others = true
            case "abort": abort = true
            default: return "ERR syntax error"
            }
        }
        if (abort && (save || nosave || others)) || (save && nosave) { return "ERR syntax error" }
        if abort { return "ERR No shutdown in progress." }
        return nil
    }

    /// CLIENT: the shared subcommands (ServerKit's ClientSubcommands); the sentinel has no
    /// PAUSE, UNPAUSE or REPLY.
    static func client(_ s: SentinelServer, _ c: SentinelClient, _ a: [[UInt8]]) {
        let sub = a[1].lowercasedASCII
        // NO-TOUCH is the one CLIENT subcommand redis-sentinel's table leaves out (it is about
        // keys): an unknown subcommand whatever follows it, before any arity check.
        if sub == "no-touch" { return c.reply.error(ClientSubcommands.unknown(a[1])) }
        if let error = ClientSubcommands.arityError(sub, count: a.count) { return c.reply.error(error) }
        if ClientSubcommands.runSessionOnly(sub, a, session: &c.session, reply: &c.reply) { return }
        switch sub {
        case "id":
            c.reply.integer(Int(c.id.rawValue))
        case "info":
            c.reply.verbatim(Array((c.infoLine(nowMs: EventLoop.monotonicMs()) + "\n").utf8))
        case "list":
            let filter: ClientListFilter
            switch ClientListFilter.parse(a) {
            case .success(let f): filter = f
            case .failure(let e): return c.reply.error(e.text)
            }
            let now = EventLoop.monotonicMs()
            let text = s.clients.values.sorted { $0.id.rawValue < $1.id.rawValue }.filter { filter.matches($0.facts) }.map { $0.infoLine(nowMs: now) + "\n" }.joined()
            c.reply.verbatim(Array(text.utf8))
        case "kill":
            switch ClientKill.parse(a, userExists: s.aclUsers.exists) {
            case .failure(let e):
                c.reply.error(e.text)
            case .success(.address(let addr)):
                guard let victim = s.clients.values.first(where: { "\($0.address):\($0.port)" == addr }) else {
                    return c.reply.error("ERR No such client")
                }
                if victim === c { c.closeAfterReply = true } else { s.closeClient(victim) }
                c.reply.ok()
            case .success(.filters(let filter)):
                var killed = 0
                for victim in Array(s.clients.values) where filter.matches(victim.facts, isCaller: victim === c) {
                    if victim === c { c.closeAfterReply = true } else { s.closeClient(victim) }
                    killed += 1
                }
                c.reply.integer(killed)
            }
        default:
            c.reply.error(ClientSubcommands.unknown(a[1]))
        }
    }

    static func info(_ s: SentinelServer, sections requested: [String]) -> String {
        let all = requested.isEmpty || requested.contains("default") || requested.contains("all") || requested.contains("everything")
        let want = { (name: String) in all || requested.contains(name) }
        let now = EventLoop.monotonicMs()
        var parts: [String] = []
        if want("server") {
            parts.append(["# Server", "redis_version:\(RedisCompat.version)", "redis_mode:sentinel", "os:Linux",
                          "arch_bits:64", "multiplexing_api:epoll", "process_id:\(getpid())", "run_id:\(s.runID)",
                          "tcp_port:\(s.shell.port)", "uptime_in_seconds:\((now - s.startedMs) / 1000)",
                          "uptime_in_days:\((now - s.startedMs) / 86_400_000)", "hz:10",
                          "executable:\(CommandLine.arguments.first ?? "")", "config_file:\(s.shell.configPath ?? "")",
                          "implementation:swift-sentinel"].joined(separator: "\r\n"))
        }
        if want("clients") {
            parts.append(["# Clients", "connected_clients:\(s.clients.count)", "maxclients:\(s.shell.maxclients)",
                          "pubsub_clients:\(s.clients.values.filter { $0.subscriptionCount > 0 }.count)"].joined(separator: "\r\n"))
        }
        if want("stats") {
            parts.append(["# Stats", "total_connections_received:\(s.totalConnections)",
                          "total_commands_processed:\(s.totalCommands)"].joined(separator: "\r\n"))
        }
        if want("cpu") {
            var ru = rusage()
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &ru)
            let sys = Double(ru.ru_stime.tv_sec) + Double(ru.ru_stime.tv_usec) / 1e6
            let user = Double(ru.ru_utime.tv_sec) + Double(ru.ru_utime.tv_usec) / 1e6
            parts.append(["# CPU", "used_cpu_sys:\(sys)", "used_cpu_user:\(user)"].joined(separator: "\r\n"))
        }
        if want("sentinel") {
            parts.append("# Sentinel\r\n" + s.machine.infoSentinelSection(now: now))
        }
        return parts.map { $0 + "\r\n" }.joined(separator: "\r\n")
    }
}
