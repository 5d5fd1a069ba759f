/// Ziplist (Redis ≤ 6.2 `ziplist.c`), still found in files older Redis versions wrote: lists
/// (type 10 and quicklist 14 nodes), small hashes (13) and sorted sets (12).
///
/// Layout: total bytes (u32 LE), offset of the last entry (u32 LE), count (u16 LE, 65535 =
/// "count them"), entries, 0xFF. Entry: previous entry's length (1 byte, or 0xFE + u32 LE),
/// encoding, data.
///
///     00pppppp                  string up to 63 bytes
///     01pppppp qqqqqqqq         string up to 16383 bytes (14-bit big-endian length)
///     10xxxxxx + u32 BE         longer string
///     0xC0 / 0xD0 / 0xE0        int16 / int32 / int64, little-endian
///     0xF0 / 0xFE               int24 / int8
///     0xF1 ... 0xFD             immediate 0...12
enum Ziplist {
    static let headerSize = 10

    static func forEach(_ zl: UnsafeBufferPointer<UInt8>, _ body: (PackedEntry) throws(RDBError) -> Void) throws(RDBError) {
        let size = zl.count
        guard size >= headerSize + 1 else { throw RDBError.corrupt("ziplist: \(size) bytes is too short") }
        guard Int(zl.le32(0)) == size else { throw RDBError.corrupt("ziplist: header says \(zl.le32(0)) bytes, blob has \(size)") }
        guard zl[size - 1] == 0xff else { throw RDBError.corrupt("ziplist: missing terminator") }
        let tail = Int(zl.le32(4))
        let declared = Int(zl.le16(8))
        let end = size - 1
        var p = headerSize
        var prevLen = 0
        var lastStart = headerSize
        var count = 0
        while p < end {
            @inline(__always) func need(_ n: Int) throws(RDBError) {
                guard n <= end - p else { throw RDBError.corrupt("ziplist: entry overruns the blob") }
            }
            let start = p
            // Previous entry length.
            let storedPrev: Int
            if zl[p] < 254 {
                storedPrev = Int(zl[p])
                p += 1
            } else if zl[p] == 254 {
                try need(5)
                storedPrev = Int(zl.le32(p + 1))
                p += 5
            } else {
                throw RDBError.corrupt("ziplist: invalid previous-length byte")
            }
            guard storedPrev == prevLen else { throw RDBError.corrupt("ziplist: previous-length mismatch") }
            try need(1)
            let b = zl[p]
            let entry: PackedEntry
            switch b >> 6 {
            case 0:
                let n = Int(b & 0x3f)
                try need(1 + n)
                entry = .bytes(UnsafeBufferPointer(rebasing: zl[(p + 1)..<(p + 1 + n)]))
                p += 1 + n
            case 1:
                try need(2)
                let n = Int(b & 0x3f) << 8 | Int(zl[p + 1])
                try need(2 + n)
                entry = .bytes(UnsafeBufferPointer(rebasing: zl[(p + 2)..<(p + 2 + n)]))
                p += 2 + n
            case 2:
                try need(5)
                let n = Int(zl[p + 1]) << 24 | Int(zl[p + 2]) << 16 | Int(zl[p + 3]) << 8 | Int(zl[p + 4])
                try need(5 + n)
                entry = .bytes(UnsafeBufferPointer(rebasing: zl[(p + 5)..<(p + 5 + n)]))
                p += 5 + n
            default:
                switch b {
                case 0xc0:
                    try need(3)
                    entry = .integer(Int64(Int16(bitPattern: zl.le16(p + 1))))
                    p += 3
                case 0xd0:
                    try need(5)
                    entry = .integer(Int64(Int32(bitPattern: zl.le32(p + 1))))
                    p += 5
                case 0xe0:
                    try need(9)
                    entry = .integer(Int64(bitPattern: zl.le64(p + 1)))
                    p += 9
                case 0xf0:
                    try need(4)
                    let u = UInt32(zl[p + 1]) | UInt32(zl[p + 2]) << 8 | UInt32(zl[p + 3]) << 16
                    entry = .integer(Int64(Int32(bitPattern: u << 8) >> 8))
                    p += 4
                case 0xfe:
                    try need(2)
                    entry = .integer(Int64(Int8(bitPattern: zl[p + 1])))
                    p += 2
                case 0xf1...0xfd:
                    entry = .integer(Int64(b & 0x0f) - 1)
                    p += 1
                default:
                    throw RDBError.corrupt("ziplist: invalid entry encoding 0x\(String(b, radix: 16))")
                }
            }
            try body(entry)
            prevLen = p - start
            lastStart = start
            count += 1
        }
        guard tail == lastStart else { throw RDBError.corrupt("ziplist: tail offset does not point at the last entry") }
        guard declared == 65535 || declared == count else {
            throw RDBError.corrupt("ziplist: header counts \(declared) elements, found \(count)")
        }
    }

    static func forEach(_ zl: [UInt8], _ body: (PackedEntry) throws(RDBError) -> Void) throws(RDBError) {
        try zl.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(RDBError) in try forEach(b, body) }
    }
}

/// Zipmap (Redis ≤ 2.4 small hashes, type 9): a count byte, then entries of key length, key,
/// value length, "free" byte, value and `free` unused bytes, then 0xFF. Lengths are one byte
/// below 254, or 254 + u32 LE.
enum Zipmap {
    static func forEachPair(_ zm: UnsafeBufferPointer<UInt8>, _ body: ([UInt8], [UInt8]) throws(RDBError) -> Void) throws(RDBError) {
        let size = zm.count
        guard size >= 2 else { throw RDBError.corrupt("zipmap: too short") }
        var p = 1
        func length() throws(RDBError) -> Int {
            guard p < size else { throw RDBError.corrupt("zipmap: entry overruns the blob") }
            let b = zm[p]
            if b < 254 { p += 1; return Int(b) }
            guard b == 254, size - p >= 5 else { throw RDBError.corrupt("zipmap: invalid length") }
            let n = Int(zm.le32(p + 1))
            p += 5
            return n
        }
        func bytes(_ n: Int) throws(RDBError) -> [UInt8] {
            guard n <= size - p else { throw RDBError.corrupt("zipmap: entry overruns the blob") }
            defer { p += n }
            return Array(UnsafeBufferPointer(rebasing: zm[p..<(p + n)]))
        }
        while true {
            guard p < size else { throw RDBError.corrupt("zipmap: missing terminator") }
            if zm[p] == 0xff {
                guard p == size - 1 else { throw RDBError.corrupt("zipmap: bytes after terminator") }
                return
            }
            let key = try bytes(try length())
            let valueLen = try length()
            guard p < size else { throw RDBError.corrupt("zipmap: entry overruns the blob") }
            let free = Int(zm[p])
            p += 1
            let value = try bytes(valueLen)
            guard free <= size - p else { throw RDBError.corrupt("zipmap: entry overruns the blob") }
            p += free
            try body(key, value)
        }
    }
}
