@testable import RDB

/// Test-only encoders for the formats the codec only reads (ziplist, zipmap, intset, old RDB
/// types), so decoders can be checked on hand-built input and against redis-check-rdb.
enum PackedElement {
    case s([UInt8])
    case i(Int64)
}

enum LegacyEncoders {
    static func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    /// A ziplist with the smallest encoding for each element, as ziplist.c chooses.
    static func ziplist(_ elements: [PackedElement]) -> [UInt8] {
        var body: [UInt8] = []
        var prevLen = 0
        var lastOffset = Ziplist.headerSize
        for e in elements {
            var entry: [UInt8] = prevLen < 254 ? [UInt8(prevLen)] : [254] + le(UInt64(prevLen), 4)
            switch e {
            case .s(let s):
                if s.count < 64 {
                    entry.append(UInt8(s.count))
                } else if s.count < 16384 {
                    entry += [0x40 | UInt8(s.count >> 8), UInt8(s.count & 0xff)]
                } else {
                    entry += [0x80, UInt8(s.count >> 24), UInt8((s.count >> 16) & 0xff), UInt8((s.count >> 8) & 0xff), UInt8(s.count & 0xff)]
                }
                entry += s
            case .i(let v):
                let u = UInt64(bitPattern: v)
                if v >= 0 && v <= 12 { entry.append(0xf1 + UInt8(v)) }
                else if v >= -128 && v <= 127 { entry += [0xfe] + le(u, 1) }
                else if v >= -32768 && v <= 32767 { entry += [0xc0] + le(u, 2) }
                else if v >= -8_388_608 && v <= 8_388_607 { entry += [0xf0] + le(u, 3) }
                else if v >= -2_147_483_648 && v <= 2_147_483_647 { entry += [0xd0] + le(u, 4) }
                else { entry += [0xe0] + le(u, 8) }
            }
            lastOffset = Ziplist.headerSize + body.count
            body += entry
            prevLen = entry.count
        }
        let total = Ziplist.headerSize + body.count + 1
        return le(UInt64(total), 4) + le(UInt64(lastOffset), 4) + le(UInt64(min(elements.count, 65535)), 2) + body + [0xff]
    }

    static func intset(_ values: [Int64], width: Int) -> [UInt8] {
        le(UInt64(width), 4) + le(UInt64(values.count), 4) + values.sorted().flatMap { le(UInt64(bitPattern: $0), width) }
    }

    static func zipmap(_ pairs: [([UInt8], [UInt8])], free: Int = 0) -> [UInt8] {
        func len(_ n: Int) -> [UInt8] { n < 254 ? [UInt8(n)] : [254] + le(UInt64(n), 4) }
        var out: [UInt8] = [UInt8(min(pairs.count, 254))]
        for (k, v) in pairs {
            out += len(k.count) + k + len(v.count) + [UInt8(free)] + v + [UInt8](repeating: 0, count: free)
        }
        return out + [0xff]
    }
}

/// Assembles an RDB file byte by byte.
struct RawRDB {
    var bytes: [UInt8]
    init(version: Int) { bytes = Array("REDIS".utf8) + Array(String(format4(version)).utf8) }

    mutating func byte(_ b: UInt8) { bytes.append(b) }
    mutating func length(_ n: Int) {
        if n < 64 { bytes.append(UInt8(n)) }
        else if n < 16384 { bytes += [0x40 | UInt8(n >> 8), UInt8(n & 0xff)] }
        else { bytes += [0x80] + LegacyEncoders.le(UInt64(n), 4).reversed() }
    }
    mutating func string(_ s: [UInt8]) { length(s.count); bytes += s }
    mutating func key(_ type: UInt8, _ k: String) { byte(type); string(Array(k.utf8)) }
    /// EOF, and for version ≥ 5 the checksum (or zero).
    mutating func finish(checksum: Bool = true) -> [UInt8] {
        byte(0xff)
        let version = Int(String(decoding: bytes[5..<9], as: UTF8.self)) ?? 0
        if version >= 5 {
            bytes += LegacyEncoders.le(checksum ? CRC64.checksum(bytes) : 0, 8)
        }
        return bytes
    }
}

private func format4(_ v: Int) -> String {
    let s = String(v)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}
