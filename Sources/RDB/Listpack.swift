/// Listpack (Redis 7 `listpack.c`): the compact encoding of small hashes, sorted sets and
/// quicklist nodes.
///
/// Layout: total bytes (u32 LE), element count (u16 LE, 65535 = "count them"), entries, 0xFF.
/// Each entry is an encoding byte (+ length/integer bytes), the data, then "backlen": the size of
/// encoding + data written in 1-5 bytes of 7 bits so the list can also be walked backwards.
///
///     0xxxxxxx                    7-bit unsigned integer
///     10xxxxxx + data             string of up to 63 bytes
///     110xxxxx yyyyyyyy           13-bit signed integer
///     1110xxxx yyyyyyyy + data    string of up to 4095 bytes (length big-endian in 12 bits)
///     11110000 + u32 LE + data    longer string
///     11110001/2/3/4              16/24/32/64-bit signed integer, little-endian
enum Listpack {
    static let headerSize = 6
    static let unknownCount = 65535

    /// Calls `body` for each entry after checking every length against the blob; throws on any
    /// inconsistency (sizes, terminator, backlen, element count).
    static func forEach(_ lp: UnsafeBufferPointer<UInt8>, _ body: (PackedEntry) throws(RDBError) -> Void) throws(RDBError) {
        let size = lp.count
        guard size >= headerSize + 1 else { throw RDBError.corrupt("listpack: \(size) bytes is too short") }
        guard Int(lp.le32(0)) == size else { throw RDBError.corrupt("listpack: header says \(lp.le32(0)) bytes, blob has \(size)") }
        guard lp[size - 1] == 0xff else { throw RDBError.corrupt("listpack: missing terminator") }
        let declared = Int(lp.le16(4))
        var p = headerSize
        var count = 0
        let end = size - 1
        while p < end {
            let b = lp[p]
            let headerLen: Int
            let dataLen: Int
            var entry: PackedEntry
            @inline(__always) func need(_ n: Int) throws(RDBError) {
                guard n <= end - p else { throw RDBError.corrupt("listpack: entry overruns the blob") }
            }
            if b & 0x80 == 0 {
                headerLen = 1; dataLen = 0
                entry = .integer(Int64(b))
            } else if b & 0xc0 == 0x80 {
                headerLen = 1; dataLen = Int(b & 0x3f)
                try need(headerLen + dataLen)
                entry = .bytes(UnsafeBufferPointer(rebasing: lp[(p + 1)..<(p + 1 + dataLen)]))
            } else if b & 0xe0 == 0xc0 {
                headerLen = 2; dataLen = 0
                try need(2)
                let u = Int64(b & 0x1f) << 8 | Int64(lp[p + 1])
                entry = .integer(u >= 1 << 12 ? u - (1 << 13) : u)
            } else if b & 0xf0 == 0xe0 {
                headerLen = 2
                try need(2)
                dataLen = Int(b & 0x0f) << 8 | Int(lp[p + 1])
                try need(headerLen + dataLen)
                entry = .bytes(UnsafeBufferPointer(rebasing: lp[(p + 2)..<(p + 2 + dataLen)]))
            } else {
                switch b {
                case 0xf0:
                    headerLen = 5
                    try need(5)
                    dataLen = Int(lp.le32(p + 1))
                    try need(headerLen + dataLen)
                    entry = .bytes(UnsafeBufferPointer(rebasing: lp[(p + 5)..<(p + 5 + dataLen)]))
                case 0xf1:
                    headerLen = 3; dataLen = 0
                    try need(3)
                    entry = .integer(Int64(Int16(bitPattern: lp.le16(p + 1))))
                case 0xf2:
                    headerLen = 4; dataLen = 0
                    try need(4)
                    let u = UInt32(lp[p + 1]) | UInt32(lp[p + 2]) << 8 | UInt32(lp[p + 3]) << 16
                    entry = .integer(Int64(Int32(bitPattern: u << 8) >> 8))
                case 0xf3:
                    headerLen = 5; dataLen = 0
                    try need(5)
                    entry = .integer(Int64(Int32(bitPattern: lp.le32(p + 1))))
                case 0xf4:
                    headerLen = 9; dataLen = 0
                    try need(9)
                    entry = .integer(Int64(bitPattern: lp.le64(p + 1)))
                default:
                    throw RDBError.corrupt("listpack: invalid entry encoding 0x\(String(b, radix: 16))")
                }
            }
            let encodedLen = headerLen + dataLen
            let backlenSize = backlenSize(encodedLen)
            try need(encodedLen + backlenSize)
            guard decodeBacklen(lp, at: p + encodedLen, size: backlenSize) == encodedLen else {
                throw RDBError.corrupt("listpack: entry back-length does not match")
            }
            try body(entry)
            p += encodedLen + backlenSize
            count += 1
        }
        guard declared == unknownCount || declared == count else {
            throw RDBError.corrupt("listpack: header counts \(declared) elements, found \(count)")
        }
    }

