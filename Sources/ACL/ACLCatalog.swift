import RESP

/// Redis 7's ACL command categories, in the order ACL CAT lists them.
public enum ACLCategory: Int, CaseIterable, Sendable {
    case keyspace, read, write, set, sortedset, list, hash, string, bitmap, hyperloglog, geo, stream,
         pubsub, admin, fast, slow, blocking, dangerous, connection, transaction, scripting

    public var name: String { String(describing: self) }
    public var bit: UInt32 { 1 << UInt32(rawValue) }
    public static func named(_ text: String) -> ACLCategory? { allCases.first { $0.name == text.lowercased() } }
}

/// Where a command's keys are, and what it does with them: Redis 7's key specs (COMMAND INFO's
/// ninth field), so a key pattern rule (`%R~`, `%W~`) is checked against the same access Redis
/// checks.
public struct KeySpec: Sendable, Equatable {
    public enum Begin: Sendable, Equatable { case index(Int), keyword(String, from: Int), unknown }
    public enum Find: Sendable, Equatable { case range(last: Int, step: Int, limit: Int), keynum(index: Int, first: Int, step: Int), unknown }
    public var begin: Begin
    public var find: Find
    /// The command reads the key's value (Redis's ACCESS flag): needs `%R~`.
    public var reads: Bool
    /// The command inserts, deletes or updates (INSERT/DELETE/UPDATE): needs `%W~`.
    public var writes: Bool
    /// SET's access depends on its GET argument (VARIABLE_FLAGS).
    public var variable: Bool

    /// The argument positions of this spec's keys in `args` (the command name at 0).
    public func positions(in args: [[UInt8]]) -> [Int] {
        let argc = args.count
        var first: Int
        switch begin {
        case .index(let i): first = i
        case .keyword(let word, let from):
            let want = word.lowercased()
            let order: [Int] = from >= 0 ? Array(stride(from: from, to: argc, by: 1)) : Array(stride(from: argc + from, through: 1, by: -1))
            guard let at = order.first(where: { $0 >= 1 && $0 < argc && args[$0].lowercasedASCII == want }) else { return [] }
            first = at + 1
        case .unknown: return []
        }
        var last: Int
        var step: Int
        switch find {
        case .range(let lastKey, let keyStep, let limit):
            step = keyStep
            if lastKey >= 0 { last = first + lastKey }
            else if limit == 0 { last = argc + lastKey }
            else { last = first + (argc - first) / limit + lastKey }
        case .keynum(let index, let firstKey, let keyStep):
            guard first + index < argc, let n = Numbers.int64(args[first + index]), n > 0, n < Int64(argc) else { return [] }
            step = keyStep
            first += firstKey
            last = first + (Int(n) - 1) * keyStep
        case .unknown: return []
        }
        guard step > 0, first < argc, first <= last else { return [] }
        return Array(stride(from: first, through: min(last, argc - 1), by: step))
    }
}

