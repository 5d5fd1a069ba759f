import RESP

/// CLIENT subcommands.
enum ClientCommand {
    /// Redis refuses names with spaces or characters outside '!'...'~'.
    static func validName(_ name: [UInt8]) -> Bool {
        name.allSatisfy { $0 >= 33 && $0 <= 126 }
    }

    static func client(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let sub = a[1].lowercasedASCII
        switch sub {
        case "setname":
            guard a.count == 3 else { return ctx.reply.error(Errors.arity("client|setname")) }
            guard validName(a[2]) else {
                return ctx.reply.error("ERR Client names cannot contain spaces, newlines or special characters.")
            }
            c.name = a[2]
            ctx.reply.ok()
        case "getname":
            c.name.isEmpty ? ctx.reply.nullBulk() : ctx.reply.bulk(c.name)
        case "id":
            ctx.reply.integer(c.id)
        case "info":
            ctx.reply.verbatim(Array((c.infoLine(nowMs: s.nowMs) + "\n").utf8))
        case "list":
            var filterType: String?
            var ids: Set<Int64>?
            var i = 2
            while i < a.count {
                switch a[i].lowercasedASCII {
                case "type" where i + 1 < a.count:
                    let t = a[i + 1].lowercasedASCII
                    guard ["normal", "master", "replica", "slave", "pubsub"].contains(t) else {
                        return ctx.reply.error("ERR Unknown client type '\(a[i + 1].utf8Text)'")
                    }
                    filterType = t == "slave" ? "replica" : t
                    i += 2
                case "id" where i + 1 < a.count:
                    var set = Set<Int64>()
                    for raw in a[(i + 1)...] {
                        guard let n = Numbers.int64(raw), n > 0 else { return ctx.reply.error("ERR Invalid client ID") }
                        set.insert(n)
                    }
                    ids = set
                    i = a.count
                default:
                    return ctx.reply.error(Errors.syntax)
                }
            }
            let now = s.nowMs
            var text = ""
            for client in s.clients.values.sorted(by: { $0.id < $1.id }) {
                if let t = filterType, typeName(client) != t { continue }
                if let ids, !ids.contains(client.id) { continue }
                text += client.infoLine(nowMs: now) + "\n"
            }
            ctx.reply.verbatim(Array(text.utf8))
        case "setinfo":
            guard a.count == 4 else { return ctx.reply.error(Errors.arity("client|setinfo")) }
            let attr = a[2].lowercasedASCII
            guard a[3].allSatisfy({ $0 > 32 && $0 < 127 }) || a[3].isEmpty else {
                return ctx.reply.error("ERR \(attr) cannot contain spaces, newlines or special characters.")
            }
            switch attr {
            case "lib-name": c.libName = a[3].utf8Text
            case "lib-ver": c.libVersion = a[3].utf8Text
            default: return ctx.reply.error("ERR Unrecognized option '\(a[2].utf8Text)'")
            }
            ctx.reply.ok()
        case "kill":
            kill(&ctx, s, c, a)
        case "pause":
            guard a.count == 3 || a.count == 4 else { return ctx.reply.error(Errors.arity("client|pause")) }
            guard let timeout = Numbers.int64(a[2]) else { return ctx.reply.error("ERR timeout is not an integer or out of range") }
            guard timeout >= 0 else { return ctx.reply.error("ERR timeout is negative") }
            var mode = ClientPause.Mode.all
            if a.count == 4 {
                switch a[3].lowercasedASCII {
                case "write": mode = .write
                case "all": mode = .all
                default: return ctx.reply.error("ERR CLIENT PAUSE mode must be WRITE or ALL")
                }
            }
            s.clientPause(timeoutMs: timeout, mode: mode)
            ctx.reply.ok()
        case "unpause":
            guard a.count == 2 else { return ctx.reply.error(Errors.arity("client|unpause")) }
            ctx.reply.ok()
            s.clientUnpause()
        case "reply":
            guard a.count == 3, ["on", "off", "skip"].contains(a[2].lowercasedASCII) else { return ctx.reply.error(Errors.syntax) }
            ctx.reply.ok()
        case "no-evict", "no-touch":
            ctx.reply.ok()
        case "help":
            let lines = ["CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                         "GETNAME", "    Return the name of the current connection.",
                         "ID", "    Return the ID of the current connection.",
                         "INFO", "    Return information about the current client connection.",
                         "KILL <ip:port>", "    Kill connection made from <ip:port>.",
                         "KILL <option> <value> [<option> <value> [...]]", "    Kill connections. Options are: ID, TYPE, ADDR, LADDR, SKIPME.",
                         "LIST [TYPE <type>] [ID <id> ...]", "    Return information about client connections.",
                         "PAUSE <timeout> [WRITE|ALL]", "    Suspend all, or just write, clients for <timeout> milliseconds.",
                         "UNPAUSE", "    Stop the current client pause, resuming traffic.",
                         "SETNAME <name>", "    Assign the name <name> to the current connection.",
                         "SETINFO <option> <value>", "    Set client meta attr (LIB-NAME, LIB-VER).",
                         "HELP", "    Print this help."]
            ctx.reply.helpLines(lines)
        default:
            ctx.reply.error(Errors.unknownSubcommand(a[1], "client"))
        }
    }

