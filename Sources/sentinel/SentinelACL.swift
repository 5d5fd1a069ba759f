import ACL
import Glibc
import RESP
import Runtime
import ServerKit

/// The sentinel's side of the ACL: its catalog (the commands of sentinel mode, with the
/// categories of Redis 7.2's table), the per-command check, the ACL LOG, the ACL command, and
/// the aclfile / `user` lines read at start-up.
extension SentinelServer {
    static let aclCatalog: ACLCatalog = {
        var lines: [String] = []
        for spec in SentinelCommandTable.entries {
            lines.append(([spec.name] + spec.categories).joined(separator: " "))
            for sub in spec.subcommands ?? [] { lines.append((["\(spec.name)|\(sub.name)"] + sub.categories).joined(separator: " ")) }
        }
        return ACLCatalog(lines: lines)
    }()

    /// A `user` line of the config: why its rules are refused, or nil.
    static func userCheck(_ words: [String]) -> String? { ACLUsers.checkConfigured(words, catalog: aclCatalog) }

    /// The users of requirepass, the config's `user` lines and the aclfile; the error otherwise.
    func loadUsersAtStartup() -> String? {
        aclLog.maxLength = shell.acllogMaxLen
        return aclUsers.loadAtStartup(requirepass: Array(shell.requirepass.utf8), userLines: shell.userLines,
                                      aclFile: shell.aclfile.isEmpty ? nil : shell.aclfile, readFile: ACLFiles.read)
    }

    /// The ACL check of a call after AUTH: NOPERM and an ACL LOG entry when refused.
    func refusedByACL(_ c: SentinelClient, _ name: String, _ args: [[UInt8]]) -> Bool {
        guard !aclUsers.everyoneMayRun, !["auth", "hello", "quit"].contains(name),
              let denial = aclUsers.denial(user: c.session.user, command: name, args) else { return false }
        let entry = aclUsers.entryName(command: name, args)
        let (reason, object) = ACLUsers.logEntry(for: denial, entry: entry, args)
        aclLog.add(reason, object: object, username: c.session.user, clientInfo: c.infoLine(nowMs: EventLoop.monotonicMs()), nowMs: EventLoop.wallClockMs())
        c.reply.error(ACLUsers.describe(denial, user: c.session.user, args, commandName: entry, perm: true, wording: aclUsers.wording))
        return true
    }

    func logAuthFailure(_ c: SentinelClient, user: String) {
        aclLog.add(.auth, object: "AUTH", username: user, clientInfo: c.infoLine(nowMs: EventLoop.monotonicMs()), nowMs: EventLoop.wallClockMs())
    }

    func acl(_ c: SentinelClient, _ a: [[UInt8]]) {
        var doomed: [String] = []
        aclLog.maxLength = shell.acllogMaxLen
        let env = ACLEnvironment(
            me: c.session.user, nowMs: EventLoop.wallClockMs(),
            aclFile: shell.aclfile.isEmpty ? nil : shell.aclfile,
            save: { [log, shell] in ACLFiles.save(shell.aclfile, $0, log: log) },
            load: { [shell] in ACLFiles.read(shell.aclfile) },
            validate: { call in
                let name = call[0].lowercasedASCII
                guard let spec = SentinelCommandTable.entries.first(where: { $0.name == name }) else { return "ERR Command '\(call[0].utf8Text)' not found" }
                let ok = spec.arity >= 0 ? call.count == spec.arity : call.count >= -spec.arity
                return ok ? nil : "ERR wrong number of arguments for '\(name)' command"
            },
            kill: { doomed = $0 })
        ACLCommand.run(a, users: &aclUsers, log: &aclLog, env: env, reply: &c.reply)
        for victim in Array(clients.values) where doomed.contains(victim.session.user) {
            if victim === c { c.closeAfterReply = true } else { closeClient(victim) }
        }
    }
}