/// Every command a server answers to, each subcommand an entry of its own (`config|get`), with
/// its categories and key specs: what ACL rules are applied against.
public struct ACLCatalog: Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let categories: UInt32
        public let keySpecs: [KeySpec]
        /// For a container command (CONFIG): its subcommands' entries by name.
        public var subcommands: [String: Int] = [:]
        public var parent: Int?
    }

    public private(set) var entries: [Entry] = []
    private var byName: [String: Int] = [:]
    /// The commands the server answers to (nil: all of them): rules may name any of Redis's
    /// commands, ACL CAT lists only these.
    public private(set) var served: Set<String>?

    /// This catalog, listing only `names` (and their subcommands) in ACL CAT.
    public func serving(_ names: Set<String>) -> ACLCatalog {
        var c = self
        c.served = names
        return c
    }

    /// Lines as ACLCatalogData's: `name category... [| keyspec; ...]`.
    public init(lines: [String]) {
        for line in lines { add(line: line) }
    }

    /// miniredis's catalog: Redis's entries plus `extra` lines for its own commands.
    public static func redis(extra: [String] = []) -> ACLCatalog { ACLCatalog(lines: redisCommandLines + extra) }

    public mutating func add(line: String) {
        // A subcommand's name holds a `|` too (`config|get admin …`); the spec separator is ` | `.
        let parts = line.split(separator: " | ", omittingEmptySubsequences: false).map(String.init)
        let words = parts[0].split(separator: " ").map(String.init)
        guard let name = words.first?.lowercased(), byName[name] == nil else { return }
        var mask: UInt32 = 0
        for w in words.dropFirst() { if let c = ACLCategory.named(w) { mask |= c.bit } }
        let specs = parts.count > 1 ? parts[1].split(separator: "; ").map(String.init).compactMap(Self.parseSpec) : []
        var entry = Entry(name: name, categories: mask, keySpecs: specs)
        let id = entries.count
        if let bar = name.firstIndex(of: "|"), let parent = byName[String(name[..<bar])] {
            entry.parent = parent
            entries[parent].subcommands[String(name[name.index(after: bar)...])] = id
        }
        entries.append(entry)
        byName[name] = id
    }

    private static func parseSpec(_ text: String) -> KeySpec? {
        let w = text.split(separator: " ").map(String.init)
        var i = 0
        func int() -> Int { defer { i += 1 }; return i < w.count ? Int(w[i]) ?? 0 : 0 }
        func word() -> String { defer { i += 1 }; return i < w.count ? w[i] : "" }
        let begin: KeySpec.Begin
        switch word() {
        case "index": begin = .index(int())
        case "keyword": let k = word(); begin = .keyword(k, from: int())
        default: begin = .unknown
        }
        let find: KeySpec.Find
        switch word() {
        case "range": find = .range(last: int(), step: int(), limit: int())
        case "keynum": find = .keynum(index: int(), first: int(), step: int())
        default: find = .unknown
        }
        let flags = Set(word().split(separator: ",").map { $0.lowercased() })
        return KeySpec(begin: begin, find: find, reads: flags.contains("access"),
                       writes: !flags.isDisjoint(with: ["insert", "delete", "update"]), variable: flags.contains("variable_flags"))
    }

    public var count: Int { entries.count }
    public func id(_ name: String) -> Int? { byName[name.lowercased()] }

    /// The entry a call runs: the subcommand's when the command has one by that name, else the
    /// command's own.
    public func id(command: [UInt8], arguments args: [[UInt8]]) -> Int? {
        id(named: command.lowercasedASCII, arguments: args)
    }

    /// As `id(command:arguments:)` for a name already in lower case (a command table's own).
    public func id(named name: String, arguments args: [[UInt8]]) -> Int? {
        guard let top = byName[name] else { return nil }
        if !entries[top].subcommands.isEmpty, args.count >= 2, let sub = entries[top].subcommands[args[1].lowercasedASCII] { return sub }
        return top
    }

    /// The keys of a call and how each is used: (position, reads, writes).
    public func keys(of id: Int, _ args: [[UInt8]]) -> [(position: Int, reads: Bool, writes: Bool)] {
        var out: [(Int, Bool, Bool)] = []
        for spec in entries[id].keySpecs {
            var reads = spec.reads
            if spec.variable && entries[id].name == "set" { reads = args.dropFirst(3).contains { $0.lowercasedASCII == "get" } }
            for p in spec.positions(in: args) { out.append((p, reads, spec.writes)) }
        }
        // SORT's STORE destination has no key spec Redis can describe (its getkeys proc finds it).
        if entries[id].name == "sort", let at = args.indices.dropFirst(2).last(where: { args[$0].lowercasedASCII == "store" }), at + 1 < args.count {
            out.append((at + 1, false, true))
        }
        return out
    }

    /// The names in a category, for ACL CAT <category>.
    public func names(in category: ACLCategory) -> [String] {
        entries.filter { e in
            e.categories & category.bit != 0 && served.map { $0.contains(e.parent.map { entries[$0].name } ?? e.name) } ?? true
        }.map(\.name)
    }
}
