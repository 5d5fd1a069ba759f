import RESP

/// The users of a server's ACL, as far as both servers implement it: users that are on or off,
/// with passwords or nopass, allowed every command or none. Key and channel patterns are
/// accepted only as "all" (`~*`, `allkeys`, `&*`, `allchannels`) and their reset forms; any
/// other rule (command categories other than @all, selectors, hashed passwords) is refused with
/// an error saying so, rather than accepted and not enforced.
///
/// The `default` user's password stays `requirepass`, as redis-server keeps the two the same:
/// ACL SETUSER can turn it on or off and change its commands, not its passwords.
public struct ACLUsers: Sendable {
    public struct User: Sendable, Equatable {
        public var enabled = false
        public var passwords: [[UInt8]] = []
        public var nopass = false
        public var allCommands = false
        public var allKeys = false
        public var allChannels = false
    }

    public private(set) var users: [String: User] = [:]
    /// The `default` user without its password (that is requirepass).
    public private(set) var defaultUser = User(enabled: true, nopass: true, allCommands: true, allKeys: true, allChannels: true)

    public init() {}

    /// Whether a new connection starts authenticated (as `default`), as in Redis: the default user
    /// is on and needs no password.
    public func newConnectionsAuthenticated(requirepass: [UInt8]) -> Bool {
        defaultUser.enabled && requirepass.isEmpty
    }

    /// The user `name` (case-sensitive, as Redis) logs in with `password`.
    public func check(user name: String, password: [UInt8], requirepass: [UInt8]) -> Bool {
        if name == "default" { return defaultUser.enabled && (requirepass.isEmpty || password == requirepass) }
        guard let u = users[name], u.enabled else { return false }
        return u.nopass || u.passwords.contains(password)
    }

    public func exists(_ name: String) -> Bool { name == "default" || users[name] != nil }

    /// No user but the default, and it may run everything: the per-command check is skipped
    /// (comparing the user's name per command was 1% of a pipelined GET's instructions).
    public var everyoneMayRun: Bool { users.isEmpty && defaultUser.allCommands }

    /// Whether `name` may run any command (users without +@all may run none but AUTH/HELLO).
    public func mayRunCommands(_ name: String) -> Bool {
        name == "default" ? defaultUser.allCommands : users[name]?.allCommands ?? false
    }

    public var names: [String] { (["default"] + users.keys).sorted() }

    /// ACL SETUSER name rule...: nil, or Redis's error text. Rules apply in order; a bad rule
    /// leaves the user as it was.
    public mutating func setUser(_ name: String, rules: [[UInt8]]) -> String? {
        let isDefault = name == "default"
        var u = isDefault ? defaultUser : users[name] ?? User()
        for raw in rules {
            let rule = raw.utf8Text
            func refuse(_ why: String) -> String { "ERR Error in ACL SETUSER modifier '\(rule)': \(why)" }
            switch rule.lowercased() {
            case "on": u.enabled = true
            case "off": u.enabled = false
            case "nopass", "resetpass", "reset":
                if isDefault { return refuse("the default user's password is requirepass on this server") }
                if rule.lowercased() == "reset" { u = User(); continue }
                u.passwords = []
                u.nopass = rule.lowercased() == "nopass"
            case "+@all", "allcommands": u.allCommands = true
            case "-@all", "nocommands": u.allCommands = false
            case "~*", "allkeys": u.allKeys = true
            case "resetkeys": u.allKeys = false
            case "&*", "allchannels": u.allChannels = true
            case "resetchannels": u.allChannels = false
            default:
                if let first = raw.first, first == UInt8(ascii: ">") || first == UInt8(ascii: "<") {
                    if isDefault { return refuse("the default user's password is requirepass on this server") }
                    let password = Array(raw.dropFirst())
                    u.passwords.removeAll { $0 == password }
                    if first == UInt8(ascii: ">") { u.passwords.append(password); u.nopass = false }
                    continue
                }
                return refuse("not supported by this server (only on, off, >password, <password, nopass, resetpass, reset, +@all, -@all, ~*, &* and their long forms)")
            }
        }
        if isDefault { defaultUser = u } else { users[name] = u }
        return nil
    }

    /// ACL DELUSER: how many of `names` existed and were removed; `default` cannot be.
    public mutating func deleteUsers(_ names: [String]) -> Result<[String], CommandError> {
        if names.contains("default") { return .failure(CommandError("ERR The 'default' user cannot be removed")) }
        var removed: [String] = []
        for n in names where users.removeValue(forKey: n) != nil { removed.append(n) }
        return .success(removed)
    }

    /// ACL LIST's description of a user; passwords are not shown (Redis shows their SHA-256).
    public func describe(_ name: String, requirepass: [UInt8]) -> String? {
        guard let u = name == "default" ? defaultUser : users[name] else { return nil }
        var parts = ["user", name, u.enabled ? "on" : "off"]
        let nopass = name == "default" ? requirepass.isEmpty : u.nopass
        if nopass { parts.append("nopass") }
        parts.append(u.allKeys ? "~*" : "resetkeys")
        parts.append(u.allChannels ? "&*" : "resetchannels")
        parts.append(u.allCommands ? "+@all" : "-@all")
        return parts.joined(separator: " ")
    }
}

/// The ACL subcommands both servers answer from an `ACLUsers`. `kill` disconnects the clients
/// logged in as the given users (ACL DELUSER does, as in Redis) and returns whether the caller
/// was one of them.
public enum ACLCommand {
    public static func run(_ a: [[UInt8]], users: inout ACLUsers, requirepass: [UInt8], session: ClientSession,
                           reply: inout RESPWriter, kill: ([String]) -> Void) {
        let sub = a[1].lowercasedASCII
        func arity(_ ok: Bool) -> Bool {
            if !ok { reply.error("ERR wrong number of arguments for 'acl|\(sub)' command") }
            return ok
        }
        switch sub {
        case "whoami":
            guard arity(a.count == 2) else { return }
            reply.bulk(session.user)
        case "users":
            guard arity(a.count == 2) else { return }
            let names = users.names
            reply.arrayHeader(names.count)
            for n in names { reply.bulk(n) }
        case "list":
            guard arity(a.count == 2) else { return }
            let names = users.names
            reply.arrayHeader(names.count)
            for n in names { reply.bulk(users.describe(n, requirepass: requirepass) ?? "") }
        case "setuser":
            guard arity(a.count >= 3) else { return }
            if let error = users.setUser(a[2].utf8Text, rules: Array(a[3...])) { return reply.error(error) }
            reply.ok()
        case "deluser":
            guard arity(a.count >= 3) else { return }
            switch users.deleteUsers(a[2...].map(\.utf8Text)) {
            case .failure(let e): reply.error(e.text)
            case .success(let removed):
                kill(removed)
                reply.integer(removed.count)
            }
        case "help":
            reply.helpLines([
                "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "DELUSER <username> [<username> ...]", "    Delete a list of users.",
                "LIST", "    Show users details in config file format.",
                "SETUSER <username> <attribute> [<attribute> ...]", "    Create or modify a user with the specified attributes.",
                "USERS", "    List all the registered usernames.",
                "WHOAMI", "    Return the current connection username.",
                "HELP", "    Print this help.",
            ])
        default:
            reply.error("ERR unknown subcommand '\(String(decoding: a[1].prefix(128), as: UTF8.self))'. Try ACL HELP.")
        }
    }
}
