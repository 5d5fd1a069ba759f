import RESP

/// A client's reply buffer, in a class of its own so that a command context can write into it
/// without holding the client (and a unit test can hand a context one with no client at all).
final class ReplyBuffer {
    var writer: RESPWriter

    init(protocolVersion: Int = 2) { writer = RESPWriter(protocolVersion: protocolVersion) }

    /// What was written, as text: for tests and debugging.
    var text: String { String(decoding: writer.buffer, as: UTF8.self) }
}

/// Where a command writes its reply. Every write goes to the client's buffer as before, and the
/// sink counts top-level values, so the dispatcher can check that a command replied exactly once
/// (CommandObligations). One counter is enough for nesting: values arrive in pre-order, so an
/// aggregate header adds the elements it announces to `owed`, and a value that pays off an owed
/// element is not a new reply.
struct ReplySink {
    let out: ReplyBuffer
    /// Top-level values written by the command so far.
    private(set) var count = 0
    /// Elements announced by aggregate headers and not written yet.
    private var owed = 0

    init(_ out: ReplyBuffer) { self.out = out }

    var protocolVersion: Int { out.writer.protocolVersion }

    @inline(__always) private mutating func value(announcing elements: Int = 0) {
        if owed > 0 { owed -= 1 } else { count += 1 }
        if elements > 0 { owed += elements }
    }

    mutating func ok() { value(); out.writer.ok() }
    mutating func error(_ text: String) {
        value()
        noteError(text.utf8)
        out.writer.error(text)
    }
    mutating func error(bytes: [UInt8]) {
        value()
        noteError(bytes)
        out.writer.error(bytes: bytes)
    }

    /// Error replies the command wrote, and the code of the last ("ERR", "WRONGTYPE"): what
    /// INFO's failed_calls and errorstats count. Kept in two words, so a context costs nothing
    /// more to build or destroy; a code longer than 16 bytes is cut.
    private(set) var errorCount = 0
    private(set) var lastErrorCode: (UInt64, UInt64) = (0, 0)

    private mutating func noteError<Bytes: Sequence<UInt8>>(_ text: Bytes) {
        errorCount += 1
        lastErrorCode = ErrorStats.pack(text)
    }
    mutating func simple(_ text: StaticString) { value(); out.writer.simple(text) }
    mutating func simple(_ text: String) { value(); out.writer.simple(text) }
    mutating func simple(_ bytes: [UInt8]) { value(); out.writer.simple(bytes) }
    mutating func integer(_ v: Int) { value(); out.writer.integer(v) }
    mutating func integer(_ v: Int64) { value(); out.writer.integer(v) }
    mutating func double(_ v: Double) { value(); out.writer.double(v) }
    mutating func boolean(_ v: Bool) { value(); out.writer.boolean(v) }
    mutating func bulk(_ b: [UInt8]) { value(); out.writer.bulk(b) }
    mutating func bulk(_ b: [UInt8]?) { value(); out.writer.bulk(b) }
    mutating func bulk(_ b: ArraySlice<UInt8>) { value(); out.writer.bulk(b) }
    mutating func bulk(_ text: String) { value(); out.writer.bulk(text) }
    mutating func bulk(_ s: ByteString) { value(); out.writer.bulk(s) }
    mutating func bulk(_ s: ByteString?) { value(); out.writer.bulk(s) }
    mutating func nullBulk() { value(); out.writer.nullBulk() }
    mutating func nullArray() { value(); out.writer.nullArray() }
    mutating func verbatim(_ text: [UInt8]) { value(); out.writer.verbatim(text) }
    mutating func helpLines(_ lines: [String]) { value(); out.writer.helpLines(lines) }
    mutating func arrayHeader(_ n: Int) { value(announcing: n); out.writer.arrayHeader(n) }
    mutating func setHeader(_ n: Int) { value(announcing: n); out.writer.setHeader(n) }
    mutating func pushHeader(_ n: Int) { value(announcing: n); out.writer.pushHeader(n) }
    /// A map announces a key and a value per entry.
    mutating func mapHeader(_ n: Int) { value(announcing: 2 * n); out.writer.mapHeader(n) }

    /// One complete value written straight to the writer (a canned reply, HELLO's map).
    mutating func whole(_ write: (inout RESPWriter) -> Void) {
        value()
        write(&out.writer)
    }
}
