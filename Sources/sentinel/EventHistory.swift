/// The last events the machine published (+sdown, +odown, +switch-master, ...), numbered, for
/// the web view's timeline: /api/state sends them so a page opened late still shows what
/// happened, and the event stream sends each one as it comes.
final class EventHistory {
    struct Entry {
        var seq: UInt64
        var wallMs: Int64
        var channel: String
        var message: String
        /// `{"seq":..,"time":..,"channel":..,"message":..}`, made once for every stream.
        var json: String
    }

    static let capacity = 200
    private(set) var entries: [Entry] = []
    private var nextSeq: UInt64 = 1
    /// Stream ids are `<incarnation>-<seq>`: seq restarts with the process, and an id from an
    /// earlier run must not make a reconnecting client skip this run's events.
    let incarnation: Int64

    init(incarnation: Int64) { self.incarnation = incarnation }

    func streamID(_ e: Entry) -> String { "\(incarnation)-\(e.seq)" }

    /// What a stream reconnecting with `Last-Event-ID: lastID` missed, from the history kept:
    /// everything after that event if it is one of this run's, else all of it.
    func missed(after lastID: String) -> [Entry] {
        let parts = lastID.split(separator: "-")
        guard parts.count == 2, Int64(parts[0]) == incarnation, let seq = UInt64(parts[1]) else { return entries }
        return entries.filter { $0.seq > seq }
    }

    @discardableResult
    func append(channel: String, message: String, wallMs: Int64) -> Entry {
        let e = Entry(seq: nextSeq, wallMs: wallMs, channel: channel, message: message,
                      json: "{\"seq\":\(nextSeq),\"time\":\(wallMs),\"channel\":\(JSON.string(channel)),\"message\":\(JSON.string(message))}")
        nextSeq += 1
        entries.append(e)
        if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
        return e
    }
}

/// The little JSON the endpoint writes: strings escaped per RFC 8259.
enum JSON {
    static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            // `<` escaped too, so a value can never close a script element it is embedded in.
            case "<": out += "\\u003c"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// An object from already-encoded values, keys in the given order.
    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(string($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
}
