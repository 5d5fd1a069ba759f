/// One element of a listpack or ziplist: either a byte string (a view into the blob being decoded,
/// valid only during the callback) or an integer the format stored in binary.
enum PackedEntry {
    case bytes(UnsafeBufferPointer<UInt8>)
    case integer(Int64)

    /// The element as Redis would return it: integers in decimal.
    var array: [UInt8] {
        switch self {
        case .bytes(let b): Array(b)
        case .integer(let v): RDBNumbers.decimal(v)
        }
    }

    /// The element read as a sorted-set score.
    func score() throws(RDBError) -> Double {
        switch self {
        case .integer(let v): return Double(v)
        case .bytes(let b):
            guard let d = RDBNumbers.double(b) else {
                throw RDBError.corrupt("invalid sorted set score '\(String(decoding: b.prefix(40), as: UTF8.self))'")
            }
            return d
        }
    }
}

/// Little-endian reads from a blob whose bounds the caller has checked.
extension UnsafeBufferPointer<UInt8> {
    @inline(__always) func le16(_ i: Int) -> UInt16 { UInt16(self[i]) | UInt16(self[i + 1]) << 8 }
    @inline(__always) func le32(_ i: Int) -> UInt32 {
        UInt32(self[i]) | UInt32(self[i + 1]) << 8 | UInt32(self[i + 2]) << 16 | UInt32(self[i + 3]) << 24
    }
    @inline(__always) func le64(_ i: Int) -> UInt64 { UInt64(le32(i)) | UInt64(le32(i + 4)) << 32 }
}
