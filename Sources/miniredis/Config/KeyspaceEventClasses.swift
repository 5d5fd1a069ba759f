/// notify-keyspace-events: which keyspace notifications are published, as Redis defines the
/// classes (one letter each). A command records its events through its context
/// (CommandContext.notify); the server publishes them after it ran, on
/// `__keyspace@<db>__:<key>` (message: the event) and `__keyevent@<db>__:<event>` (message: the
/// key).
struct KeyspaceEvents: OptionSet, Sendable {
    let rawValue: Int
    static let keyspace = KeyspaceEvents(rawValue: 1 << 0)   // K
    static let keyevent = KeyspaceEvents(rawValue: 1 << 1)   // E
    static let generic = KeyspaceEvents(rawValue: 1 << 2)    // g
    static let string = KeyspaceEvents(rawValue: 1 << 3)     // $
    static let list = KeyspaceEvents(rawValue: 1 << 4)       // l
    static let set = KeyspaceEvents(rawValue: 1 << 5)        // s
    static let hash = KeyspaceEvents(rawValue: 1 << 6)       // h
    static let zset = KeyspaceEvents(rawValue: 1 << 7)       // z
    static let expired = KeyspaceEvents(rawValue: 1 << 8)    // x
    static let evicted = KeyspaceEvents(rawValue: 1 << 9)    // e
    static let stream = KeyspaceEvents(rawValue: 1 << 10)    // t
    static let keyMiss = KeyspaceEvents(rawValue: 1 << 11)   // m
    static let module = KeyspaceEvents(rawValue: 1 << 12)    // d
    static let new = KeyspaceEvents(rawValue: 1 << 13)       // n
    /// A: every class but key misses and new keys.
    static let all: KeyspaceEvents = [.generic, .string, .list, .set, .hash, .zset, .expired, .evicted, .stream, .module]

    static let invalidClass = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."

    /// The flags of a setting such as "KEA" or "Ex"; nil for a character that is no class.
    init?(setting: String) {
        var flags: KeyspaceEvents = []
        for ch in setting {
            switch ch {
            case "A": flags.formUnion(.all)
            case "g": flags.insert(.generic)
            case "$": flags.insert(.string)
            case "l": flags.insert(.list)
            case "s": flags.insert(.set)
            case "h": flags.insert(.hash)
            case "z": flags.insert(.zset)
            case "x": flags.insert(.expired)
            case "e": flags.insert(.evicted)
            case "K": flags.insert(.keyspace)
            case "E": flags.insert(.keyevent)
            case "t": flags.insert(.stream)
            case "m": flags.insert(.keyMiss)
            case "d": flags.insert(.module)
            case "n": flags.insert(.new)
            default: return nil
            }
        }
        self = flags
    }

    init(rawValue: Int) { self.rawValue = rawValue }

    /// The setting as CONFIG GET prints it: Redis's canonical order, "A" for all classes.
    var setting: String {
        var s = ""
        if isSuperset(of: .all) {
            s = "A"
        } else {
            let letters: [(KeyspaceEvents, Character)] = [(.generic, "g"), (.string, "$"), (.list, "l"), (.set, "s"), (.hash, "h"),
                                                          (.zset, "z"), (.expired, "x"), (.evicted, "e"), (.stream, "t"), (.module, "d"), (.new, "n")]
            for (flag, letter) in letters where contains(flag) { s.append(letter) }
        }
        if contains(.keyspace) { s.append("K") }
        if contains(.keyevent) { s.append("E") }
        if contains(.keyMiss) { s.append("m") }
        return s
    }

    /// The classes that publish anything: none unless K or E says where.
    var active: KeyspaceEvents { isDisjoint(with: [.keyspace, .keyevent]) ? [] : self }
}