    static func typeName(_ c: Client) -> String {
        switch c.kind {
        case .replica: return "replica"
        case .master: return "master"
        case .normal: return c.subscriptionCount > 0 ? "pubsub" : "normal"
        }
    }

    /// CLIENT KILL ip:port (old form, +OK or error) or CLIENT KILL <filter> <value> ...
    /// (new form, count of killed). The new form skips the caller unless SKIPME no: the
    /// promotion's `CLIENT KILL TYPE normal` from a sentinel must not cut its own link.
    static func kill(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        if a.count == 3 {
            let addr = a[2].utf8Text
            guard let victim = s.clients.values.first(where: { "\($0.address):\($0.port)" == addr }) else {
                return ctx.reply.error("ERR No such client")
            }
            ctx.reply.ok()
            if victim === c { c.closeAfterReply = true } else { s.closeClient(victim) }
            return
        }
        guard a.count % 2 == 0 else { return ctx.reply.error(Errors.syntax) }
        var type: String?, id: Int64?, addr: String?, laddr: String?
        var skipMe = true
        for i in stride(from: 2, to: a.count, by: 2) {
            let v = a[i + 1]
            switch a[i].lowercasedASCII {
            case "type":
                let t = v.lowercasedASCII
                guard ["normal", "master", "replica", "slave", "pubsub"].contains(t) else {
                    return ctx.reply.error("ERR Unknown client type '\(v.utf8Text)'")
                }
                type = t == "slave" ? "replica" : t
            case "id":
                guard let n = Numbers.int64(v), n > 0 else { return ctx.reply.error("ERR client-id should be greater than 0") }
                id = n
            case "addr": addr = v.utf8Text
            case "laddr": laddr = v.utf8Text
            case "skipme":
                switch v.lowercasedASCII {
                case "yes": skipMe = true
                case "no": skipMe = false
                default: return ctx.reply.error(Errors.syntax)
                }
            case "user", "maxage": break
            default: return ctx.reply.error(Errors.syntax)
            }
        }
        var killed = 0
        for victim in Array(s.clients.values) {
            if let type, typeName(victim) != type { continue }
            if let id, victim.id != id { continue }
            if let addr, "\(victim.address):\(victim.port)" != addr { continue }
            if let laddr, victim.localAddress != laddr { continue }
            if victim === c {
                if skipMe { continue }
                c.closeAfterReply = true
            } else {
                s.closeClient(victim)
            }
            killed += 1
        }
        ctx.reply.integer(killed)
    }
}
