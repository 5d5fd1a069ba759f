/// Appends RESP to a byte buffer. Servers build every reply of a pipeline into one buffer and
/// flush it with one write; `protocolVersion` decides how RESP3-only types degrade for RESP2
/// clients exactly as Redis degrades them.
public struct RESPWriter: Sendable {
    public var buffer: [UInt8]
    public var protocolVersion: Int

    public init(protocolVersion: Int = 2, capacity: Int = 0) {
        self.buffer = []
        self.protocolVersion = protocolVersion
        if capacity > 0 { buffer.reserveCapacity(capacity) }
    }

    @inline(__always) public mutating func raw(_ bytes: [UInt8]) { buffer.append(contentsOf: bytes) }
    @inline(__always) public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { buffer.append(contentsOf: $0) }
    }

    @inline(__always) mutating func crlf() { buffer.append(13); buffer.append(10) }

    @inline(__always) public mutating func decimal(_ value: Int) {
        if value >= 0 && value < 10 { buffer.append(48 &+ UInt8(value)); return }
        var v = value.magnitude
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = 48 &+ UInt8(v % 10)
                v /= 10
                n += 1
            } while v > 0
            while n > 0 { n -= 1; buffer.append(d[n]) }
        }
    }

    public mutating func simple(_ text: StaticString) {
        buffer.append(UInt8(ascii: "+")); raw(text); crlf()
    }
    public mutating func simple(_ bytes: [UInt8]) {
        buffer.append(UInt8(ascii: "+")); raw(bytes); crlf()
    }
    public mutating func simple(_ text: String) { simple(Array(text.utf8)) }

    public mutating func ok() { raw("+OK\r\n") }

    /// An error reply. `text` includes the code: "ERR syntax error", "WRONGTYPE ...".
    public mutating func error(_ text: String) { errorLine(text.utf8) }

    /// An error line from raw bytes (it may quote a client's bytes that are not UTF-8).
    public mutating func error(bytes: [UInt8]) { errorLine(bytes) }

    /// An error line cannot hold CR or LF; Redis replaces them with spaces (addReplyErrorFormat).
    /// Errors often quote what the client sent (`unknown subcommand 'x'`), and a bulk argument
    /// may hold "\r\n": written as is, the rest would reach the client as a second reply.
    mutating func errorLine<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        buffer.append(UInt8(ascii: "-"))
        for b in bytes { buffer.append(b == 13 || b == 10 ? 32 : b) }
        crlf()
    }

    public mutating func integer(_ value: Int) {
        buffer.append(UInt8(ascii: ":")); decimal(value); crlf()
    }
    public mutating func integer(_ value: Int64) { integer(Int(value)) }

    public mutating func bulk(_ bytes: [UInt8]) {
        buffer.append(UInt8(ascii: "$")); decimal(bytes.count); crlf()
        buffer.append(contentsOf: bytes); crlf()
    }
    public mutating func bulk(_ bytes: ArraySlice<UInt8>) {
        buffer.append(UInt8(ascii: "$")); decimal(bytes.count); crlf()
        buffer.append(contentsOf: bytes); crlf()
    }
    public mutating func bulk(_ text: String) { bulk(Array(text.utf8)) }
    public mutating func bulk(_ bytes: [UInt8]?) {
        if let bytes { bulk(bytes) } else { nullBulk() }
    }

    /// Null bulk string: `$-1` in RESP2, `_` in RESP3.
    public mutating func nullBulk() { protocolVersion >= 3 ? raw("_\r\n") : raw("$-1\r\n") }
    /// Null array: `*-1` in RESP2, `_` in RESP3.
    public mutating func nullArray() { protocolVersion >= 3 ? raw("_\r\n") : raw("*-1\r\n") }

    public mutating func arrayHeader(_ count: Int) {
        buffer.append(UInt8(ascii: "*")); decimal(count); crlf()
    }
    /// A map of `count` pairs: `%count` in RESP3, a flat array of 2×count in RESP2.
    public mutating func mapHeader(_ count: Int) {
        if protocolVersion >= 3 {
            buffer.append(UInt8(ascii: "%")); decimal(count); crlf()
        } else {
            arrayHeader(count * 2)
        }
    }
    /// A set: `~count` in RESP3, an array in RESP2.
    public mutating func setHeader(_ count: Int) {
        if protocolVersion >= 3 {
            buffer.append(UInt8(ascii: "~")); decimal(count); crlf()
        } else {
            arrayHeader(count)
        }
    }
    /// An out-of-band push: `>count` in RESP3, an array in RESP2 (pub/sub messages).
    public mutating func pushHeader(_ count: Int) {
        if protocolVersion >= 3 {
            buffer.append(UInt8(ascii: ">")); decimal(count); crlf()
        } else {
            arrayHeader(count)
        }
    }

    /// A double: `,<d>` in RESP3, a bulk string in RESP2, formatted as Redis formats scores.
    public mutating func double(_ value: Double) {
        let text = RESPWriter.formatDouble(value)
        if protocolVersion >= 3 {
            buffer.append(UInt8(ascii: ",")); raw(Array(text.utf8)); crlf()
        } else {
            bulk(text)
        }
    }

    public mutating func boolean(_ value: Bool) {
        if protocolVersion >= 3 { raw(value ? "#t\r\n" : "#f\r\n") } else { integer(value ? 1 : 0) }
    }

    /// A verbatim string (`=len\r\ntxt:...`) in RESP3, a bulk string in RESP2 (INFO, CLIENT LIST).
    public mutating func verbatim(_ text: [UInt8]) {
        if protocolVersion >= 3 {
            buffer.append(UInt8(ascii: "=")); decimal(text.count + 4); crlf()
            raw("txt:"); buffer.append(contentsOf: text); crlf()
        } else {
            bulk(text)
        }
    }

    /// A HELP reply: an array of simple strings, one per line.
    public mutating func helpLines(_ lines: [String]) {
        arrayHeader(lines.count)
        for l in lines { simple(l) }
    }

    /// A command as a client sends it: an array of bulk strings.
    public mutating func command(_ args: [[UInt8]]) {
        arrayHeader(args.count)
        for a in args { bulk(a) }
    }
    public mutating func command(_ args: [String]) { command(args.map { Array($0.utf8) }) }

    /// Any value, written in this writer's protocol version.
    public mutating func value(_ v: RESPValue) {
        switch v {
        case .simpleString(let b): simple(b)
        case .error(let b): errorLine(b)
        case .integer(let i): integer(i)
        case .bulkString(let b): bulk(b)
        case .array(let a): arrayHeader(a.count); for e in a { value(e) }
        case .null: nullBulk()
        case .nullArray: nullArray()
        case .double(let d): double(d)
        case .boolean(let b): boolean(b)
        case .bigNumber(let b):
            if protocolVersion >= 3 { buffer.append(UInt8(ascii: "(")); raw(b); crlf() } else { bulk(b) }
        case .verbatim(_, let t): verbatim(t)
        case .map(let m): mapHeader(m.count); for (k, e) in m { value(k); value(e) }
        case .set(let a): setHeader(a.count); for e in a { value(e) }
        case .push(let a): pushHeader(a.count); for e in a { value(e) }
        }
    }

    /// Redis's "%.17g" rendering of a double, with inf/-inf, shortest form when it round-trips.
    public static func formatDouble(_ value: Double) -> String {
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value.isNaN { return "nan" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        // Integral values within ±2^62 print as integers (Redis's double2ll fast path).
        if value == value.rounded(.towardZero), abs(value) < 4.6e18 {
            return String(Int64(value))
        }
        // Swift's description is the shortest string that round-trips, as Redis 7's %.17g then
        // trimmed; exponents as Redis 7.2's fpconv writes them ("1e+20", "1e-7").
        var s = "\(value)"
        if let e = s.firstIndex(of: "e") {
            let mantissa = s[..<e]
            var exp = s[s.index(after: e)...]
            var sign = "+"
            if exp.first == "-" { sign = "-" }
            exp = exp.drop { $0 == "-" || $0 == "+" || $0 == "0" }
            s = "\(mantissa)e\(sign)\(exp)"
        }
        return s
    }

    public static func encode(command args: [String]) -> [UInt8] {
        var w = RESPWriter()
        w.command(args)
        return w.buffer
    }
}
