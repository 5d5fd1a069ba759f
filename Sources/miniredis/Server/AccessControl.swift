import ACL
import Glibc
import RESP
import Runtime
import ServerKit

/// miniredis's side of the ACL: the catalog its rules apply to, the per-command check, the ACL
/// LOG, the ACL command, and the aclfile / `user` lines read at start-up.
extension Server {
    /// Redis's commands, plus miniredis's own (FENCING), which Redis's table does not have; ACL
    /// CAT lists the ones miniredis serves.
    static let aclCatalog = ACLCatalog.redis(extra: ["fencing admin slow dangerous"]).serving(Set(CommandTable.standard.all.map(\.name)))

    /// A `user` line of the config: why its rules are refused, or nil.
    static let userCheck: ServerConfig.UserCheck = { ACLUsers.checkConfigured($0, catalog: aclCatalog) }

    /// The users of requirepass, the config's `user` lines and the aclfile; Redis's error text
    /// otherwise.
    func loadUsersAtStartup() -> String? {
        aclLog.maxLength = config.acllogMaxLen
        return aclUsers.loadAtStartup(requirepass: Array(config.requirepass.utf8), userLines: config.userLines,
                                      aclFile: config.aclfile.isEmpty ? nil : config.aclfile, readFile: ACLFiles.read)
    }

    /// The ACL check of a call, after AUTH: NOPERM and an ACL LOG entry when it is refused.
    /// Our master's stream and the commands allowed before AUTH are not checked, as in Redis.
    /// A refused EXEC discards the transaction, worded as Redis words it (EXECABORT …).
    func refusedByACL(_ c: Client, _ spec: CommandSpec, _ args: [[UInt8]]) -> Bool {
        guard var text = aclRefusal(c, spec, args, context: "toplevel")?.text else { return false }
        if spec.name == "exec" {
            text = "EXECABORT Transaction discarded because of: " + text
            c.multiQueue = nil
            unwatchAll(c)
        }
        c.multiFailed = c.multiQueue != nil
        c.reply.error(text)
        countRejection(spec, text)
        c.scheduleWrite()
        return true
    }

    /// NOPERM's text for a call the client's user may not make (logged in the ACL LOG under
    /// `context`: toplevel, or multi for the commands EXEC checks again), or nil.
    func aclRefusal(_ c: Client, _ spec: CommandSpec, _ args: [[UInt8]], context: String) -> (denial: ACLUsers.Denial, text: String)? {
        guard !aclUsers.everyoneMayRun, !spec.flags.contains(.noAuth), c.kind != .master,
              let denial = aclUsers.denial(user: c.session.user, command: spec.name, args) else { return nil }
        let entry = aclUsers.entryName(command: spec.name, args)
        let (reason, object) = ACLUsers.logEntry(for: denial, entry: entry, args)
        aclLog.add(reason, context: context, object: object, username: c.session.user, clientInfo: c.infoLine(nowMs: nowMs), nowMs: unixMs)
        return (denial, ACLUsers.describe(denial, user: c.session.user, args, commandName: entry, perm: true, wording: aclUsers.wording))
    }

    /// EXEC's check of a queued command, worded as Redis's EXEC words it.
    func aclRefusalAtExec(_ c: Client, _ spec: CommandSpec, _ args: [[UInt8]]) -> String? {
        guard let denial = aclRefusal(c, spec, args, context: "multi")?.denial else { return nil }
        let reason = switch denial {
        case .command: "no permission to execute the command or subcommand"
        case .key: "no permission to touch the specified keys"
        case .channel: "no permission to access one of the channels used as arguments"
        }
        return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: \(reason)"
    }

    /// A refused AUTH (or HELLO AUTH) in the ACL LOG, as Redis logs it.
    func logAuthFailure(_ c: Client, user: String) {
        aclLog.add(.auth, object: "AUTH", username: user, clientInfo: c.infoLine(nowMs: nowMs), nowMs: unixMs)
    }

    /// ACL: the ACL module's subcommands over this server's users, log and aclfile; DELUSER
    /// and LOAD disconnect the clients of users that went away or changed, as Redis does.
    static func acl(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        var doomed: [String] = []
        s.aclLog.maxLength = s.config.acllogMaxLen
        let env = ACLEnvironment(
            me: c.session.user, nowMs: s.unixMs,
            aclFile: s.config.aclfile.isEmpty ? nil : s.config.aclfile,
            save: { ACLFiles.save(s.config.aclfile, $0, log: s.log) },
            load: { ACLFiles.read(s.config.aclfile) },
            validate: { call in
                guard let spec = s.commands.lookup(call[0]) else { return "ERR Command '\(call[0].utf8Text)' not found" }
                return spec.arityOK(call.count) ? nil : Errors.arity(spec.name)
            },
            kill: { doomed = $0 })
        ctx.reply.whole { ACLCommand.run(a, users: &s.aclUsers, log: &s.aclLog, env: env, reply: &$0) }
        for victim in Array(s.clients.values) where doomed.contains(victim.session.user) {
            if victim === c { c.closeAfterReply = true } else { s.closeClient(victim) }
        }
    }
}
