import RESP
import ServerKit

/// CLIENT subcommands: the shared ones come from ServerKit (ClientSubcommands); PAUSE, UNPAUSE
/// and REPLY are the data node's own.
enum ClientCommand {
    static func client(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let sub = a[1].lowercasedASCII
        if let error = ClientSubcommands.arityError(sub, count: a.count) { return ctx.reply.error(error) }
        if ClientSubcommands.sessionOnly.contains(sub) {
            // One reply, written by ServerKit into the client's buffer through the sink.
            return ctx.reply.whole { _ = ClientSubcommands.runSessionOnly(sub, a, session: &c.session, reply: &$0) }
        }
        switch sub {
        case "id":
            ctx.reply.integer(c.id)
        case "info":
            ctx.reply.verbatim(Array((c.infoLine(nowMs: s.nowMs) + "\n").utf8))
        case "list":
            let filter: ClientListFilter
            switch ClientListFilter.parse(a) {
            case .success(let f): filter = f
            case .failure(let e): return ctx.reply.error(e.text)
            }
            let now = s.nowMs
            var text = ""
            for client in s.clients.values.sorted(by: { $0.id < $1.id }) where filter.matches(client.facts) {
                text += client.infoLine(nowMs: now) + "\n"
            }
            ctx.reply.verbatim(Array(text.utf8))
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
            ctx.reply.ok()
            s.clientUnpause()
        case "reply":
            guard ["on", "off", "skip"].contains(a[2].lowercasedASCII) else { return ctx.reply.error(Errors.syntax) }
            ctx.reply.ok()
        default:
            ctx.reply.error(ClientSubcommands.unknown(a[1]))
        }
    }

    /// The new form skips the caller unless SKIPME no: the promotion's `CLIENT KILL TYPE normal`
    /// from a sentinel must not cut its own link.
    static func kill(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        switch ClientKill.parse(a, userExists: s.aclUsers.exists) {
        case .failure(let e):
            ctx.reply.error(e.text)
        case .success(.address(let addr)):
            guard let victim = s.clients.values.first(where: { "\($0.address):\($0.port)" == addr }) else {
                return ctx.reply.error("ERR No such client")
            }
            ctx.reply.ok()
            if victim === c { c.closeAfterReply = true } else { s.closeClient(victim) }
        case .success(.filters(let filter)):
            var killed = 0
            for victim in Array(s.clients.values) where filter.matches(victim.facts, isCaller: victim === c) {
                if victim === c { c.closeAfterReply = true } else { s.closeClient(victim) }
                killed += 1
            }
            ctx.reply.integer(killed)
        }
    }
}
