import RESP
import Runtime

extension RESPWriter {
    /// Writes the replies from `sentPos` on, as far as the socket takes them. Partial writes
    /// advance `sentPos`; once everything is out the buffer is reused, or given back when a big
    /// reply made it larger than 1 MB. `written` counts the bytes sent (net_output_bytes).
    @inlinable
    public mutating func flush(to fd: Int32, sentPos: inout Int, written: inout Int, tls: TLSConnection? = nil) -> FlushResult {
        let before = sentPos
        let result = Socket.writeOut(fd, buffer, sent: &sentPos, tls: tls)
        written += sentPos - before
        guard result == .drained else { return result }
        if buffer.capacity > 1 << 20 {
            buffer = []
        } else {
            buffer.removeAll(keepingCapacity: true)
        }
        sentPos = 0
        return .drained
    }
}

/// client-output-buffer-limit for one class of clients: over `hard` bytes, or over `soft` for
/// `softSeconds`, the client is closed (Redis's rule; 0 disables a limit).
public struct OutputLimit: Sendable, Equatable {
    public var hard: Int64
    public var soft: Int64
    public var softSeconds: Int

    public init(hard: Int64, soft: Int64, softSeconds: Int) {
        self.hard = hard
        self.soft = soft
        self.softSeconds = softSeconds
    }

    /// Whether `used` pending bytes break the limit now. `softSinceMs` remembers when the client
    /// passed the soft limit, and is cleared when it is back under.
    public func isExceeded(used: Int64, softSinceMs: inout Int64?, nowMs: Int64) -> Bool {
        var over = hard > 0 && used >= hard
        if !over && soft > 0 && used >= soft {
            if let since = softSinceMs {
                over = nowMs - since >= Int64(softSeconds) * 1000
            } else {
                softSinceMs = nowMs
            }
        } else if used < soft {
            softSinceMs = nil
        }
        return over
    }
}
