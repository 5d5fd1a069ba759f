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
    static func userCheck(_ words: [String]) -> String? {
        var probe = ACLUsers(catalog: aclCatalog, wording: .redis72)
        return probe.setUser(words[0], rules: words.dropFirst().map { Array($0.utf8) })
    }

    /// The users of the config's `user` lines or of the aclfile; the error otherwise.
    func loadUsersAtStartup() -> String? {
        aclLog.maxLength = shell.acllogMaxLen
        aclUsers.setRequirepass(Array(shell.requirepass.utf8))
        for words in shell.userLines {
            if let error = aclUsers.setUser(words[0], rules: words.dropFirst().map { Array($0.utf8) }) { return error }
        }
        guard !shell.aclfile.isEmpty else { return nil }
        switch readACLFile().flatMap({ ACLFile.parse($0, fileName: shell.aclfile, catalog: aclUsers.catalog) }) {
        case .failure(let e): return e.text
        case .success(let users): aclUsers.replaceAll(users)
        }
        return nil
    }

    func readACLFile() -> Result<String, CommandError> {
        guard let text = FileIO.readText(shell.aclfile) else {
            return .failure(CommandError("Error loading ACLs, opening file '\(shell.aclfile)': \(SystemError.text(errno))"))
        }
        return .success(text)
    }

    /// The ACL check of a call after AUTH: NOPERM and an ACL LOG entry when refused.
    func refusedByACL(_ c: SentinelClient, _ name: String, _ args: [[UInt8]]) -> Bool {
        guard !aclUsers.everyoneMayRun, !["auth", "hello", "quit"].contains(name),
              let denial = aclUsers.denial(user: c.session.user, command: name, args) else { return false }
        let entry = aclUsers.entryName(command: name, args)
        let (reason, object): (ACLLog.Reason, String) = switch denial {
        case .command: (.command, entry)
        case .key(let p): (.key, args[p].utf8Text)
        case .channel(let p): (.channel, args[p].utf8Text)
        }
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
            save: { [log, shell] text in
                do { try FileIO.replaceAtomically(shell.aclfile, with: Array(text.utf8)); return nil } catch {
                    log.warning("Opening temp ACL file for ACL SAVE: \(error)")
                    return "\(error)"
                }
            },
            load: { [unowned self] in self.readACLFile() },
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
