/// One RESP2 or RESP3 value as it travels on the wire.
///
/// Strings are bytes, never `String`: keys and values are binary-safe in Redis, and a reply must
/// round-trip byte for byte. Helpers below give text views for the places (INFO parsing, logs)
/// where text is what is meant.
public enum RESPValue: Sendable, Hashable {
    case simpleString([UInt8])
    case error([UInt8])
    case integer(Int64)
    /// `$-1` in RESP2, `_` in RESP3 maps to `.null`.
    case bulkString([UInt8])
    case array([RESPValue])
    /// RESP2 null bulk string or null array, RESP3 `_`.
    case null
    /// A null written as RESP2's null array `*-1` (RESP3 `_`), for replies where Redis writes
    /// that form (SENTINEL GET-MASTER-ADDR-BY-NAME for an unknown master). Parsing yields `.null`.
    case nullArray
    case double(Double)
    case boolean(Bool)
    case bigNumber([UInt8])
    case verbatim(format: [UInt8], text: [UInt8])
    case map([(RESPValue, RESPValue)])
    case set([RESPValue])
    case push([RESPValue])

    public static func == (lhs: RESPValue, rhs: RESPValue) -> Bool {
        switch (lhs, rhs) {
        case let (.simpleString(a), .simpleString(b)): return a == b
        case let (.error(a), .error(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.bulkString(a), .bulkString(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case (.null, .null): return true
        case (.nullArray, .nullArray): return true
        case let (.double(a), .double(b)): return a == b || (a.isNaN && b.isNaN)
        case let (.boolean(a), .boolean(b)): return a == b
        case let (.bigNumber(a), .bigNumber(b)): return a == b
        case let (.verbatim(f1, t1), .verbatim(f2, t2)): return f1 == f2 && t1 == t2
        case let (.map(a), .map(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.set(a), .set(b)): return a == b
        case let (.push(a), .push(b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .simpleString(let b), .error(let b), .bulkString(let b), .bigNumber(let b):
            hasher.combine(b)
        case .integer(let i): hasher.combine(i)
        case .array(let a), .set(let a), .push(let a): hasher.combine(a)
        case .null: hasher.combine(0)
        case .nullArray: hasher.combine(1)
        case .double(let d): hasher.combine(d)
        case .boolean(let b): hasher.combine(b)
        case .verbatim(let f, let t): hasher.combine(f); hasher.combine(t)
        case .map(let m): hasher.combine(m.count)
        }
    }
}

extension RESPValue {
    /// A bulk string from text, for building commands.
    public static func bulk(_ text: String) -> RESPValue { .bulkString(Array(text.utf8)) }

    /// The bytes of a string-like value (simple, bulk, verbatim, big number).
    public var bytes: [UInt8]? {
        switch self {
        case .simpleString(let b), .bulkString(let b), .bigNumber(let b): return b
        case .verbatim(_, let t): return t
        default: return nil
        }
    }

    /// The text of a string-like value, or of an error, decoded as UTF-8 (lossy).
    public var text: String? {
        switch self {
        case .error(let b): return String(decoding: b, as: UTF8.self)
        case .integer(let i): return String(i)
        default: return bytes.map { String(decoding: $0, as: UTF8.self) }
        }
    }

    public var isError: Bool { if case .error = self { return true } else { return false } }

    public var integerValue: Int64? {
        switch self {
        case .integer(let i): return i
        default: return text.flatMap { Int64($0) }
        }
    }

    /// Elements of an aggregate (array, set, push); nil for anything else.
    public var elements: [RESPValue]? {
        switch self {
        case .array(let a), .set(let a), .push(let a): return a
        default: return nil
        }
    }

    /// A map reply as field/value pairs, whether it came as a RESP3 map or a RESP2 flat array.
    public var pairs: [(RESPValue, RESPValue)]? {
        switch self {
        case .map(let m): return m
        case .array(let a) where a.count % 2 == 0:
            return stride(from: 0, to: a.count, by: 2).map { (a[$0], a[$0 + 1]) }
        default: return nil
        }
    }
}

extension RESPValue: CustomStringConvertible {
    /// A readable one-line form, like redis-cli's, for logs and test failures.
    public var description: String {
        switch self {
        case .simpleString(let b): return String(decoding: b, as: UTF8.self)
        case .error(let b): return "(error) " + String(decoding: b, as: UTF8.self)
        case .integer(let i): return "(integer) \(i)"
        case .bulkString(let b): return "\"" + String(decoding: b, as: UTF8.self) + "\""
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .null, .nullArray: return "(nil)"
        case .double(let d): return "(double) \(d)"
        case .boolean(let b): return b ? "(true)" : "(false)"
        case .bigNumber(let b): return "(big number) " + String(decoding: b, as: UTF8.self)
        case .verbatim(_, let t): return "\"" + String(decoding: t, as: UTF8.self) + "\""
        case .map(let m):
            return "{" + m.map { "\($0.0.description): \($0.1.description)" }.joined(separator: ", ") + "}"
        case .set(let a): return "set[" + a.map(\.description).joined(separator: ", ") + "]"
        case .push(let a): return "push[" + a.map(\.description).joined(separator: ", ") + "]"
        }
    }
}
