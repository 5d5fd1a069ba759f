/// A protocol violation in a RESP stream. The connection that produced it cannot be trusted to
/// stay in frame, so the caller closes it.
public struct RESPError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Incremental parser for any RESP2/RESP3 value: replies a client reads from a server, and the
/// replication stream a replica reads from its master.
///
/// `parse(_:from:)` looks at bytes from an index and either returns a whole value with the index
/// after it, or nil when the frame is not complete yet ("need more"). It never consumes a part of a
/// value, so the caller may append bytes and call again with the same index.
public struct RESPParser: Sendable {
    /// Redis's proto-max-bulk-len default: 512 MB. A bulk length over it is a protocol error.
    public var maxBulkLength: Int
    /// Aggregates larger than this are refused (Redis caps multibulk counts at 1024*1024*1024 for
    /// clients that authenticated; for replies we read, a million elements is already absurd).
    public var maxAggregateCount: Int
    /// Nesting deeper than this is refused, so a hostile peer cannot overflow the stack.
    public var maxDepth: Int

    public init(maxBulkLength: Int = 512 * 1024 * 1024, maxAggregateCount: Int = 1 << 30, maxDepth: Int = 64) {
        self.maxBulkLength = maxBulkLength
        self.maxAggregateCount = maxAggregateCount
        self.maxDepth = maxDepth
    }

    public func parse(_ buffer: [UInt8], from start: Int = 0) throws(RESPError) -> (value: RESPValue, next: Int)? {
        try buffer.withUnsafeBufferPointer { (p: UnsafeBufferPointer<UInt8>) throws(RESPError) in
            try parseValue(p, start, depth: 0)
        }
    }

    private func parseValue(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, depth: Int) throws(RESPError) -> (value: RESPValue, next: Int)? {
        guard start < p.count else { return nil }
        guard depth <= maxDepth else { throw RESPError("Protocol error: nesting too deep") }
        guard let lineEnd = RESPLine.find(p, from: start + 1) else {
            if p.count - start > 64 * 1024 { throw RESPError("Protocol error: too big reply line") }
            return nil
        }
        let type = p[start]
        let line = UnsafeBufferPointer(rebasing: p[(start + 1)..<lineEnd])
        let afterLine = lineEnd + 2
        switch type {
        case UInt8(ascii: "+"): return (.simpleString(Array(line)), afterLine)
        case UInt8(ascii: "-"): return (.error(Array(line)), afterLine)
        case UInt8(ascii: ":"):
            guard let n = RESPLine.int64(line) else { throw RESPError("Protocol error: invalid integer") }
            return (.integer(n), afterLine)
        case UInt8(ascii: "_"): return (.null, afterLine)
        case UInt8(ascii: "#"):
            guard line.count == 1, line[0] == UInt8(ascii: "t") || line[0] == UInt8(ascii: "f") else {
                throw RESPError("Protocol error: invalid boolean")
            }
            return (.boolean(line[0] == UInt8(ascii: "t")), afterLine)
        case UInt8(ascii: ","):
            let text = String(decoding: line, as: UTF8.self)
            let d: Double? = switch text {
            case "inf", "+inf": .infinity
            case "-inf": -.infinity
            case "nan": .nan
            default: Double(text)
            }
            guard let d else { throw RESPError("Protocol error: invalid double") }
            return (.double(d), afterLine)
        case UInt8(ascii: "("): return (.bigNumber(Array(line)), afterLine)
        case UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "!"):
            guard let n = RESPLine.int64(line) else { throw RESPError("Protocol error: invalid bulk length") }
            if n == -1 { return (.null, afterLine) }
            guard n >= 0, n <= maxBulkLength else { throw RESPError("Protocol error: invalid bulk length") }
            let end = afterLine + Int(n)
            guard end + 2 <= p.count else { return nil }
            guard p[end] == 13, p[end + 1] == 10 else { throw RESPError("Protocol error: bulk not terminated by CRLF") }
            let body = Array(p[afterLine..<end])
            switch type {
            case UInt8(ascii: "="):
                guard body.count >= 4, body[3] == UInt8(ascii: ":") else { throw RESPError("Protocol error: invalid verbatim string") }
                return (.verbatim(format: Array(body[0..<3]), text: Array(body[4...])), end + 2)
            case UInt8(ascii: "!"): return (.error(body), end + 2)
            default: return (.bulkString(body), end + 2)
            }
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"):
            guard let n = RESPLine.int64(line) else { throw RESPError("Protocol error: invalid multibulk length") }
            if n == -1 { return (.null, afterLine) }
            guard n >= 0, n <= maxAggregateCount else { throw RESPError("Protocol error: invalid multibulk length") }
            let count = Int(n) * (type == UInt8(ascii: "%") ? 2 : 1)
            var items: [RESPValue] = []
            items.reserveCapacity(Swift.min(count, 1024))
            var index = afterLine
            for _ in 0..<count {
                guard let (v, next) = try parseValue(p, index, depth: depth + 1) else { return nil }
                items.append(v)
                index = next
            }
            switch type {
            case UInt8(ascii: "~"): return (.set(items), index)
            case UInt8(ascii: ">"): return (.push(items), index)
            case UInt8(ascii: "%"):
                return (.map(stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) }), index)
            default: return (.array(items), index)
            }
        default:
            throw RESPError("Protocol error: unexpected type byte '\(Character(Unicode.Scalar(type)))'")
        }
    }
}

/// Line helpers shared by the reply parser and the command parser.
enum RESPLine {
    /// Index of the `\r` of the first CRLF at or after `from`, or nil when there is none yet.
    @inline(__always)
    static func find(_ p: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var i = from
        let end = p.count - 1
        while i < end {
            if p[i] == 13 && p[i + 1] == 10 { return i }
            i += 1
        }
        return nil
    }

    /// Strict decimal parse as Redis's string2ll: optional '-', digits, no spaces, no '+', no
    /// leading zeros except "0" itself, no overflow.
    @inline(__always)
    static func int64<Bytes: RandomAccessCollection<UInt8>>(_ s: Bytes) -> Int64? where Bytes.Index == Int {
        guard !s.isEmpty, s.count <= 20 else { return nil }
        let base = s.startIndex
        var i = 0
        var negative = false
        if s[base] == UInt8(ascii: "-") {
            negative = true
            i = 1
            guard s.count > 1 else { return nil }
        }
        if s[base + i] == UInt8(ascii: "0") { return s.count == i + 1 && !negative ? 0 : nil }
        var value: UInt64 = 0
        while i < s.count {
            let d = s[base + i] &- 48
            guard d < 10 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { return nil }
            value = a
            i += 1
        }
        if negative {
            guard value <= UInt64(Int64.max) + 1 else { return nil }
            return value == UInt64(Int64.max) + 1 ? Int64.min : -Int64(value)
        }
        guard value <= UInt64(Int64.max) else { return nil }
        return Int64(value)
    }

    static func int64(_ bytes: [UInt8]) -> Int64? {
        bytes.withUnsafeBufferPointer { int64($0) }
    }
}
