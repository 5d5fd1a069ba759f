import RESP

/// One command or subcommand of the table COMMAND answers from (SentinelCommandTable).
struct CommandSpec: Sendable {
    let name: String
    let arity: Int
    let flags: [String]
    let categories: [String]
    let tips: [String]
    let summary: String
    let since: String
    let group: String
    let complexity: String?
    let docFlags: [String]
    let deprecatedSince: String?
    let replacedBy: String?
    /// nil when Redis has no history for it (DOCS then has no "history" field at all).
    let history: [(String, String)]?
    /// nil for a command without subcommands; its subcommands' `name` is the bare one.
    let subcommands: [CommandSpec]?
    /// nil when Redis declares none (DOCS then has no "arguments" field).
    let arguments: [CommandArg]?

    init(_ name: String, arity: Int, flags: [String], categories: [String], tips: [String] = [], summary: String,
         since: String, group: String, complexity: String? = nil, docFlags: [String] = [], deprecatedSince: String? = nil,
         replacedBy: String? = nil, history: [(String, String)]? = nil, subcommands: [CommandSpec]? = nil,
         arguments: [CommandArg]? = nil) {
        (self.name, self.arity, self.flags, self.categories, self.tips, self.summary) = (name, arity, flags, categories, tips, summary)
        (self.since, self.group, self.complexity, self.docFlags) = (since, group, complexity, docFlags)
        (self.deprecatedSince, self.replacedBy, self.history, self.subcommands) = (deprecatedSince, replacedBy, history, subcommands)
        self.arguments = arguments
    }
}

/// One argument of a command as COMMAND DOCS describes it (Redis's redisCommandArg). No sentinel
/// command has a key argument, so there is no key_spec_index.
struct CommandArg: Sendable {
    enum Kind: String, Sendable {
        case string, integer, double, key, pattern, unixTime = "unix-time", pureToken = "pure-token", oneof, block
    }
    let name: String
    let kind: Kind
    let display: String?
    let token: String?
    let summary: String?
    let since: String?
    let deprecatedSince: String?
    let flags: [String]
    /// The alternatives of a oneof, the parts of a block.
    let arguments: [CommandArg]?

    init(_ name: String, _ kind: Kind, display: String? = nil, token: String? = nil, summary: String? = nil, since: String? = nil,
         deprecatedSince: String? = nil, flags: [String] = [], arguments: [CommandArg]? = nil) {
        (self.name, self.kind, self.display, self.token, self.summary) = (name, kind, display, token, summary)
        (self.since, self.deprecatedSince, self.flags, self.arguments) = (since, deprecatedSince, flags, arguments)
    }

    /// Redis's addReplyCommandArgList: name, type, display_text (not for oneof and block), token,
    /// summary, since, deprecated_since, flags, then the nested arguments of a oneof or block.
    func write(_ reply: inout RESPWriter) {
        let nested = kind == .oneof || kind == .block
        var fields = 3
        for present in [token != nil, summary != nil, since != nil, deprecatedSince != nil, !flags.isEmpty] where present { fields += 1 }
        reply.mapHeader(fields)
        reply.bulk("name"); reply.bulk(name)
        reply.bulk("type"); reply.bulk(kind.rawValue)
        if !nested { reply.bulk("display_text"); reply.bulk(display ?? name) }
        if let token { reply.bulk("token"); reply.bulk(token) }
        if let summary { reply.bulk("summary"); reply.bulk(summary) }
        if let since { reply.bulk("since"); reply.bulk(since) }
        if let deprecatedSince { reply.bulk("deprecated_since"); reply.bulk(deprecatedSince) }
        if !flags.isEmpty {
            reply.bulk("flags"); reply.setHeader(flags.count)
            for f in flags { reply.simple(f) }
        }
        if nested {
            reply.bulk("arguments")
            let subs = arguments ?? []
            reply.arrayHeader(subs.count)
            for a in subs { a.write(&reply) }
        }
    }
}

