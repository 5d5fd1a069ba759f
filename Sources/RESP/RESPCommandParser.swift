/// Parses the requests a server reads: RESP multibulk arrays of bulk strings, and inline commands
/// typed by hand (`PING\r\n` over telnet). It keeps Redis's state between calls (how many
/// arguments are still expected), so a command arriving in many small reads is not re-parsed
/// from its start each time, and its error texts are Redis's own.
public struct RESPCommandParser: Sendable {
    /// Redis's PROTO_INLINE_MAX_SIZE: an inline command or a count line longer than this without
    /// its terminator is refused instead of buffered forever.
    public static let inlineMaxSize = 64 * 1024

    /// proto-max-bulk-len.
    public var maxBulkLength: Int
    /// Before a client authenticates on a server with a password, Redis refuses multibulk
    /// counts over 10 and bulks over 16 KB, so an anonymous peer cannot make it allocate.
    public var unauthenticatedLimits: Bool = false

    private var argsRemaining = 0
    /// The command being assembled, and after `nextInPlace` returned true, the whole command.
    public private(set) var args: [[UInt8]] = []
    /// Memory held by the arguments of the command being assembled, counted with each array's
    /// allocation (header and malloc overhead): servers add it to the query buffer when they
    /// apply client-query-buffer-limit. Without it `*2147483647` followed by endless `$1 a`
    /// grew the heap about 8 bytes per byte received, past any limit, since the query buffer
    /// itself is trimmed after every argument (redis-server 7.0 has the same hole, about 6x).
    public private(set) var heldBytes = 0
    static let perArgumentOverhead = 48

    public init(maxBulkLength: Int = 512 * 1024 * 1024) {
        self.maxBulkLength = maxBulkLength
    }

    /// True while a multibulk command has started but not all its arguments have arrived.
    public var isMidCommand: Bool { argsRemaining > 0 }

    /// Returns the next whole command (possibly empty, which the caller skips) and advances `pos`
    /// past it, or nil when more bytes are needed. Consumes whole arguments only.
    public mutating func next(_ buffer: [UInt8], _ pos: inout Int) throws(RESPError) -> [[UInt8]]? {
        try buffer.withUnsafeBufferPointer { (p: UnsafeBufferPointer<UInt8>) throws(RESPError) in
            try next(p, &pos)
        }
    }

    public mutating func next(_ p: UnsafeBufferPointer<UInt8>, _ pos: inout Int) throws(RESPError) -> [[UInt8]]? {
        guard try nextInPlace(p, &pos) else { return nil }
        defer { args = [] }
        return args
    }

    /// As `next`, leaving the command in `args` (true when one is complete; it may be empty,
    /// which the caller skips). A server's request loop uses this and calls `recycle()` after
    /// running the command, so the argument array's storage serves every command of the
    /// connection instead of being allocated and freed per command (callgrind: a malloc, a free
    /// and their bookkeeping per pipelined GET).
    public mutating func nextInPlace(_ buffer: [UInt8], _ pos: inout Int) throws(RESPError) -> Bool {
        try buffer.withUnsafeBufferPointer { (p: UnsafeBufferPointer<UInt8>) throws(RESPError) in
            try nextInPlace(p, &pos)
        }
    }

    /// Empties `args`, keeping its storage for the next command; the arguments themselves are
    /// released (so a large value is not held after its command ran).
    /// (A no-op while a command is half assembled, so a caller can never lose its arguments.)
    public mutating func recycle() {
        guard argsRemaining == 0 else { return }
        args.removeAll(keepingCapacity: args.capacity <= 1024)
    }

    public mutating func nextInPlace(_ p: UnsafeBufferPointer<UInt8>, _ pos: inout Int) throws(RESPError) -> Bool {
        if argsRemaining == 0 {
            guard pos < p.count else { return false }
            if p[pos] != UInt8(ascii: "*") {
                guard let parts = try inline(p, &pos) else { return false }
                args = parts
                return true
            }
            guard let cr = RESPLine.findCR(p, from: pos + 1) else {
                if p.count - pos > Self.inlineMaxSize { throw RESPError("Protocol error: too big mbulk count string") }
                return false
            }
            guard cr + 1 < p.count else { return false }
            let n = RESPLine.int64(UnsafeBufferPointer(rebasing: p[(pos + 1)..<cr]))
            guard let n, n <= Int64(Int32.max) else { throw RESPError("Protocol error: invalid multibulk length") }
            if unauthenticatedLimits && n > 10 { throw RESPError("Protocol error: unauthenticated multibulk length") }
            pos = cr + 2
            args.removeAll(keepingCapacity: true)
            heldBytes = 0
            if n <= 0 { return true }
            argsRemaining = Int(n)
            if args.capacity < argsRemaining { args.reserveCapacity(Swift.min(argsRemaining, 1024)) }
        }
        while argsRemaining > 0 {
            guard pos < p.count else { return false }
            guard let cr = RESPLine.findCR(p, from: pos + 1) else {
                if p.count - pos > Self.inlineMaxSize { throw RESPError("Protocol error: too big bulk count string") }
                return false
            }
            guard cr + 1 < p.count else { return false }
            guard p[pos] == UInt8(ascii: "$") else {
                throw RESPError("Protocol error: expected '$', got '\(Character(Unicode.Scalar(p[pos])))'")
            }
            let n = RESPLine.int64(UnsafeBufferPointer(rebasing: p[(pos + 1)..<cr]))
            guard let n, n >= 0, n <= Int64(maxBulkLength) else { throw RESPError("Protocol error: invalid bulk length") }
            if unauthenticatedLimits && n > 16384 { throw RESPError("Protocol error: unauthenticated bulk length") }
            let start = cr + 2
            let end = start + Int(n)
            guard end + 2 <= p.count else { return false }
            args.append(Array(UnsafeBufferPointer(rebasing: p[start..<end])))
            heldBytes += Int(n) + Self.perArgumentOverhead
            pos = end + 2
            argsRemaining -= 1
        }
        // Whole: handed to the caller, no longer held by the parser's count.
        heldBytes = 0
        return true
    }