    static func forEach(_ lp: [UInt8], _ body: (PackedEntry) throws(RDBError) -> Void) throws(RDBError) {
        try lp.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(RDBError) in try forEach(b, body) }
    }

    @inline(__always) static func backlenSize(_ l: Int) -> Int {
        l <= 127 ? 1 : l < 16383 ? 2 : l < 2_097_151 ? 3 : l < 268_435_455 ? 4 : 5
    }

    /// Reads a backlen stored most-significant group first: every byte but the first has bit 7 set.
    @inline(__always) static func decodeBacklen(_ lp: UnsafeBufferPointer<UInt8>, at start: Int, size: Int) -> Int {
        var v = 0
        for k in 0..<size { v = v << 7 | Int(lp[start + k] & 127) }
        return v
    }

    @inline(__always) static func appendBacklen(_ l: Int, to out: inout [UInt8]) {
        let n = backlenSize(l)
        var shift = 7 * (n - 1)
        out.append(UInt8(truncatingIfNeeded: l >> shift) & 127)
        while shift > 0 {
            shift -= 7
            out.append(UInt8(truncatingIfNeeded: l >> shift) & 127 | 128)
        }
    }

    /// Bytes `element` takes inside a listpack (encoding, data, backlen), as Redis encodes it.
    static func entrySize(_ element: [UInt8]) -> Int {
        let enc: Int
        if let v = RDBNumbers.canonicalInt64(element) {
            enc = intEncodingSize(v)
        } else {
            let n = element.count
            enc = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n
        }
        return enc + backlenSize(enc)
    }

    @inline(__always) static func intEncodingSize(_ v: Int64) -> Int {
        if v >= 0 && v <= 127 { return 1 }
        if v >= -4096 && v <= 4095 { return 2 }
        if v >= -32768 && v <= 32767 { return 3 }
        if v >= -8_388_608 && v <= 8_388_607 { return 4 }
        if v >= -2_147_483_648 && v <= 2_147_483_647 { return 5 }
        return 9
    }
}

/// Builds a listpack the way Redis does: integer-looking elements are stored as integers.
struct ListpackBuilder {
    private(set) var bytes: [UInt8]
    private(set) var count = 0

    init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(max(capacity, Listpack.headerSize + 1))
        bytes.append(contentsOf: [0, 0, 0, 0, 0, 0])
    }

    mutating func append(_ element: [UInt8]) {
        let start = bytes.count
        if let v = RDBNumbers.canonicalInt64(element) {
            appendInteger(v)
        } else {
            let n = element.count
            if n < 64 {
                bytes.append(0x80 | UInt8(n))
            } else if n < 4096 {
                bytes.append(0xe0 | UInt8(n >> 8))
                bytes.append(UInt8(n & 0xff))
            } else {
                bytes.append(0xf0)
                appendLE(UInt64(n), 4)
            }
            bytes.append(contentsOf: element)
        }
        Listpack.appendBacklen(bytes.count - start, to: &bytes)
        count += 1
    }

    private mutating func appendInteger(_ v: Int64) {
        switch Listpack.intEncodingSize(v) {
        case 1: bytes.append(UInt8(v))
        case 2:
            let u = UInt16(bitPattern: Int16(v)) & 0x1fff
            bytes.append(0xc0 | UInt8(u >> 8))
            bytes.append(UInt8(u & 0xff))
        case 3: bytes.append(0xf1); appendLE(UInt64(bitPattern: v), 2)
        case 4: bytes.append(0xf2); appendLE(UInt64(bitPattern: v), 3)
        case 5: bytes.append(0xf3); appendLE(UInt64(bitPattern: v), 4)
        default: bytes.append(0xf4); appendLE(UInt64(bitPattern: v), 8)
        }
    }

    private mutating func appendLE(_ v: UInt64, _ n: Int) {
        for k in 0..<n { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
    }

    /// The finished listpack (header filled in, terminator appended).
    mutating func finish() -> [UInt8] {
        bytes.append(0xff)
        let total = UInt32(truncatingIfNeeded: bytes.count)
        for k in 0..<4 { bytes[k] = UInt8(truncatingIfNeeded: total >> (8 * k)) }
        let c = UInt16(min(count, Listpack.unknownCount))
        bytes[4] = UInt8(c & 0xff)
        bytes[5] = UInt8(c >> 8)
        return bytes
    }
}
