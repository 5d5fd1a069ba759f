import RESP

/// OBJECT ENCODING / FREQ / IDLETIME / REFCOUNT / HELP. None of them counts as an access to the
/// key (Redis looks it up with LOOKUP_NOTOUCH), so asking does not change the answer.
enum ObjectCommand {
    static let specs: [CommandSpec] = [
        CommandSpec("object", -2, [.readonly], keys: (2, 2, 1), group: "generic", "A container for object introspection commands.", .server(object)),
    ]

    static let lfuNotSelected = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."
    static let lfuSelected = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."

    static func object(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let sub = a[1].lowercasedASCII
        if sub == "help" && a.count == 2 {
            return ctx.reply.helpLines([
                "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "ENCODING <key>",
                "    Return the kind of internal representation used in order to store the value",
                "    associated with a <key>.",
                "FREQ <key>",
                "    Return the access frequency index of the <key>. The returned integer is",
                "    proportional to the logarithm of the recent access frequency of the key.",
                "IDLETIME <key>",
                "    Return the idle time of the <key>, that is the approximated number of",
                "    seconds elapsed since the last access to the key.",
                "REFCOUNT <key>",
                "    Return the number of references of the value associated with the specified",
                "    <key>.",
                "HELP",
                "    Print this help.",
            ])
        }
        guard ["encoding", "freq", "idletime", "refcount", "help"].contains(sub) else {
            return ctx.reply.error(Errors.unknownSubcommand(a[1], "object"))
        }
        guard a.count == 3 else { return ctx.reply.error(Errors.arity("object|\(sub)")) }
        let key = Key(a[2])
        let db = ctx.db
        guard !ctx.expireIfNeeded(key), let value = db.dict[key], let aux = db.dict.aux(key) else {
            return ctx.reply.nullBulk()
        }
        let lfu = s.config.maxmemoryPolicy.accessMode == .lfu
        switch sub {
        case "encoding":
            ctx.reply.bulk(encoding(value, s.config))
        case "freq":
            guard lfu else { return ctx.reply.error(lfuNotSelected) }
            ctx.reply.integer(Int(db.access.counter(aux)))
        case "idletime":
            guard !lfu else { return ctx.reply.error(lfuSelected) }
            ctx.reply.integer(db.access.idleMs(aux) / 1000)
        default:
            ctx.reply.integer(refcount(value, s.config))
        }
    }

    /// Redis shares the integers 0...9999 between keys (refcount INT_MAX) unless an LRU/LFU
    /// policy with a limit needs each key to have its own clock.
    static func refcount(_ value: Value, _ config: ServerConfig) -> Int {
        guard case .string(let str) = value, str.count <= 4, let n = Numbers.int64(str.bytes), n >= 0, n < 10_000,
              String(n) == str.bytes.utf8Text else { return 1 }
        let ownClocks = config.maxmemory > 0 && !config.maxmemoryPolicy.isRandom && config.maxmemoryPolicy != .noeviction
            && config.maxmemoryPolicy != .volatileTTL
        return ownClocks ? 1 : Int(Int32.max)
    }

    /// The encoding Redis 7.2 would use for this value, by its thresholds (the *-max-listpack-*
    /// and set-max-intset-entries settings). miniredis has one representation per type, so this
    /// is what the value's size and content would give in Redis; Redis never converts back to
    /// the compact form when a value shrinks, and a value grown past a threshold and shrunk
    /// again is reported compact here (docs/configuration.md).
    static func encoding(_ value: Value, _ config: ServerConfig) -> String {
        func limit(_ name: String, _ fallback: Int) -> Int { Int(config.ignored[name] ?? "") ?? fallback }
        switch value {
        case .string(let str):
            if str.count <= 20, let n = Numbers.int64(str.bytes), String(n) == str.bytes.utf8Text { return "int" }
            return str.count <= 44 ? "embstr" : "raw"
        case .list(let list):
            // list-max-listpack-size: negative is a byte budget (-1: 4 KB ... -5: 64 KB), positive
            // an entry count.
            let size = limit("list-max-listpack-size", -2)
            if size > 0 { return list.count <= size ? "listpack" : "quicklist" }
            let budget = 4096 << min(4, max(0, -size - 1))
            var bytes = 0
            for i in 0..<list.count {
                bytes += list[i].count + 11
                if bytes > budget { return "quicklist" }
            }
            return "listpack"
        case .hash(let h):
            let entries = limit("hash-max-listpack-entries", 128), width = limit("hash-max-listpack-value", 64)
            if h.count > entries { return "hashtable" }
            var fits = true
            h.forEach { k, v in if k.count > width || v.count > width { fits = false } }
            return fits ? "listpack" : "hashtable"
        case .set(let set):
            var allIntegers = true, narrow = true
            let width = limit("set-max-listpack-value", 64)
            set.forEach { k, _ in
                if allIntegers && !(k.count <= 20 && Numbers.int64(k.bytes).map { String($0) == k.bytes.utf8Text } == true) { allIntegers = false }
                if k.count > width { narrow = false }
            }
            if allIntegers && set.count <= limit("set-max-intset-entries", 512) { return "intset" }
            return narrow && set.count <= limit("set-max-listpack-entries", 128) ? "listpack" : "hashtable"
        case .zset(let z):
            let entries = limit("zset-max-listpack-entries", 128), width = limit("zset-max-listpack-value", 64)
            return z.count <= entries && z.ordered.allSatisfy({ $0.member.count <= width }) ? "listpack" : "skiplist"
        }
    }
}
