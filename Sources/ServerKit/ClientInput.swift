import RESP
import Runtime

/// A client connection's input: the bytes read and not yet consumed, and the parser that turns
/// them into commands. The parser may hold the arguments of a command that has not fully arrived
/// (`heldBytes`), so the query-buffer limit counts both.
public struct ClientInput: Sendable {
    public var query: [UInt8] = []
    /// Where the next command starts in `query`.
    public var pos = 0
    public var parser: RESPCommandParser

    public init(maxBulkLength: Int, authenticated: Bool) {
        parser = RESPCommandParser(maxBulkLength: maxBulkLength)
        parser.unauthenticatedLimits = !authenticated
    }

    /// Reads what the socket has (up to the scratch buffer's size; through TLS when the
    /// connection has it) and appends it.
    @inlinable
    public mutating func read(from fd: Int32, scratch: UnsafeMutableRawBufferPointer, tls: TLSConnection? = nil) -> Socket.IOResult {
        let result = Socket.read(fd, into: scratch, tls: tls)
        if case .bytes(let n) = result {
            query.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
        }
        return result
    }

    /// The next whole command, nil when more bytes are needed; throws on a protocol error.
    @inlinable @inline(__always)
    public mutating func next() throws(RESPError) -> [[UInt8]]? {
        try parser.next(query, &pos)
    }

    /// As `next`, leaving the command in `parser.args`; `parser.recycle()` after running it.
    @inlinable @inline(__always)
    public mutating func nextInPlace() throws(RESPError) -> Bool {
        try parser.nextInPlace(query, &pos)
    }

    /// Unconsumed input, whole or partial.
    public var hasUnread: Bool { pos < query.count }

    /// Bytes read and not yet consumed.
    public var unreadCount: Int { query.count - pos }

    /// What counts toward client-query-buffer-limit: unconsumed bytes and the parsed arguments
    /// of an unfinished command.
    public var bufferedBytes: Int { query.count + parser.heldBytes }

    /// Drops the consumed bytes; a buffer consumed whole keeps its storage unless it grew past
    /// 64 KB (a client that once sent a huge command does not keep that memory).
    @inlinable
    public mutating func compact() {
        guard pos > 0 else { return }
        if pos >= query.count {
            query.removeAll(keepingCapacity: query.capacity <= 64 * 1024)
        } else {
            query.removeFirst(pos)
        }
        pos = 0
    }

    /// After AUTH, HELLO AUTH or RESET: an unauthenticated client may only send small commands.
    public mutating func setAuthenticated(_ authenticated: Bool) {
        parser.unauthenticatedLimits = !authenticated
    }
}
