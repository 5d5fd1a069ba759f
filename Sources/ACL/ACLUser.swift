import RESP

/// One ACL user: whether it is on, its passwords (kept as SHA-256 hex, as Redis keeps them), the
/// commands it may run (a bit per catalog entry), the keys and channels it may touch, and the
/// command rules as given, which ACL LIST and GETUSER show (in order, as Redis 7.2 keeps them;
/// 7.0 recomputed a minimal form instead). Selectors are not supported and are refused.
public struct ACLUser: Sendable, Equatable {
    public struct KeyPattern: Sendable, Equatable {
        public var pattern: [UInt8]
        public var read: Bool
        public var write: Bool
        var text: String {
            let p = String(decoding: pattern, as: UTF8.self)
            return read && write ? "~\(p)" : read ? "%R~\(p)" : "%W~\(p)"
        }
    }

    public let name: String
    public var enabled = false
    public var nopass = false
    /// Redis's sanitize-payload/skip-sanitize-payload flags, kept and shown (RESTORE here always
    /// checks its payload whole, so both mean the same).
    public var payloadFlag: String?
    public private(set) var passwordHashes: [String] = []
    public private(set) var allKeys = false
    public private(set) var keyPatterns: [KeyPattern] = []
    public private(set) var allChannels = false
    public private(set) var channelPatterns: [[UInt8]] = []
    /// A bit per catalog entry, plus one past the end: "commands added later" (+@all).
    private var allowed: [UInt64]
    /// First arguments allowed of a command without subcommands (`+select|0`), by entry.
    private var firstArgs: [Int: Set<[UInt8]>] = [:]
    private var commandRules: [String] = []

    public init(name: String, catalog: ACLCatalog) {
        self.name = name
        allowed = [UInt64](repeating: 0, count: (catalog.count + 1 + 63) / 64)
    }

    /// The user redis-server starts with: on, nopass, everything.
    public static func defaultUser(catalog: ACLCatalog) -> ACLUser {
        var u = ACLUser(name: "default", catalog: catalog)
        for rule in ["on", "nopass", "~*", "&*", "+@all"] { _ = u.apply(Array(rule.utf8), catalog: catalog) }
        return u
    }

    // MARK: rules

