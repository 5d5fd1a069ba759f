/// A binary-safe byte string — a key, or a string value — that keeps up to 23 bytes inline.
///
/// Why: most keys and many values are short, and a Swift `[UInt8]` is a separate heap block of
/// at least 64 bytes with malloc's overhead. Inline storage makes a short key cost 32 bytes
/// inside the hash table's arrays and no allocation at all, which is most of the difference
/// between our memory per key and Redis's. Longer strings keep their array.
///
/// Invariant: a string of 23 bytes or fewer is always inline (so equal strings have equal
/// representations and `==` can compare words); unused inline bytes are zero.
struct ByteString: Hashable {
    private var w0: UInt64 = 0
    private var w1: UInt64 = 0
    /// Bytes 16...22 in the low 7 bytes; the count in the top byte.
    private var w2: UInt64 = 0
    private var heap: [UInt8]?

    static let inlineCapacity = 23
    static let empty = ByteString([UInt8]())

    init(_ bytes: [UInt8]) {
        if bytes.count <= Self.inlineCapacity {
            var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
            withUnsafeMutableBytes(of: &words) { dst in
                bytes.withUnsafeBytes { src in
                    if src.count > 0 { dst.baseAddress!.copyMemory(from: src.baseAddress!, byteCount: src.count) }
                }
            }
            w0 = words.0
            w1 = words.1
            w2 = words.2 | (UInt64(bytes.count) << 56)
        } else {
            heap = bytes
        }
    }

    init(_ slice: ArraySlice<UInt8>) { self.init(Array(slice)) }

    /// The ASCII-lowercased form of short bytes without an intermediate array (command names
    /// are looked up this way once per command); nil when longer than the inline capacity.
    init?(lowercasing bytes: [UInt8]) {
        guard bytes.count <= Self.inlineCapacity else { return nil }
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &words) { dst in
            for i in 0..<bytes.count {
                let b = bytes[i]
                dst[i] = b >= 65 && b <= 90 ? b | 0x20 : b
            }
        }
        w0 = words.0
        w1 = words.1
        w2 = words.2 | (UInt64(bytes.count) << 56)
    }
    init(_ text: String) { self.init(Array(text.utf8)) }

    /// The decimal text of a number, written straight into the inline words (at most 20 bytes):
    /// INCR and friends store their result this way instead of through a String and an array.
    init(decimal n: Int64) {
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        let length = withUnsafeMutableBytes(of: &words) { dst -> Int in
            var magnitude = n.magnitude
            var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
            let count = withUnsafeMutableBytes(of: &digits) { tmp -> Int in
                var i = 0
                repeat {
                    tmp[i] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 48
                    magnitude /= 10
                    i += 1
                } while magnitude > 0
                return i
            }
            var out = 0
            if n < 0 { dst[0] = UInt8(ascii: "-"); out = 1 }
            Swift.withUnsafeBytes(of: &digits) { tmp in
                for j in stride(from: count - 1, through: 0, by: -1) { dst[out] = tmp[j]; out += 1 }
            }
            return out
        }
        w0 = words.0
        w1 = words.1
        w2 = words.2 | (UInt64(length) << 56)
    }

    var count: Int { heap?.count ?? Int(w2 >> 56) }
    var isEmpty: Bool { count == 0 }

    /// The bytes as an array (allocates for inline strings; hot paths use `withUnsafeBytes`).
    var bytes: [UInt8] {
        if let heap { return heap }
        return withUnsafeBytes { Array($0) }
    }

    var text: String { withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let heap { return try heap.withUnsafeBytes(body) }
        var words = (w0, w1, w2 & 0x00FF_FFFF_FFFF_FFFF)
        let n = count
        return try Swift.withUnsafeBytes(of: &words) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
    }

    /// Appends in place: a heap string that is uniquely referenced grows without a copy, so
    /// repeated APPENDs stay linear.
    mutating func append(_ more: [UInt8]) {
        if heap != nil {
            heap!.append(contentsOf: more)
            return
        }
        var all = bytes
        all.append(contentsOf: more)
        self = ByteString(all)
    }

    static func == (a: ByteString, b: ByteString) -> Bool {
        if a.heap == nil && b.heap == nil { return a.w0 == b.w0 && a.w1 == b.w1 && a.w2 == b.w2 }
        return a.heap == b.heap
    }

    /// The hash table's hash (SipHash-1-2, per-process key). Equal strings have equal
    /// representations (the invariant above), so hashing an inline string's words instead of its
    /// bytes is consistent.
    @inline(__always)
    var tableHash: UInt64 {
        if let heap { return heap.withUnsafeBytes { SipHash.hash($0) } }
        return SipHash.hash(words: w0, w1, w2)
    }

    func hash(into hasher: inout Hasher) {
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// Lexicographic byte order (memcmp, then length), as Redis compares strings.
    func precedes(_ other: ByteString) -> Bool {
        withUnsafeBytes { a in other.withUnsafeBytes { b in a.lexicographicallyPrecedes(b) } }
    }
}

/// Keys, fields and members are byte strings.
typealias Key = ByteString

import RESP

extension RESPWriter {
    /// A bulk string straight from a byte string's storage, without an intermediate array.
    mutating func bulk(_ s: ByteString) {
        buffer.append(UInt8(ascii: "$"))
        decimal(s.count)
        buffer.append(13); buffer.append(10)
        s.withUnsafeBytes { buffer.append(contentsOf: $0) }
        buffer.append(13); buffer.append(10)
    }

    mutating func bulk(_ s: ByteString?) {
        if let s { bulk(s) } else { nullBulk() }
    }
}
