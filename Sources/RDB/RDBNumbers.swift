/// Integer and double conversions between bytes and numbers, matching Redis's `string2ll` /
/// `ll2string` so that the encodings chosen here are the ones Redis would choose.
enum RDBNumbers {
    /// The value of `bytes` if it is the canonical decimal form of an Int64 ("0", "-12", not
    /// "012", "+1", "-0", " 1"); nil otherwise.
    @inline(__always)
    static func canonicalInt64(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        let n = bytes.count
        guard n > 0, n <= 20 else { return nil }
        if n == 1 && bytes[0] == 48 { return 0 }
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
            guard n > 1 else { return nil }
        }
        guard bytes[i] >= 49 && bytes[i] <= 57 else { return nil }
        var v: UInt64 = 0
        while i < n {
            let d = bytes[i] &- 48
            guard d <= 9 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { return nil }
            v = s
            i += 1
        }
        if negative {
            guard v <= UInt64(Int64.max) + 1 else { return nil }
            return v == UInt64(Int64.max) + 1 ? Int64.min : -Int64(v)
        }
        guard v <= UInt64(Int64.max) else { return nil }
        return Int64(v)
    }

    static func canonicalInt64(_ bytes: [UInt8]) -> Int64? {
        bytes.withUnsafeBufferPointer { canonicalInt64($0) }
    }

    /// The decimal form of `value` (what Redis returns for an integer-encoded string).
    static func decimal(_ value: Int64) -> [UInt8] {
        if value >= 0 && value < 10 { return [48 &+ UInt8(value)] }
        var digits = [UInt8]()
        digits.reserveCapacity(20)
        var v = value.magnitude
        repeat {
            digits.append(48 &+ UInt8(v % 10))
            v /= 10
        } while v > 0
        if value < 0 { digits.append(UInt8(ascii: "-")) }
        digits.reverse()
        return digits
    }

    /// A score written as text (ZSET type 3, ziplist/listpack entries): "3.5", "-inf", "1e300".
    /// NaN and garbage are nil.
    static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard bytes.count > 0, bytes.count <= 128 else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let d = Double(text), !d.isNaN else { return nil }
        return d
    }

    static func double(_ bytes: [UInt8]) -> Double? {
        bytes.withUnsafeBufferPointer { double($0) }
    }
}