    /// Inline protocol: one line, arguments split as redis-cli splits them (quotes, escapes).
    private mutating func inline(_ p: UnsafeBufferPointer<UInt8>, _ pos: inout Int) throws(RESPError) -> [[UInt8]]? {
        var nl = pos
        while nl < p.count && p[nl] != 10 { nl += 1 }
        guard nl < p.count else {
            if p.count - pos > Self.inlineMaxSize { throw RESPError("Protocol error: too big inline request") }
            return nil
        }
        var lineEnd = nl
        if lineEnd > pos && p[lineEnd - 1] == 13 { lineEnd -= 1 }
        let line = Array(UnsafeBufferPointer(rebasing: p[pos..<lineEnd]))
        guard let parts = ArgumentSplitter.split(line) else {
            throw RESPError("Protocol error: unbalanced quotes in request")
        }
        pos = nl + 1
        return parts
    }
}

extension RESPLine {
    @inline(__always)
    static func findCR(_ p: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var i = from
        while i < p.count {
            if p[i] == 13 { return i }
            i += 1
        }
        return nil
    }
}

/// Splits a line into arguments as Redis's sdssplitargs does: spaces separate, "double quotes"
/// take \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' take \' only, and a closing quote
/// must be followed by a space or the end. Used for inline commands and config files.
public enum ArgumentSplitter {
    public static func split(_ line: [UInt8]) -> [[UInt8]]? {
        var result: [[UInt8]] = []
        var i = 0
        let n = line.count
        func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 || c == 11 || c == 12 }
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        while true {
            while i < n && isSpace(line[i]) { i += 1 }
            if i >= n { return result }
            var current: [UInt8] = []
            var inDouble = false, inSingle = false, done = false
            while !done {
                if inDouble {
                    guard i < n else { return nil }
                    let c = line[i]
                    if c == 92, i + 3 < n, line[i + 1] == UInt8(ascii: "x"), let h = hex(line[i + 2]), let l = hex(line[i + 3]) {
                        current.append(h * 16 + l); i += 3
                    } else if c == 92, i + 1 < n {
                        i += 1
                        switch line[i] {
                        case UInt8(ascii: "n"): current.append(10)
                        case UInt8(ascii: "r"): current.append(13)
                        case UInt8(ascii: "t"): current.append(9)
                        case UInt8(ascii: "b"): current.append(8)
                        case UInt8(ascii: "a"): current.append(7)
                        default: current.append(line[i])
                        }
                    } else if c == 34 {
                        if i + 1 < n && !isSpace(line[i + 1]) { return nil }
                        done = true
                    } else {
                        current.append(c)
                    }
                } else if inSingle {
                    guard i < n else { return nil }
                    let c = line[i]
                    if c == 92, i + 1 < n, line[i + 1] == 39 {
                        i += 1; current.append(39)
                    } else if c == 39 {
                        if i + 1 < n && !isSpace(line[i + 1]) { return nil }
                        done = true
                    } else {
                        current.append(c)
                    }
                } else {
                    if i >= n { done = true; break }
                    let c = line[i]
                    // sdssplitargs ends an unquoted word at space, tab, CR and LF only: a
                    // vertical tab or form feed is part of the word (isspace() skips them only
                    // between words), so `a\vb` is one argument there, as here.
                    if c == 32 || c == 9 || c == 10 || c == 13 { done = true }
                    else if c == 34 { inDouble = true }
                    else if c == 39 { inSingle = true }
                    else { current.append(c) }
                }
                if i < n { i += 1 }
            }
            result.append(current)
        }
    }

    public static func split(_ line: String) -> [String]? {
        // Most lines (config files, sentinel.conf rewritten on every persist) have no quotes, VT
        // or FF: for them the walk above only cuts words at space, tab, CR and LF, so they are
        // cut straight from the string's bytes without the copy into arrays of bytes.
        let utf8 = line.utf8
        if !utf8.contains(where: { $0 == 34 || $0 == 39 || $0 == 11 || $0 == 12 }) {
            return utf8.split(whereSeparator: { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 })
                .map { String(decoding: $0, as: UTF8.self) }
        }
        return split(Array(utf8)).map { $0.map { String(decoding: $0, as: UTF8.self) } }
    }
}