/// COMMAND and its subcommands (COUNT, LIST, INFO, DOCS, GETKEYS, GETKEYSANDFLAGS, HELP) as
/// Redis 7.2's server.c answers them, over the sentinel's table. No sentinel command has key
/// arguments, so GETKEYS only ever explains why it has none.
enum CommandCommand {
    static let table = SentinelCommandTable.entries
    static let subcommandArity: [String: Int] = [
        "count": 2, "docs": -2, "getkeys": -3, "getkeysandflags": -3, "help": 2, "info": -2, "list": -2,
    ]

    /// Unknown subcommand or wrong arity, checked before authentication as Redis does; nil to run.
    static func precheck(_ a: [[UInt8]]) -> String? {
        guard a.count >= 2 else { return nil }
        let sub = a[1].lowercasedASCII
        guard let n = subcommandArity[sub] else {
            let quoted = String(decoding: a[1].prefix(128).map { $0 == 13 || $0 == 10 ? 32 : $0 }, as: UTF8.self)
            return "ERR unknown subcommand '\(quoted)'. Try COMMAND HELP."
        }
        guard n > 0 ? a.count == n : a.count >= -n else { return "ERR wrong number of arguments for 'command|\(sub)' command" }
        return nil
    }

    /// A command by its name or `container|sub` name, as Redis's lookupCommandBySds.
    static func lookup(_ fullName: String) -> (spec: CommandSpec, fullName: String)? {
        let parts = fullName.lowercased().split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let base = table.first(where: { $0.name == parts[0] }) else { return nil }
        if parts.count == 1 { return (base, base.name) }
        guard let sub = base.subcommands?.first(where: { $0.name == parts[1] }) else { return nil }
        return (sub, "\(base.name)|\(sub.name)")
    }

    /// Every command and subcommand with its full name, containers before their subcommands.
    static var allNames: [(spec: CommandSpec, fullName: String)] {
        table.flatMap { c in [(c, c.name)] + (c.subcommands ?? []).map { ($0, "\(c.name)|\($0.name)") } }
    }

    static func run(_ a: [[UInt8]], reply: inout RESPWriter) {
        guard a.count >= 2 else {
            reply.arrayHeader(table.count)
            for c in table { info(c, fullName: c.name, reply: &reply) }
            return
        }
        let args = a.dropFirst(2).map(\.utf8Text)
        switch a[1].lowercasedASCII {
        case "count":
            reply.integer(table.count)
        case "list":
            list(args, reply: &reply)
        case "info":
            if args.isEmpty {
                reply.arrayHeader(table.count)
                for c in table { info(c, fullName: c.name, reply: &reply) }
            } else {
                reply.arrayHeader(args.count)
                for name in args {
                    if let (spec, full) = lookup(name) { info(spec, fullName: full, reply: &reply) } else { reply.nullBulk() }
                }
            }
        case "docs":
            let found = args.isEmpty ? table.map { ($0, $0.name) } : args.compactMap(lookup)
            reply.mapHeader(found.count)
            for (spec, full) in found {
                reply.bulk(full)
                docs(spec, fullName: full, reply: &reply)
            }
        case "getkeys", "getkeysandflags":
            // lookupCommand over the words: a container with a subcommand word names the
            // subcommand (unknown: no command); then "no key arguments" comes before any arity check.
            let base = table.first { $0.name == args[0].lowercased() }
            if let base, let subs = base.subcommands, args.count > 1,
               !subs.contains(where: { $0.name == args[1].lowercased() }) {
                return reply.error("ERR Invalid command specified")
            }
            guard base != nil else { return reply.error("ERR Invalid command specified") }
            reply.error("ERR The command has no key arguments")
        default:
            reply.helpLines(helpLines)
        }
    }

