/// Intset (`intset.c`): a sorted array of unique integers, the encoding of small all-integer sets.
/// Layout: element width in bytes (u32 LE: 2, 4 or 8), count (u32 LE), elements little-endian.
enum Intset {
    static func forEach(_ s: UnsafeBufferPointer<UInt8>, _ body: (Int64) throws(RDBError) -> Void) throws(RDBError) {
        guard s.count >= 8 else { throw RDBError.corrupt("intset: \(s.count) bytes is too short") }
        let width = Int(s.le32(0))
        guard width == 2 || width == 4 || width == 8 else { throw RDBError.corrupt("intset: invalid encoding \(width)") }
        let count = Int(s.le32(4))
        guard count * width == s.count - 8 else {
            throw RDBError.corrupt("intset: \(count) elements of \(width) bytes do not fill \(s.count - 8) bytes")
        }
        var previous = Int64.min
        for i in 0..<count {
            let at = 8 + i * width
            let v: Int64 = switch width {
            case 2: Int64(Int16(bitPattern: s.le16(at)))
            case 4: Int64(Int32(bitPattern: s.le32(at)))
            default: Int64(bitPattern: s.le64(at))
            }
            guard i == 0 || v > previous else { throw RDBError.corrupt("intset: elements not sorted and unique") }
            previous = v
            try body(v)
        }
    }

    static func forEach(_ s: [UInt8], _ body: (Int64) throws(RDBError) -> Void) throws(RDBError) {
        try s.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(RDBError) in try forEach(b, body) }
    }
}
