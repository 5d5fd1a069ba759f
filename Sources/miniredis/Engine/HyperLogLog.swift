import Glibc

/// Redis's HyperLogLog, bit for bit where it shows: the same hash (MurmurHash64A, seed
/// 0xadc83b19), 16384 six-bit registers, the same string layout ("HYLL" header, dense or sparse
/// registers) and the same estimator, so PFCOUNT gives redis-server's numbers and the strings
/// move between the two programs through RDB, replication and DUMP. miniredis reads both
/// encodings and writes the dense one (12304 bytes; Redis starts sparse and grows into dense).
struct HyperLogLog {
    static let p = 14
    static let registerCount = 1 << p
    static let q = 64 - p
    static let registerMax: UInt8 = 63
    static let headerSize = 16
    static let denseSize = headerSize + (registerCount * 6 + 7) / 8

    private(set) var registers: [UInt8]

    init() { registers = [UInt8](repeating: 0, count: Self.registerCount) }

    /// Reads a Redis HLL string; nil when it is not one (PF* then answer WRONGTYPE).
    init?(_ bytes: [UInt8]) {
        guard bytes.count >= Self.headerSize, bytes[0] == 72, bytes[1] == 89, bytes[2] == 76, bytes[3] == 76 else { return nil }
        registers = [UInt8](repeating: 0, count: Self.registerCount)
        switch bytes[4] {
        case 0:
            guard bytes.count == Self.denseSize else { return nil }
            for i in 0..<Self.registerCount { registers[i] = Self.denseGet(bytes, i) }
        case 1:
            var i = Self.headerSize, reg = 0
            while i < bytes.count {
                let op = bytes[i]
                if op & 0xC0 == 0 {                      // ZERO: 00xxxxxx
                    reg += Int(op & 0x3F) + 1
                    i += 1
                } else if op & 0xC0 == 0x40 {            // XZERO: 01xxxxxx yyyyyyyy
                    guard i + 1 < bytes.count else { return nil }
                    reg += (Int(op & 0x3F) << 8 | Int(bytes[i + 1])) + 1
                    i += 2
                } else {                                 // VAL: 1vvvvvxx
                    let value = (op >> 2 & 0x1F) + 1, run = Int(op & 3) + 1
                    guard reg + run <= Self.registerCount else { return nil }
                    for r in reg..<(reg + run) { registers[r] = value }
                    reg += run
                    i += 1
                }
                guard reg <= Self.registerCount else { return nil }
            }
            guard reg == Self.registerCount else { return nil }
        default:
            return nil
        }
    }

    private static func denseGet(_ b: [UInt8], _ regnum: Int) -> UInt8 {
        let byte = headerSize + regnum * 6 / 8, fb = regnum * 6 & 7
        let b0 = Int(b[byte]), b1 = byte + 1 < b.count ? Int(b[byte + 1]) : 0
        return UInt8(((b0 >> fb) | (b1 << (8 - fb))) & Int(registerMax))
    }

    /// The dense string, its cached cardinality marked invalid (PFCOUNT recomputes it).
    var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.denseSize)
        out[0] = 72; out[1] = 89; out[2] = 76; out[3] = 76
        out[15] = 0x80
        for (regnum, v) in registers.enumerated() where v != 0 {
            let byte = Self.headerSize + regnum * 6 / 8, fb = regnum * 6 & 7
            out[byte] |= UInt8(truncatingIfNeeded: Int(v) << fb)
            if byte + 1 < out.count { out[byte + 1] |= UInt8(truncatingIfNeeded: Int(v) >> (8 - fb)) }
        }
        return out
    }

    /// Adds an element; true when a register changed.
    @discardableResult
    mutating func add(_ element: [UInt8]) -> Bool {
        var hash = Self.murmur64A(element, seed: 0xadc8_3b19)
        let index = Int(hash & UInt64(Self.registerCount - 1))
        hash >>= UInt64(Self.p)
        hash |= 1 << UInt64(Self.q)
        var count: UInt8 = 1
        var bit: UInt64 = 1
        while hash & bit == 0 {
            count += 1
            bit <<= 1
        }
        guard count > registers[index] else { return false }
        registers[index] = count
        return true
    }

    mutating func merge(_ other: HyperLogLog) {
        for i in 0..<Self.registerCount where other.registers[i] > registers[i] { registers[i] = other.registers[i] }
    }

    /// Redis's estimator (Ertl's, as hllCount computes it).
    var count: UInt64 {
        var histogram = [Int](repeating: 0, count: 64)
        for r in registers { histogram[Int(r)] += 1 }
        let m = Double(Self.registerCount)
        var z = m * Self.tau((m - Double(histogram[Self.q + 1])) / m)
        for j in stride(from: Self.q, through: 1, by: -1) {
            z += Double(histogram[j])
            z *= 0.5
        }
        z += m * Self.sigma(Double(histogram[0]) / m)
        return UInt64((0.721347520444481703680 * m * m / z).rounded())
    }

    static func sigma(_ x: Double) -> Double {
        if x == 1 { return .infinity }
        var x = x, y = 1.0, z = x, previous = 0.0
        repeat {
            x *= x
            previous = z
            z += x * y
            y += y
        } while previous != z
        return z
    }

    static func tau(_ x: Double) -> Double {
        if x == 0 || x == 1 { return 0 }
        var x = x, y = 1.0, z = 1 - x, previous = 0.0
        repeat {
            x = x.squareRoot()
            previous = z
            y *= 0.5
            z -= pow(1 - x, 2) * y
        } while previous != z
        return z / 3
    }

    /// MurmurHash64A, as Redis's hyperloglog.c has it (little-endian blocks).
    static func murmur64A(_ key: [UInt8], seed: UInt64) -> UInt64 {
        let m: UInt64 = 0xc6a4_a793_5bd1_e995
        let r: UInt64 = 47
        var h = seed ^ (UInt64(key.count) &* m)
        let blocks = key.count / 8
        for b in 0..<blocks {
            var k: UInt64 = 0
            for i in 0..<8 { k |= UInt64(key[b * 8 + i]) << (8 * UInt64(i)) }
            k &*= m
            k ^= k >> r
            k &*= m
            h ^= k
            h &*= m
        }
        let tail = blocks * 8, rest = key.count & 7
        if rest > 0 {
            for i in stride(from: rest - 1, through: 0, by: -1) { h ^= UInt64(key[tail + i]) << (8 * UInt64(i)) }
            h &*= m
        }
        h ^= h >> r
        h &*= m
        h ^= h >> r
        return h
    }
}