    /// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN glob]: the last filter
    /// given applies; an unknown category or any module matches nothing.
    static func list(_ args: [String], reply: inout RESPWriter) {
        var filter: (kind: String, arg: String)?
        var i = 0
        while i < args.count {
            guard args[i].lowercased() == "filterby", args.count - 1 - i == 2 else { return reply.error("ERR syntax error") }
            let kind = args[i + 1].lowercased()
            guard ["module", "aclcat", "pattern"].contains(kind) else { return reply.error("ERR syntax error") }
            filter = (kind, args[i + 2])
            i += 3
        }
        let names = allNames.filter { entry in
            guard let filter else { return true }
            switch filter.kind {
            case "module": return false
            case "aclcat": return entry.spec.categories.contains(filter.arg.lowercased())
            default: return Glob.match(filter.arg, entry.fullName, caseInsensitive: true)
            }
        }
        reply.arrayHeader(names.count)
        for n in names { reply.bulk(n.fullName) }
    }

    /// One COMMAND INFO entry: name, arity, flags, first key, last key, step, ACL categories,
    /// tips, key specs, subcommands.
    static func info(_ c: CommandSpec, fullName: String, reply: inout RESPWriter) {
        reply.arrayHeader(10)
        reply.bulk(fullName)
        reply.integer(c.arity)
        reply.setHeader(c.flags.count)
        for f in c.flags { reply.simple(f) }
        reply.integer(0); reply.integer(0); reply.integer(0)
        reply.setHeader(c.categories.count)
        for cat in c.categories { reply.simple("@" + cat) }
        reply.setHeader(c.tips.count)
        for t in c.tips { reply.bulk(t) }
        reply.setHeader(0) // key specs: Redis answers them as a set (none here)
        guard let subs = c.subcommands else { return reply.setHeader(0) }
        reply.arrayHeader(subs.count)
        for s in subs { info(s, fullName: "\(fullName)|\(s.name)", reply: &reply) }
    }

    /// One COMMAND DOCS entry, in Redis's field order.
    static func docs(_ c: CommandSpec, fullName: String, reply: inout RESPWriter) {
        var fields = 3
        if c.complexity != nil { fields += 1 }
        if !c.docFlags.isEmpty { fields += 1 }
        if c.deprecatedSince != nil { fields += 1 }
        if c.replacedBy != nil { fields += 1 }
        if c.history != nil { fields += 1 }
        if c.arguments != nil { fields += 1 }
        if c.subcommands != nil { fields += 1 }
        reply.mapHeader(fields)
        reply.bulk("summary"); reply.bulk(c.summary)
        reply.bulk("since"); reply.bulk(c.since)
        reply.bulk("group"); reply.bulk(c.group)
        if let complexity = c.complexity { reply.bulk("complexity"); reply.bulk(complexity) }
        if !c.docFlags.isEmpty {
            reply.bulk("doc_flags"); reply.setHeader(c.docFlags.count)
            for f in c.docFlags { reply.simple(f) }
        }
        if let d = c.deprecatedSince { reply.bulk("deprecated_since"); reply.bulk(d) }
        if let r = c.replacedBy { reply.bulk("replaced_by"); reply.bulk(r) }
        if let history = c.history {
            reply.bulk("history"); reply.setHeader(history.count)
            for (since, change) in history { reply.arrayHeader(2); reply.bulk(since); reply.bulk(change) }
        }
        if let arguments = c.arguments {
            reply.bulk("arguments"); reply.arrayHeader(arguments.count)
            for a in arguments { a.write(&reply) }
        }
        if let subs = c.subcommands {
            reply.bulk("subcommands"); reply.mapHeader(subs.count)
            for s in subs {
                let full = "\(fullName)|\(s.name)"
                reply.bulk(full)
                docs(s, fullName: full, reply: &reply)
            }
        }
    }

    static let helpLines = [
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)", "    Return details about all Redis commands.",
        "COUNT", "    Return the total number of commands in this Redis server.",
        "LIST", "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]", "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all", "    commands are returned.",
        "DOCS [<command-name> ...]", "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all", "    commands are returned.",
        "GETKEYS <full-command>", "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>", "    Return the keys and the access flags from a full Redis command.",
        "HELP", "    Print this help.",
    ]
}
