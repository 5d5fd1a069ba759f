import Synchronization

/// A data command: strings, keys, hashes, lists, sets, sorted sets. It sees only its context.
typealias DataHandler = @Sendable (inout CommandContext, [[UInt8]]) -> Void
/// A command about the server or the connection (CONFIG, INFO, REPLICAOF, CLIENT, WAIT, MULTI…):
/// its context plus explicit handles to the server and the client.
typealias ServerHandler = @Sendable (inout CommandContext, Server, Client, [[UInt8]]) -> Void
/// The shape every handler had before contexts: the whole server, replying and marking `dirty`
/// itself. Kept for the commands not converted yet.
typealias LegacyHandler = @Sendable (Server, Client, [[UInt8]]) -> Void

enum CommandHandler: Sendable {
    case data(DataHandler)
    case server(ServerHandler)
    case legacy(LegacyHandler)
}

/// Command flags, with the names COMMAND INFO prints.
struct CommandFlags: OptionSet, Sendable {
    let rawValue: Int
    static let write = CommandFlags(rawValue: 1 << 0)
    static let readonly = CommandFlags(rawValue: 1 << 1)
    static let denyoom = CommandFlags(rawValue: 1 << 2)
    static let admin = CommandFlags(rawValue: 1 << 3)
    static let pubsub = CommandFlags(rawValue: 1 << 4)
    static let noscript = CommandFlags(rawValue: 1 << 5)
    static let loading = CommandFlags(rawValue: 1 << 6)
    /// Allowed on a replica whose master link is down with replica-serve-stale-data no.
    static let stale = CommandFlags(rawValue: 1 << 7)
    static let fast = CommandFlags(rawValue: 1 << 8)
    /// Allowed before AUTH.
    static let noAuth = CommandFlags(rawValue: 1 << 9)
    /// Not queued by MULTI: runs at once.
    static let noMulti = CommandFlags(rawValue: 1 << 10)
    static let allowBusy = CommandFlags(rawValue: 1 << 11)
    /// Redis's CMD_PROTECTED (DEBUG): runs only as enable-debug-command allows. Not among the
    /// flags COMMAND INFO prints, as redis-server 7.0 does not print it either.
    static let protected = CommandFlags(rawValue: 1 << 12)
    /// Not logged by SLOWLOG (EXEC: its commands are, one by one), Redis's skip_slowlog.
    static let skipSlowlog = CommandFlags(rawValue: 1 << 13)

    var names: [String] {
        var n: [String] = []
        if contains(.write) { n.append("write") }
        if contains(.readonly) { n.append("readonly") }
        if contains(.denyoom) { n.append("denyoom") }
        if contains(.admin) { n.append("admin") }
        if contains(.pubsub) { n.append("pubsub") }
        if contains(.noscript) { n.append("noscript") }
        if contains(.loading) { n.append("loading") }
        if contains(.stale) { n.append("stale") }
        if contains(.fast) { n.append("fast") }
        if contains(.noAuth) { n.append("no_auth") }
        if contains(.noMulti) { n.append("no_multi") }
        if contains(.allowBusy) { n.append("allow_busy") }
        if contains(.skipSlowlog) { n.append("skip_slowlog") }
        return n
    }
}

/// One command: Redis's arity convention (n = exactly n words with the name, -n = at least n),
/// key positions for COMMAND INFO, and its handler. A class, so a lookup on the hot path hands
/// out one reference instead of copying (and retaining) every field.
/// Numbers every CommandSpec made, so per-command statistics live in an array the server indexes
/// (INFO commandstats) rather than a dictionary hashed per command.
private let commandSpecCount = Atomic<Int>(0)

final class CommandSpec: Sendable {
    /// This spec's index in `Server.commandStats`.
    let id: Int
    let name: String
    let arity: Int
    let flags: CommandFlags
    let firstKey: Int
    let lastKey: Int
    let step: Int
    let group: String
    let summary: String
    let replies: ReplyRule
    let handler: CommandHandler

    init(_ name: String, _ arity: Int, _ flags: CommandFlags, keys: (Int, Int, Int) = (0, 0, 0), group: String, _ summary: String, replies: ReplyRule = .once, _ handler: CommandHandler) {
        self.id = commandSpecCount.wrappingAdd(1, ordering: .relaxed).oldValue
        self.name = name
        self.arity = arity
        self.flags = flags
        self.firstKey = keys.0
        self.lastKey = keys.1
        self.step = keys.2
        self.group = group
        self.summary = summary
        self.replies = replies
        self.handler = handler
    }

    convenience init(_ name: String, _ arity: Int, _ flags: CommandFlags, keys: (Int, Int, Int) = (0, 0, 0), group: String, _ summary: String, _ legacy: @escaping LegacyHandler) {
        self.init(name, arity, flags, keys: keys, group: group, summary, replies: .varies, .legacy(legacy))
    }

    func arityOK(_ count: Int) -> Bool { arity > 0 ? count == arity : count >= -arity }
}

/// The command table, looked up by the lowercased name (the name a command answers to, which
/// rename-command may have changed: CommandRenames.swift).
struct CommandTable: Sendable {
    /// Every command that can be called, in table order (COMMAND, COMMAND LIST, COMMAND COUNT).
    let all: [CommandSpec]
    private let index: CommandNameIndex

    init(_ specs: [CommandSpec]) {
        all = specs
        index = CommandNameIndex(specs.map { ($0.name, $0) })
    }

    init(named entries: [(name: String, spec: CommandSpec)]) {
        all = entries.map(\.spec)
        index = CommandNameIndex(entries)
    }

    /// The command of this name, in any letter case.
    @inline(__always)
    func lookup(_ name: [UInt8]) -> CommandSpec? { index.lookup(name) }

    static let standard = CommandTable(
        ServerCommands.specs + KeyCommands.specs + StringCommands.specs + HashCommands.specs
            + ListCommands.specs + SetCommands.specs + SortedSetCommands.specs + PubSubCommands.specs
            + TransactionCommands.specs + ReplicationCommands.specs + PersistenceCommands.specs
            + FencingCommands.specs + ObjectCommand.specs + SlowlogCommands.specs
            + SetAlgebraCommands.specs + CollectionScanCommands.specs + ListEditCommands.specs + SortedSetRangeCommands.specs
            + KeyCopyCommands.specs + BlockingCommands.specs + SortedSetAlgebraCommands.specs + BitmapCommands.specs
            + DumpRestoreCommands.specs + MonitorCommand.specs + HyperLogLogCommands.specs
            + MultiPopCommands.specs + RandomMemberCommands.specs + SortCommand.specs + LCSCommand.specs
            + GeoCommands.specs
    )
}
