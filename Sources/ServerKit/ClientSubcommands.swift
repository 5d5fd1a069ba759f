import RESP

/// The CLIENT subcommands both servers have, written once: their arity, the ones that touch
/// only the caller's session (SETNAME, GETNAME, SETINFO, NO-EVICT, NO-TOUCH), the parsing of
/// KILL's and LIST's filters, and HELP. The servers loop over their own client tables.
public enum ClientSubcommands {
    /// Redis's arity of each subcommand (n: exactly n words with CLIENT, -n: at least n). An
    /// unknown one is an unknown subcommand, not an arity error.
    public static let arity: [String: Int] = [
        "id": 2, "getname": 2, "setname": 3, "setinfo": 4, "info": 2, "list": -2, "kill": -3, "help": 2,
        "no-evict": 3, "no-touch": 3, "pause": -3, "unpause": 2, "reply": 3,
    ]

    /// The arity error for `CLIENT <sub> ...` with `count` words in all, or nil.
    public static func arityError(_ sub: String, count: Int) -> String? {
        guard let n = arity[sub] else { return nil }
        let ok = n > 0 ? count == n : count >= -n
        return ok ? nil : "ERR wrong number of arguments for 'client|\(sub)' command"
    }

    public static func unknown(_ sub: [UInt8]) -> String {
        "ERR unknown subcommand '\(String(decoding: sub.prefix(128), as: UTF8.self))'. Try CLIENT HELP."
    }

    /// The subcommands `runSessionOnly` answers: each writes exactly one reply.
    public static let sessionOnly: Set<String> = ["setname", "getname", "setinfo", "no-evict", "no-touch", "help"]

    /// The subcommands that need nothing but the caller's session. Returns false when `sub` is
    /// not one of them (`sessionOnly`). Arity is the caller's to check first.
    public static func runSessionOnly(_ sub: String, _ a: [[UInt8]], session: inout ClientSession, reply: inout RESPWriter) -> Bool {
        switch sub {
        case "setname":
            guard ClientNames.isValid(a[2]) else { reply.error(ClientNames.invalidError); return true }
            session.name = a[2]
            reply.ok()
        case "getname":
            session.name.isEmpty ? reply.nullBulk() : reply.bulk(session.name)
        case "setinfo":
            // The option is checked before the value, and the error quotes it as sent (Redis).
            let attr = a[2].lowercasedASCII
            guard attr == "lib-name" || attr == "lib-ver" else {
                reply.error("ERR Unrecognized option '\(a[2].utf8Text)'")
                return true
            }
            guard ClientNames.isValid(a[3]) else {
                reply.error("ERR \(a[2].utf8Text) cannot contain spaces, newlines or special characters.")
                return true
            }
            if attr == "lib-name" { session.libName = a[3] } else { session.libVersion = a[3] }
            reply.ok()
        case "no-evict", "no-touch":
            let on: Bool
            switch a[2].lowercasedASCII {
            case "on": on = true
            case "off": on = false
            default: reply.error("ERR syntax error"); return true
            }
            if sub == "no-evict" { session.noEvict = on } else { session.noTouch = on }
            reply.ok()
        case "help":
            reply.helpLines(helpLines)
        default:
            return false
        }
        return true
    }

    public static let helpLines = [
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
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
        "HELP", "    Print this help.",
    ]
}

/// What CLIENT KILL and CLIENT LIST filter on, for one client.
public struct ClientFacts: Sendable {
    public var id: Int64
    /// "ip:port" of the peer, and of our end.
    public var address: String
    public var localAddress: String
    public var type: ClientType
    /// The ACL user the connection is authenticated as (only `default` exists so far).
    public var user: String

    public init(id: Int64, address: String, localAddress: String, type: ClientType, user: String = "default") {
        self.id = id
        self.address = address
        self.localAddress = localAddress
        self.type = type
        self.user = user
    }
}

/// Redis's client types, as CLIENT KILL TYPE / CLIENT LIST TYPE name them.
public enum ClientType: String, Sendable {
    case normal, master, replica, pubsub

