/// The replication backlog: the last `capacity` bytes of the replication stream, so a replica
/// that was briefly away can continue (+CONTINUE) from its offset instead of a full resync.
/// Offsets are stream offsets: the first byte ever fed has offset 1, as in Redis.
struct Backlog {
    private var ring: [UInt8]
    private var writeIndex = 0
    /// Bytes currently held (≤ capacity).
    private(set) var histlen = 0
    /// Offset of the last byte held.
    private(set) var endOffset: Int64

    init(capacity: Int, endOffset: Int64) {
        ring = [UInt8](repeating: 0, count: Swift.max(16, capacity))
        self.endOffset = endOffset
    }

    var capacity: Int { ring.count }
    /// Offset of the first byte held (Redis's repl_backlog_off).
    var firstByteOffset: Int64 { endOffset - Int64(histlen) + 1 }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        endOffset += Int64(bytes.count)
        var src = bytes.count > ring.count ? bytes.count - ring.count : 0
        while src < bytes.count {
            let n = Swift.min(ring.count - writeIndex, bytes.count - src)
            ring.withUnsafeMutableBytes { dst in
                dst.baseAddress!.advanced(by: writeIndex).copyMemory(from: bytes.baseAddress!.advanced(by: src), byteCount: n)
            }
            writeIndex = (writeIndex + n) % ring.count
            src += n
        }
        histlen = Swift.min(ring.count, histlen + bytes.count)
    }

    mutating func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

    /// The bytes from `offset` (inclusive) to the end, or nil when they are no longer held.
    func bytes(from offset: Int64) -> [UInt8]? {
        guard offset >= firstByteOffset, offset <= endOffset + 1 else { return nil }
        let count = Int(endOffset - offset + 1)
        var out = [UInt8]()
        out.reserveCapacity(count)
        var index = (writeIndex - count + ring.count * 2) % ring.count
        var left = count
        while left > 0 {
            let n = Swift.min(left, ring.count - index)
            out.append(contentsOf: ring[index..<(index + n)])
            index = (index + n) % ring.count
            left -= n
        }
        return out
    }

    /// Resizes, keeping the newest bytes that fit.
    mutating func resize(_ capacity: Int) {
        guard capacity != ring.count else { return }
        let keep = bytes(from: endOffset - Int64(Swift.min(histlen, capacity)) + 1) ?? []
        let end = endOffset
        self = Backlog(capacity: capacity, endOffset: end - Int64(keep.count))
        append(keep)
    }
}
