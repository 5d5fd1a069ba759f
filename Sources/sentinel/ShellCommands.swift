import Glibc
import SentinelCore
import RESP
import Runtime

/// The commands a sentinel answers that are about the connection or the process rather than the
/// monitoring state: PING, AUTH, HELLO, CLIENT, COMMAND, SUBSCRIBE and friends, INFO, SHUTDOWN.
enum ShellCommands {
    /// The commands a sentinel knows, with Redis's arity (n: exactly n words, -n: at least n).
    static let commands: [(name: String, arity: Int)] = [
        ("ping", -1), ("auth", -2), ("hello", -1), ("quit", -1), ("reset", 1), ("client", -2), ("command", -1),
        ("subscribe", -2), ("unsubscribe", -1), ("psubscribe", -2), ("punsubscribe", -1), ("publish", 3),
        ("info", -1), ("role", 1), ("sentinel", -2), ("shutdown", -1), ("acl", -2),
    ]
    static let commandNames = commands.map(\.name)
    static let arity = Dictionary(uniqueKeysWithValues: commands.map { ($0.name, $0.arity) })

    /// Redis's checks before authentication: an unknown command or a wrong number of arguments is
    /// reported as such even to a client that has not authenticated (redis-sentinel answers
    /// `GET x` with unknown command, not NOAUTH). Returns the error, or nil when the command may run.
    static func precheck(_ a: [[UInt8]]) -> [UInt8]? {
        let name = a[0].lowercasedASCII
        guard let n = arity[name] else { return RedisCompat.unknownCommand(a) }
        guard n > 0 ? a.count == n : a.count >= -n else { return Array("ERR wrong number of arguments for '\(name)' command".utf8) }
        return nil
    }

