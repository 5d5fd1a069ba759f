import RESP

/// A server's ACL users (always a `default` one) over its command catalog, and the checks the
/// dispatcher asks of them.
///
/// `requirepass` is a way to set the `default` user's password, as in Redis: setting it (at
/// start-up, CONFIG SET) makes it the user's one password, and an empty one makes the user
/// nopass; `user default …` lines, the aclfile and ACL SETUSER may change it afterwards (CONFIG
/// GET requirepass then still shows the last value set, as redis-server's does).
public struct ACLUsers: Sendable {
    public let catalog: ACLCatalog
    public private(set) var users: [String: ACLUser]
    /// Only `default`, allowed everything: the dispatcher skips the per-command check.
    public private(set) var everyoneMayRun = true
    public let wording: Wording

    public init(catalog: ACLCatalog, wording: Wording = .redis70) {
        self.catalog = catalog
        self.wording = wording
        users = ["default": ACLUser.defaultUser(catalog: catalog)]
    }

    /// What a check refused, for the error and the ACL LOG entry.
    public enum Denial: Equatable, Sendable {
        case command
        case key(position: Int)
        case channel(position: Int)
    }

    /// Whether a new connection starts authenticated (as `default`), as in Redis: the default
    /// user is on and needs no password.
    public var newConnectionsAuthenticated: Bool {
        guard let d = users["default"] else { return false }
        return d.enabled && d.nopass
    }

    /// The default user needs no password (protected mode then refuses other hosts, and a
    /// one-argument AUTH is an error).
    public var defaultNopass: Bool { users["default"]?.nopass ?? true }

    /// The user `name` (case-sensitive, as Redis) logs in with `password`.
    public func check(user name: String, password: [UInt8]) -> Bool {
        users[name]?.acceptsPassword(password) ?? false
    }

    /// requirepass set: the default user's one password, or nopass when empty.
    public mutating func setRequirepass(_ password: [UInt8]) {
        var d = users["default"] ?? ACLUser.defaultUser(catalog: catalog)
        _ = d.apply(Array("resetpass".utf8), catalog: catalog)
        _ = d.apply(password.isEmpty ? Array("nopass".utf8) : [UInt8(ascii: ">")] + password, catalog: catalog)
        users["default"] = d
        refresh()
    }

    public func exists(_ name: String) -> Bool { users[name] != nil }
    public var names: [String] { users.keys.sorted() }

    /// Whether `user` may run this call of `command` (its name in the catalog, in lower case,
    /// which a renamed command keeps): the command (or subcommand), then its keys, then its channels, as Redis
    /// checks them. nil when allowed. A command missing from the catalog runs only for users
    /// with +@all.
    public func denial(user name: String, command: String, _ args: [[UInt8]]) -> Denial? {
        if everyoneMayRun { return nil }
        guard let u = users[name] else { return .command }
        guard let id = catalog.id(named: command, arguments: args) else {
            return u.allowsUnlistedCommands ? nil : .command
        }
        guard u.mayRun(id, args) else { return .command }
        if !u.allKeys {
            for k in catalog.keys(of: id, args) where !u.mayAccess(key: args[k.position], reads: k.reads, writes: k.writes) {
                return .key(position: k.position)
            }
        }
        if !u.allChannels {
            for (position, isPattern) in Self.channels(command: command, args) where !u.mayUse(channel: args[position], isPattern: isPattern) {
                return .channel(position: position)
            }
        }
        return nil
    }

    /// The channel arguments of a pub/sub call, and whether each is a pattern.
    static func channels(command: String, _ args: [[UInt8]]) -> [(Int, Bool)] {
        switch command {
        case "publish", "spublish": return args.count > 1 ? [(1, false)] : []
        case "subscribe", "ssubscribe": return (1..<max(1, args.count)).map { ($0, false) }
        case "psubscribe": return (1..<max(1, args.count)).map { ($0, true) }
        default: return []
        }
    }

    /// Whose wording of a denial: redis-server 7.0's ("this user has no permissions…") or
    /// 7.2's ("User alice has no permissions…", which redis-sentinel 7.2 speaks).
    public enum Wording: Sendable { case redis70, redis72 }

    /// NOPERM's text (`perm`) or ACL DRYRUN's for a denial.
    public static func describe(_ d: Denial, user: String, _ args: [[UInt8]], commandName: String, perm: Bool, wording: Wording) -> String {
        let prefix = perm ? "NOPERM " : ""
        switch (wording, d) {
        case (.redis70, .command): return prefix + (perm ? "this" : "This") + " user has no permissions to run the '\(commandName)' command"
        case (.redis70, .key(let p)): return perm ? "NOPERM this user has no permissions to access one of the keys used as arguments" : "This user has no permissions to access the '\(args[p].utf8Text)' key"
        case (.redis70, .channel(let p)): return perm ? "NOPERM this user has no permissions to access one of the channels used as arguments" : "This user has no permissions to access the '\(args[p].utf8Text)' channel"
        case (.redis72, .command): return prefix + "User \(user) has no permissions to run the '\(commandName)' command"
        case (.redis72, .key(let p)): return perm ? "NOPERM No permissions to access a key" : "User \(user) has no permissions to access the '\(args[p].utf8Text)' key"
        case (.redis72, .channel(let p)): return perm ? "NOPERM No permissions to access a channel" : "User \(user) has no permissions to access the '\(args[p].utf8Text)' channel"
        }
    }

    /// The full name of the catalog entry a call runs (`config|get`), as NOPERM and the log say it.
    public func entryName(command: String, _ args: [[UInt8]]) -> String {
        catalog.id(named: command, arguments: args).map { catalog.entries[$0].name } ?? command
    }

    /// ACL SETUSER name rule...: nil, or Redis's error text. A bad rule leaves the user as it was.
    public mutating func setUser(_ name: String, rules: [[UInt8]]) -> String? {
        var u = users[name] ?? ACLUser(name: name, catalog: catalog)
        for raw in rules {
            let rule = raw.utf8Text
            if let why = u.apply(raw, catalog: catalog) { return "ERR Error in ACL SETUSER modifier '\(rule)': \(why)" }
        }
        guard name.utf8.allSatisfy({ $0 > 32 && $0 != 127 }), !name.isEmpty else { return "ERR Usernames can't contain spaces or null characters" }
        users[name] = u
        refresh()
        return nil
    }

    /// Replaces every user at once (ACL LOAD, the aclfile at start-up); `default` is kept if the
    /// file does not define it.
    public mutating func replaceAll(_ loaded: [ACLUser]) {
        let keepDefault = users["default"]
        users = [:]
        for u in loaded { users[u.name] = u }
        if users["default"] == nil { users["default"] = keepDefault ?? ACLUser.defaultUser(catalog: catalog) }
        refresh()
    }

    /// ACL DELUSER: the names that existed and were removed; `default` cannot be.
    public mutating func deleteUsers(_ names: [String]) -> Result<[String], CommandError> {
        if names.contains("default") { return .failure(CommandError("ERR The 'default' user cannot be removed")) }
        var removed: [String] = []
        for n in names where users.removeValue(forKey: n) != nil { removed.append(n) }
        refresh()
        return .success(removed)
    }

    /// A user's ACL LIST line.
    public func describe(_ name: String) -> String? { users[name]?.aclLine }

    private mutating func refresh() {
        let d = users["default"]
        everyoneMayRun = users.count == 1 && d.map { $0.allKeys && $0.allChannels && $0.allowsEveryCommand } ?? false
    }
}
