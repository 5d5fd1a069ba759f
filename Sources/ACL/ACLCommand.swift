import RESP

/// What ACL's subcommands need from the server that runs them.
public struct ACLEnvironment {
    /// The caller's user name (WHOAMI).
    public var me: String
    public var nowMs: Int64
    /// The aclfile, when one is configured (ACL SAVE / LOAD).
    public var aclFile: String?
    /// Writes the aclfile's new text (atomically); an error text, or nil.
    public var save: (String) -> String?
    /// Reads the aclfile's text, or an error text.
    public var load: () -> Result<String, CommandError>
    /// DRYRUN's command check: Redis's error for an unknown command or a wrong arity, or nil.
    public var validate: ([[UInt8]]) -> String?
    /// Disconnects the clients logged in as these users (DELUSER, LOAD).
    public var kill: ([String]) -> Void

    public init(me: String, nowMs: Int64, aclFile: String?, save: @escaping (String) -> String?,
                load: @escaping () -> Result<String, CommandError>, validate: @escaping ([[UInt8]]) -> String?, kill: @escaping ([String]) -> Void) {
        self.me = me; self.nowMs = nowMs; self.aclFile = aclFile
        self.save = save; self.load = load; self.validate = validate; self.kill = kill
    }
}

/// ACL and its subcommands as Redis 7 answers them, for both servers.
public enum ACLCommand {
    static let noFile = "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration."