    static func execute(_ s: SentinelServer, _ c: SentinelClient, _ a: [[UInt8]]) {
        let name = a[0].lowercasedASCII
        let args = a.map(\.utf8Text)
        switch name {
        case "ping":
            guard a.count <= 2 else { return c.reply.error("ERR wrong number of arguments for 'ping' command") }
            if c.reply.protocolVersion == 2 && c.subscriptionCount > 0 {
                c.reply.arrayHeader(2)
                c.reply.bulk("pong")
                c.reply.bulk(a.count == 2 ? a[1] : [])
            } else if a.count == 2 {
                c.reply.bulk(a[1])
            } else {
                c.reply.raw("+PONG\r\n")
            }
        case "auth":
            // As Redis (and miniredis): more than user and password is a syntax error; the
            // one-argument form needs a password to be configured; the two-argument form names
            // the default user, whose password is any when none is configured (nopass).
            guard a.count <= 3 else { return c.reply.error("ERR syntax error") }
            if a.count == 2 && s.shell.requirepass.isEmpty {
                return c.reply.error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
            }
            guard checkPassword(s, user: a.count == 3 ? args[1] : nil, password: args[a.count - 1]) else {
                return c.reply.error("WRONGPASS invalid username-password pair or user is disabled.")
            }
            c.authenticated = true
            c.parser.unauthenticatedLimits = false
            c.reply.ok()
        case "hello":
            hello(s, c, args)
        case "quit":
            c.reply.ok()
            c.closeAfterReply = true
        case "reset":
            c.channels = []
            c.patterns = []
            c.reply.protocolVersion = 2
            c.reply.simple("RESET")
        case "client":
            client(s, c, args)
        case "command":
            if args.count >= 2 && args[1].lowercased() == "count" { return c.reply.integer(commandNames.count) }
            if args.count >= 2 && args[1].lowercased() == "docs" { return c.reply.mapHeader(0) }
            c.reply.arrayHeader(commands.count)
            for (n, arity) in commands {
                c.reply.arrayHeader(6)
                c.reply.bulk(n); c.reply.integer(arity); c.reply.setHeader(0)
                c.reply.integer(0); c.reply.integer(0); c.reply.integer(0)
            }
        case "subscribe", "psubscribe":
            guard a.count >= 2 else { return c.reply.error("ERR wrong number of arguments for '\(name)' command") }
            for ch in args.dropFirst() {
                if name == "subscribe" {
                    if !c.channels.contains(ch) { c.channels.append(ch) }
                } else if !c.patterns.contains(ch) {
                    c.patterns.append(ch)
                }
                c.reply.pushHeader(3)
                c.reply.bulk(name)
                c.reply.bulk(ch)
                c.reply.integer(c.subscriptionCount)
            }
        case "unsubscribe", "punsubscribe":
            let patterns = name == "punsubscribe"
            let targets = a.count > 1 ? Array(args.dropFirst()) : (patterns ? c.patterns : c.channels)
            if targets.isEmpty {
                c.reply.pushHeader(3)
                c.reply.bulk(name)
                c.reply.nullBulk()
                c.reply.integer(c.subscriptionCount)
            }
            for t in targets {
                if patterns { c.patterns.removeAll { $0 == t } } else { c.channels.removeAll { $0 == t } }
                c.reply.pushHeader(3)
                c.reply.bulk(name)
                c.reply.bulk(t)
                c.reply.integer(c.subscriptionCount)
            }
        case "info":
            c.reply.verbatim(Array(info(s, sections: args.dropFirst().map { $0.lowercased() }).utf8))
        case "shutdown":
            // Redis 7's flags: NOSAVE|SAVE, NOW, FORCE, ABORT. A sentinel has nothing to save and
            // never a shutdown in progress to abort, but a typo or an illegal combination must
            // get Redis's error and leave it running, not stop it.
            if let error = shutdownRefusal(args.dropFirst().map { $0.lowercased() }) { return c.reply.error(error) }
            s.shutdown()
        case "acl":
            if args.count == 2 && args[1].lowercased() == "whoami" { return c.reply.bulk("default") }
            if args.count == 2 && args[1].lowercased() == "users" { c.reply.arrayHeader(1); return c.reply.bulk("default") }
            c.reply.error("ERR unknown subcommand or wrong number of arguments for 'acl' command")
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

    static func hello(_ s: SentinelServer, _ c: SentinelClient, _ args: [String]) {
        var version = c.reply.protocolVersion
        if args.count >= 2 {
            guard let v = Int(args[1]) else { return c.reply.error("ERR Protocol version is not an integer or out of range") }
            guard v == 2 || v == 3 else { return c.reply.error("NOPROTO unsupported protocol version") }
            version = v
        }
        var i = 2
        var authed = c.authenticated
        while i < args.count {
            switch args[i].lowercased() {
            case "auth" where i + 2 < args.count:
                guard checkPassword(s, user: args[i + 1], password: args[i + 2]) else {
                    return c.reply.error("WRONGPASS invalid username-password pair or user is disabled.")
                }
                authed = true
                i += 3
            case "setname" where i + 1 < args.count:
                c.name = args[i + 1]
                i += 2
            default:
                return c.reply.error("ERR Syntax error in HELLO option '\(args[i])'")
            }
        }
        guard authed else {
            return c.reply.error(RedisCompat.helloNeedsAuth)
        }
        c.authenticated = true
        c.parser.unauthenticatedLimits = false
        c.reply.protocolVersion = version
        c.reply.helloReply(id: Int(c.id.rawValue), mode: "sentinel", role: nil)
    }

    /// Only the default user exists; without requirepass it takes any password (Redis's nopass).
    static func checkPassword(_ s: SentinelServer, user: String?, password: String) -> Bool {
        if let user, user != "default" { return false }
        return s.shell.requirepass.isEmpty || password == s.shell.requirepass
    }

    static func client(_ s: SentinelServer, _ c: SentinelClient, _ args: [String]) {
        guard args.count >= 2 else { return c.reply.error("ERR wrong number of arguments for 'client' command") }
        switch args[1].lowercased() {
        case "setname":
            guard args.count == 3 else { return c.reply.error("ERR wrong number of arguments for 'client|setname' command") }
            guard args[2].utf8.allSatisfy({ $0 >= 33 && $0 <= 126 }) else {
                return c.reply.error("ERR Client names cannot contain spaces, newlines or special characters.")
            }
            c.name = args[2]
            c.reply.ok()
        case "getname":
            c.name.isEmpty ? c.reply.nullBulk() : c.reply.bulk(c.name)
        case "id":
            c.reply.integer(Int(c.id.rawValue))
        case "info":
            c.reply.verbatim(Array((c.infoLine(nowMs: EventLoop.monotonicMs()) + "\n").utf8))
        case "list":
            let now = EventLoop.monotonicMs()
            let text = s.clients.values.sorted { $0.id.rawValue < $1.id.rawValue }.map { $0.infoLine(nowMs: now) + "\n" }.joined()
            c.reply.verbatim(Array(text.utf8))
        case "setinfo":
            guard args.count == 4 else { return c.reply.error("ERR wrong number of arguments for 'client|setinfo' command") }
            switch args[2].lowercased() {
            case "lib-name": c.libName = args[3]
            case "lib-ver": c.libVersion = args[3]
            default: return c.reply.error("ERR Unrecognized option '\(args[2])'")
            }
            c.reply.ok()
        case "kill":
            var killed = 0
            if args.count == 3 {
                guard let victim = s.clients.values.first(where: { "\($0.address):\($0.port)" == args[2] }) else {
                    return c.reply.error("ERR No such client")
                }
                if victim === c { c.closeAfterReply = true } else { s.closeClient(victim) }
                return c.reply.ok()
            }
            guard args.count % 2 == 0 else { return c.reply.error("ERR syntax error") }
            var filters: [(String, String)] = []
            for i in stride(from: 2, to: args.count, by: 2) { filters.append((args[i].lowercased(), args[i + 1])) }
            for victim in Array(s.clients.values) where victim !== c {
                let match = filters.allSatisfy { key, value in
                    switch key {
                    case "id": return String(victim.id.rawValue) == value
                    case "addr": return "\(victim.address):\(victim.port)" == value
                    case "type": return (victim.subscriptionCount > 0 ? "pubsub" : "normal") == value.lowercased()
                    case "skipme": return true
                    default: return false
                    }
                }
                if match {
                    s.closeClient(victim)
                    killed += 1
                }
            }
            c.reply.integer(killed)
        default:
            c.reply.error("ERR unknown subcommand '\(args[1])'. Try CLIENT HELP.")
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