    /// "slave" is the old name of "replica"; anything else is Redis's error.
    public static func parse(_ raw: [UInt8]) -> Result<ClientType, CommandError> {
        let t = raw.lowercasedASCII
        if t == "slave" { return .success(.replica) }
        guard let type = ClientType(rawValue: t) else { return .failure(CommandError("ERR Unknown client type '\(raw.utf8Text)'")) }
        return .success(type)
    }
}

/// CLIENT KILL ip:port (the old form: +OK, or "No such client") or CLIENT KILL <filter>
/// <value> ... (the new form: the count killed, the caller skipped unless SKIPME no), with
/// Redis 7.2's filters ID, TYPE, ADDR, LADDR, USER, SKIPME. MAXAGE is Redis 7.4's and, as in
/// 7.2, a syntax error.
public enum ClientKill: Equatable, Sendable {
    case address(String)
    case filters(Filter)

    public struct Filter: Equatable, Sendable {
        public var type: ClientType?
        public var id: Int64?
        public var address: String?
        public var localAddress: String?
        public var user: String?
        public var skipMe = true

        public func matches(_ c: ClientFacts, isCaller: Bool) -> Bool {
            if isCaller && skipMe { return false }
            if let type, c.type != type { return false }
            if let id, c.id != id { return false }
            if let address, c.address != address { return false }
            if let localAddress, c.localAddress != localAddress { return false }
            if let user, c.user != user { return false }
            return true
        }
    }

    /// Options are read in order, each with its value, and the first bad one answers (Redis
    /// reads `ID x TYPE` as a bad id before it sees the missing value). `userExists` says whether
    /// an ACL user has that (case-sensitive) name.
    public static func parse(_ a: [[UInt8]], userExists: (String) -> Bool = { $0 == "default" }) -> Result<ClientKill, CommandError> {
        if a.count == 3 { return .success(.address(a[2].utf8Text)) }
        var f = Filter()
        var i = 2
        while i < a.count {
            guard i + 1 < a.count else { return .failure(CommandError("ERR syntax error")) }
            let v = a[i + 1]
            switch a[i].lowercasedASCII {
            case "type":
                switch ClientType.parse(v) {
                case .success(let t): f.type = t
                case .failure(let e): return .failure(e)
                }
            case "id":
                guard let n = Numbers.int64(v), n > 0 else { return .failure(CommandError("ERR client-id should be greater than 0")) }
                f.id = n
            case "addr": f.address = v.utf8Text
            case "laddr": f.localAddress = v.utf8Text
            case "user":
                guard userExists(v.utf8Text) else { return .failure(CommandError("ERR No such user '\(v.utf8Text)'")) }
                f.user = v.utf8Text
            case "skipme":
                switch v.lowercasedASCII {
                case "yes": f.skipMe = true
                case "no": f.skipMe = false
                default: return .failure(CommandError("ERR syntax error"))
                }
            default: return .failure(CommandError("ERR syntax error"))
            }
            i += 2
        }
        return .success(.filters(f))
    }
}

/// CLIENT LIST [TYPE type] [ID id ...].
public struct ClientListFilter: Equatable, Sendable {
    public var type: ClientType?
    public var ids: Set<Int64>?

    public func matches(_ c: ClientFacts) -> Bool {
        if let type, c.type != type { return false }
        if let ids, !ids.contains(c.id) { return false }
        return true
    }

    public static func parse(_ a: [[UInt8]]) -> Result<ClientListFilter, CommandError> {
        var f = ClientListFilter()
        var i = 2
        while i < a.count {
            switch a[i].lowercasedASCII {
            case "type" where i + 1 < a.count:
                switch ClientType.parse(a[i + 1]) {
                case .success(let t): f.type = t
                case .failure(let e): return .failure(e)
                }
                i += 2
            case "id" where i + 1 < a.count:
                var set = Set<Int64>()
                for raw in a[(i + 1)...] {
                    guard let n = Numbers.int64(raw), n > 0 else { return .failure(CommandError("ERR Invalid client ID")) }
                    set.insert(n)
                }
                f.ids = set
                i = a.count
            default:
                return .failure(CommandError("ERR syntax error"))
            }
        }
        return .success(f)
    }
}
