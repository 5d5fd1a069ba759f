/// Number parsing and formatting with Redis's exact rules, shared by the servers.
public enum Numbers {
    /// Redis's string2ll: optional '-', digits, no spaces or '+', no leading zeros, no overflow.
    public static func int64(_ bytes: [UInt8]) -> Int64? { RESPLine.int64(bytes) }

    /// The same, straight from a stored value's bytes (no intermediate array).
    public static func int64(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        RESPLine.int64(bytes)
    }

    public static func int64(_ text: String) -> Int64? { RESPLine.int64(Array(text.utf8)) }

    /// Redis's string2ld/strtod rules for scores and INCRBYFLOAT: no spaces, no NaN; "inf",
    /// "+inf", "-inf" accepted (case-insensitive).
    public static func double(_ bytes: [UInt8]) -> Double? {
        guard !bytes.isEmpty, bytes.count < 512 else { return nil }
        guard let first = bytes.first, let last = bytes.last, first > 32, last > 32 else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        switch text.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: break
        }
        // Swift's Double(String) accepts what strtod does for decimal and hex forms, but not
        // leading '+' in every version; normalise that.
        var t = Substring(text)
        if t.hasPrefix("+") { t = t.dropFirst() }
        guard let d = Double(t), !d.isNaN else { return nil }
        return d
    }

    /// A double as Redis 7.2 replies it: the shortest text that round-trips, integers without a
    /// fraction, "inf"/"-inf".
    public static func format(_ d: Double) -> String { RESPWriter.formatDouble(d) }

    /// Long doubles as INCRBYFLOAT prints them (%.17Lg then trailing zeros removed); Double is
    /// what we store, so the shortest round-trip form is the faithful one.
    public static func formatIncr(_ d: Double) -> String { RESPWriter.formatDouble(d) }
}

extension Array where Element == UInt8 {
    /// The bytes as text (lossy for invalid UTF-8), for messages and config values.
    public var utf8Text: String { String(decoding: self, as: UTF8.self) }

    /// ASCII-lowercased text, for matching option words (EX, NX, WITHSCORES...).
    public var lowercasedASCII: String {
        String(decoding: map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