    /// Applies one rule (ACL SETUSER's modifier); nil, or the reason Redis gives for refusing it.
    public mutating func apply(_ raw: [UInt8], catalog: ACLCatalog) -> String? {
        let rule = String(decoding: raw, as: UTF8.self)
        let lower = rule.lowercased()
        switch lower {
        case "on": enabled = true
        case "off": enabled = false
        case "nopass": nopass = true; passwordHashes = []
        case "resetpass": nopass = false; passwordHashes = []
        case "skip-sanitize-payload", "sanitize-payload": payloadFlag = lower
        case "allkeys", "~*": allKeys = true; keyPatterns = []
        case "resetkeys": allKeys = false; keyPatterns = []
        case "allchannels", "&*": allChannels = true; channelPatterns = []
        case "resetchannels": allChannels = false; channelPatterns = []
        case "allcommands", "+@all": setAll(true)
        case "nocommands", "-@all": setAll(false)
        case "reset":
            for r in ["resetpass", "resetkeys", "resetchannels", "off", "-@all"] { _ = apply(Array(r.utf8), catalog: catalog) }
            // Redis's reset includes sanitize-payload, and ACL LIST shows it from then on.
            payloadFlag = "sanitize-payload"
        case "clearselectors": break
        default:
            guard let first = raw.first else { return "Syntax error" }
            switch first {
            case UInt8(ascii: ">"):
                addPassword(hash: SHA256.hex(Array(raw.dropFirst())))
            case UInt8(ascii: "<"):
                return removePassword(hash: SHA256.hex(Array(raw.dropFirst())))
            case UInt8(ascii: "#"), UInt8(ascii: "!"):
                let hash = String(decoding: raw.dropFirst(), as: UTF8.self)
                guard hash.utf8.count == 64, hash.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
                    return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"
                }
                if first == UInt8(ascii: "#") { addPassword(hash: hash) } else { return removePassword(hash: hash) }
            case UInt8(ascii: "~"), UInt8(ascii: "%"):
                return addKeyPattern(raw)
            case UInt8(ascii: "&"):
                guard !allChannels else { return Self.afterStar("allchannels", "channels") }
                let pattern = Array(raw.dropFirst())
                if !channelPatterns.contains(pattern) { channelPatterns.append(pattern) }
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                return applyCommandRule(String(lower.dropFirst()), allow: first == UInt8(ascii: "+"), catalog: catalog)
            case UInt8(ascii: "("):
                return "Selectors are not supported by this server"
            default:
                return "Syntax error"
            }
        }
        return nil
    }

    private mutating func addPassword(hash: String) {
        if !passwordHashes.contains(hash) { passwordHashes.append(hash) }
        nopass = false
    }

    private mutating func removePassword(hash: String) -> String? {
        guard passwordHashes.contains(hash) else { return "The password you are trying to remove from the user does not exist" }
        passwordHashes.removeAll { $0 == hash }
        return nil
    }
    static func afterStar(_ flag: String, _ what: String) -> String {
        "Adding a pattern after the * pattern (or the '\(flag)' flag) is not valid and does not have any effect. Try 'reset\(what)' to start with an empty list of \(what == "keys" ? "patterns" : "channels")"
    }

    private mutating func addKeyPattern(_ raw: [UInt8]) -> String? {
        var read = true, write = true
        var rest = raw.dropFirst()
        if raw.first == UInt8(ascii: "%") {
            guard let tilde = rest.firstIndex(of: UInt8(ascii: "~")) else { return "Syntax error" }
            let flags = rest[rest.startIndex..<tilde]
            guard !flags.isEmpty else { return "Syntax error" }
            read = false; write = false
            for f in flags {
                switch f | 0x20 {
                case UInt8(ascii: "r"): read = true
                case UInt8(ascii: "w"): write = true
                default: return "Syntax error"
                }
            }
            rest = rest[(tilde + 1)...]
        }
        guard !allKeys else { return Self.afterStar("allkeys", "keys") }
        let pattern = Array(rest)
        if pattern == [UInt8(ascii: "*")] && read && write { allKeys = true; keyPatterns = []; return nil }
        if let i = keyPatterns.firstIndex(where: { $0.pattern == pattern }) {
            keyPatterns[i].read = keyPatterns[i].read || read
            keyPatterns[i].write = keyPatterns[i].write || write
        } else {
            keyPatterns.append(KeyPattern(pattern: pattern, read: read, write: write))
        }
        return nil
    }

    private mutating func setAll(_ allow: Bool) {
        for i in allowed.indices { allowed[i] = allow ? ~0 : 0 }
        firstArgs = [:]
        commandRules = []
    }

    private mutating func set(_ id: Int, _ allow: Bool) {
        if allow { allowed[id >> 6] |= 1 << UInt64(id & 63) } else { allowed[id >> 6] &= ~(1 << UInt64(id & 63)) }
    }

    private func bit(_ id: Int) -> Bool { allowed[id >> 6] & (1 << UInt64(id & 63)) != 0 }

    private mutating func applyCommandRule(_ target: String, allow: Bool, catalog: ACLCatalog) -> String? {
        let sign = allow ? "+" : "-"
        if target.hasPrefix("@") {
            guard let category = ACLCategory.named(String(target.dropFirst())) else { return Self.unknownName }
            for (id, e) in catalog.entries.enumerated() where e.categories & category.bit != 0 {
                set(id, allow)
                if !allow { firstArgs[id] = nil }
            }
            // The "future commands" bit is +@all's alone and stays, as in Redis.
            commandRules.removeAll { $0.dropFirst() == target }
            commandRules.append(sign + target)
            return nil
        }
        let parts = target.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let top = catalog.id(parts[0]), catalog.entries[top].parent == nil else {
            return parts.count > 2 ? "Allowing first-arg of a subcommand is not supported" : Self.unknownName
        }
        if parts.count == 1 {
            set(top, allow)
            for sub in catalog.entries[top].subcommands.values { set(sub, allow) }
            firstArgs[top] = nil
            commandRules.removeAll { r in let t = r.dropFirst(); return t == target || t.hasPrefix(target + "|") }
        } else if let sub = catalog.entries[top].subcommands[parts[1]] {
            set(sub, allow)
            commandRules.removeAll { $0.dropFirst() == target }
        } else if catalog.entries[top].subcommands.isEmpty && !parts[1].isEmpty {
            // A first argument (`+select|0`): allowed only as an addition, as in Redis.
            guard allow else { return Self.unknownName }
            if !bit(top) { firstArgs[top, default: []].insert(Array(parts[1].utf8)) }
            commandRules.removeAll { $0.dropFirst() == target }
        } else {
            return Self.unknownName
        }
        commandRules.append(sign + target)
        return nil
    }

    static let unknownName = "Unknown command or category name in ACL"

    // MARK: checks

    public func acceptsPassword(_ password: [UInt8]) -> Bool {
        enabled && (nopass || passwordHashes.contains(SHA256.hex(password)))
    }

    /// Whether the user may run catalog entry `id` with these arguments (first-arg rules).
    public func mayRun(_ id: Int, _ args: [[UInt8]]) -> Bool {
        if bit(id) { return true }
        if let allowedArgs = firstArgs[id], args.count >= 2 { return allowedArgs.contains(args[1].lowercasedASCII.utf8.map { $0 }) }
        return false
    }

    /// Whether the user may use `key` for reading and/or writing.
    public func mayAccess(key: [UInt8], reads: Bool, writes: Bool) -> Bool {
        if allKeys { return true }
        // One pattern must carry every access the key needs, as Redis checks (`%R~k*` and
        // `%W~k` together do not let INCR k run; `~k` does, and so do `%R~k` `%W~k`, which
        // merge into `~k`).
        return keyPatterns.contains { p in (p.read || !reads) && (p.write || !writes) && Glob.match(p.pattern, key) }
    }

    /// A channel (PUBLISH, SUBSCRIBE), or a pattern given to PSUBSCRIBE (which must be one of the
    /// user's patterns literally, as Redis requires).
    public func mayUse(channel: [UInt8], isPattern: Bool) -> Bool {
        if allChannels { return true }
        return isPattern ? channelPatterns.contains(channel) : channelPatterns.contains { Glob.match($0, channel) }
    }

    // MARK: descriptions

    public var flags: [String] {
        var f = [enabled ? "on" : "off"]
        if nopass { f.append("nopass") }
        if let payloadFlag { f.append(payloadFlag) }
        return f
    }

    /// +@all (allcommands) was the last reset of the command rules: commands the catalog does not
    /// know are allowed too. (The last bit is past every catalog entry: only +@all sets it.)
    public var allowsUnlistedCommands: Bool { bit(allowed.count * 64 - 1) }

    /// Every command, with no rule since +@all taking any away.
    public var allowsEveryCommand: Bool { allowsUnlistedCommands && commandRules.isEmpty }

    /// The command rules as ACL GETUSER shows them: `+@all`/`-@all`, then the rules in order.
    public var commandDescription: String {
        ([allowsUnlistedCommands ? "+@all" : "-@all"] + commandRules).joined(separator: " ")
    }

    public var keysDescription: String { allKeys ? "~*" : keyPatterns.map(\.text).joined(separator: " ") }
    public var channelsDescription: String {
        allChannels ? "&*" : channelPatterns.map { "&" + String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
    }

    /// ACL LIST's line (and the aclfile's).
    public var aclLine: String {
        var parts = ["user", name] + flags + passwordHashes.map { "#" + $0 }
        if !keysDescription.isEmpty { parts.append(keysDescription) }
        if !allChannels { parts.append("resetchannels") }
        if !channelsDescription.isEmpty { parts.append(channelsDescription) }
        parts.append(commandDescription)
        return parts.joined(separator: " ")
    }
}