    public static func run(_ a: [[UInt8]], users: inout ACLUsers, log: inout ACLLog, env: ACLEnvironment, reply: inout RESPWriter) {
        let sub = a[1].lowercasedASCII
        func arity(_ ok: Bool) -> Bool {
            if !ok { reply.error("ERR wrong number of arguments for 'acl|\(sub)' command") }
            return ok
        }
        func generic(_ ok: Bool) -> Bool {
            if !ok { reply.error("ERR unknown subcommand or wrong number of arguments for '\(a[1].utf8Text)'. Try ACL HELP.") }
            return ok
        }
        switch sub {
        case "whoami":
            guard arity(a.count == 2) else { return }
            reply.bulk(env.me)
        case "users":
            guard arity(a.count == 2) else { return }
            let names = users.names
            reply.arrayHeader(names.count)
            for n in names { reply.bulk(n) }
        case "list":
            guard arity(a.count == 2) else { return }
            let names = users.names
            reply.arrayHeader(names.count)
            for n in names { reply.bulk(users.describe(n) ?? "") }
        case "setuser":
            guard arity(a.count >= 3) else { return }
            if let error = users.setUser(a[2].utf8Text, rules: Array(a[3...])) { return reply.error(error) }
            reply.ok()
        case "getuser":
            guard arity(a.count == 3) else { return }
            guard let u = users.users[a[2].utf8Text] else { return reply.nullBulk() }
            reply.mapHeader(6)
            reply.bulk("flags"); reply.arrayHeader(u.flags.count); for f in u.flags { reply.bulk(f) }
            reply.bulk("passwords"); reply.arrayHeader(u.passwordHashes.count); for h in u.passwordHashes { reply.bulk(h) }
            reply.bulk("commands"); reply.bulk(u.commandDescription)
            reply.bulk("keys"); reply.bulk(u.keysDescription)
            reply.bulk("channels"); reply.bulk(u.channelsDescription)
            reply.bulk("selectors"); reply.arrayHeader(0)
        case "deluser":
            guard arity(a.count >= 3) else { return }
            switch users.deleteUsers(a[2...].map(\.utf8Text)) {
            case .failure(let e): reply.error(e.text)
            case .success(let removed):
                env.kill(removed)
                reply.integer(removed.count)
            }
        case "cat":
            guard generic(a.count <= 3) else { return }
            if a.count == 2 {
                reply.arrayHeader(ACLCategory.allCases.count)
                for c in ACLCategory.allCases { reply.bulk(c.name) }
                return
            }
            guard let category = ACLCategory.named(a[2].utf8Text) else { return reply.error("ERR Unknown category '\(a[2].utf8Text)'") }
            let names = users.catalog.names(in: category)
            reply.arrayHeader(names.count)
            for n in names { reply.bulk(n) }
        case "genpass":
            guard generic(a.count <= 3) else { return }
            var bits = 256
            if a.count == 3 {
                guard let b = Numbers.int64(a[2]), b > 0, b <= 4096 else {
                    return reply.error("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096")
                }
                bits = Int(b)
            }
            reply.bulk(generatePassword(hexDigits: (bits + 3) / 4))
        case "dryrun":
            guard arity(a.count >= 4) else { return }
            let name = a[2].utf8Text
            guard users.exists(name) else { return reply.error("ERR User '\(name)' not found") }
            let call = Array(a[3...])
            if let error = env.validate(call) { return reply.error(error) }
            let command = call[0].lowercasedASCII
            if let d = users.denial(user: name, command: command, call) {
                reply.bulk(ACLUsers.describe(d, user: name, call, commandName: users.entryName(command: command, call), perm: false, wording: users.wording))
            } else {
                reply.ok()
            }
        case "log":
            guard generic(a.count <= 3) else { return }
            if a.count == 3 {
                if a[2].lowercasedASCII == "reset" { log.reset(); return reply.ok() }
                guard let n = Numbers.int64(a[2]) else { return reply.error("ERR value is not an integer or out of range") }
                return log.write(count: Int(max(0, n)), nowMs: env.nowMs, to: &reply)
            }
            log.write(count: nil, nowMs: env.nowMs, to: &reply)
        case "save":
            guard arity(a.count == 2) else { return }
            guard env.aclFile != nil else { return reply.error(noFile) }
            // The reason goes to the server's log (`save` logs it), as Redis words the reply.
            if env.save(ACLFile.render(users)) != nil {
                return reply.error("ERR There was an error trying to save the ACLs. Please check the server logs for more information")
            }
            reply.ok()
        case "load":
            guard arity(a.count == 2) else { return }
            guard let path = env.aclFile else { return reply.error(noFile) }
            let text: String
            switch env.load() {
            case .failure(let e): return reply.error("ERR \(e.text)")
            case .success(let t): text = t
            }
            switch ACLFile.parse(text, fileName: path, catalog: users.catalog) {
            case .failure(let e):
                reply.error("ERR \(e.text). WARNING: ACL errors detected, no change to the previously active ACL rules was performed")
            case .success(let loaded):
                let before = users.users
                users.replaceAll(loaded)
                // Clients of a user that is gone or changed log in again, as Redis disconnects them.
                env.kill(before.keys.filter { users.users[$0] != before[$0] })
                reply.ok()
            }
        case "help":
            reply.helpLines(helpText)
        default:
            reply.error("ERR unknown subcommand '\(String(decoding: a[1].prefix(128), as: UTF8.self))'. Try ACL HELP.")
        }
    }

    /// GENPASS's password: hex digits from the system's secure generator (getrandom on Linux).
    static func generatePassword(hexDigits: Int) -> String {
        var rng = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: (0..<hexDigits).map { _ in digits[Int(rng.next() & 15)] }, as: UTF8.self)
    }

    static let helpText = [
        "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CAT [<category>]",
        "    List all commands that belong to <category>, or all command categories",
        "    when no category is specified.",
        "DELUSER <username> [<username> ...]",
        "    Delete a list of users.",
        "DRYRUN <username> <command> [<arg> ...]",
        "    Returns whether the user can execute the given command without executing the command.",
        "GETUSER <username>",
        "    Get the user's details.",
        "GENPASS [<bits>]",
        "    Generate a secure 256-bit user password. The optional `bits` argument can",
        "    be used to specify a different size.",
        "LIST",
        "    Show users details in config file format.",
        "LOAD",
        "    Reload users from the ACL file.",
        "LOG [<count> | RESET]",
        "    Show the ACL log entries.",
        "SAVE",
        "    Save the current config to the ACL file.",
        "SETUSER <username> <attribute> [<attribute> ...]",
        "    Create or modify a user with the specified attributes.",
        "USERS",
        "    List all the registered usernames.",
        "WHOAMI",
        "    Return the current connection username.",
        "HELP",
        "    Prints this help.",
    ]
}
