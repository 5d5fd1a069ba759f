import Glibc

/// Redis's geo encoding: a point is a sorted-set member whose score is a 52-bit geohash
/// (latitude and longitude interleaved, 26 bits each, latitude limited to the Web Mercator
/// range), decoded to its cell's centre; distances by the haversine formula on Redis's earth
/// radius. The same arithmetic as geohash.c / geohash_helper.c, so positions and distances
/// print the same digits as redis-server's.
enum GeoHash {
    static let latMin = -85.05112878, latMax = 85.05112878
    static let lonMin = -180.0, lonMax = 180.0
    static let step = 26
    static let earthRadius = 6372797.560856

    static func interleave(_ xlo: UInt32, _ ylo: UInt32) -> UInt64 {
        let b: [UInt64] = [0x5555_5555_5555_5555, 0x3333_3333_3333_3333, 0x0F0F_0F0F_0F0F_0F0F, 0x00FF_00FF_00FF_00FF, 0x0000_FFFF_0000_FFFF]
        let s: [UInt64] = [1, 2, 4, 8, 16]
        var x = UInt64(xlo), y = UInt64(ylo)
        for i in stride(from: 4, through: 0, by: -1) {
            x = (x | (x << s[i])) & b[i]
            y = (y | (y << s[i])) & b[i]
        }
        return x | (y << 1)
    }

    static func deinterleave(_ v: UInt64) -> (x: UInt32, y: UInt32) {
        let b: [UInt64] = [0x5555_5555_5555_5555, 0x3333_3333_3333_3333, 0x0F0F_0F0F_0F0F_0F0F, 0x00FF_00FF_00FF_00FF, 0x0000_FFFF_0000_FFFF, 0x0000_0000_FFFF_FFFF]
        let s: [UInt64] = [0, 1, 2, 4, 8, 16]
        var x = v, y = v >> 1
        for i in 0...5 {
            if i > 0 {
                x = (x | (x >> s[i])) & b[i]
                y = (y | (y >> s[i])) & b[i]
            } else {
                x &= b[0]
                y &= b[0]
            }
        }
        return (UInt32(truncatingIfNeeded: x), UInt32(truncatingIfNeeded: y))
    }

    /// The 52-bit hash of a point, with the given latitude range (Redis's for storage,
    /// -90...90 for GEOHASH strings).
    static func encode(lon: Double, lat: Double, latRange: (Double, Double) = (latMin, latMax)) -> UInt64 {
        let latOffset = (lat - latRange.0) / (latRange.1 - latRange.0) * Double(UInt64(1) << UInt64(step))
        let lonOffset = (lon - lonMin) / (lonMax - lonMin) * Double(UInt64(1) << UInt64(step))
        return interleave(UInt32(latOffset), UInt32(lonOffset))
    }

    /// A sorted-set score as a geohash: nil unless it is one (a whole number in 0 ..< 2^52), so a
    /// plain sorted set's odd scores read as "no position" instead of trapping.
    static func bits(_ score: Double) -> UInt64? {
        guard score >= 0, score < 4_503_599_627_370_496 else { return nil }
        return UInt64(score)
    }

    /// The centre of the hash's cell, clamped to the valid ranges.
    static func decode(_ bits: UInt64) -> (lon: Double, lat: Double) {
        let (ilat, ilon) = deinterleave(bits)
        let scale = Double(UInt64(1) << UInt64(step))
        let latLo = latMin + (Double(ilat) * 1.0 / scale) * (latMax - latMin)
        let latHi = latMin + ((Double(ilat) + 1) * 1.0 / scale) * (latMax - latMin)
        let lonLo = lonMin + (Double(ilon) * 1.0 / scale) * (lonMax - lonMin)
        let lonHi = lonMin + ((Double(ilon) + 1) * 1.0 / scale) * (lonMax - lonMin)
        return (min(max((lonLo + lonHi) / 2, lonMin), lonMax), min(max((latLo + latHi) / 2, latMin), latMax))
    }

    static func radians(_ d: Double) -> Double { d * (Double.pi / 180.0) }

    static func latDistance(_ lat1: Double, _ lat2: Double) -> Double {
        earthRadius * abs(radians(lat2) - radians(lat1))
    }

    static func distance(_ lon1: Double, _ lat1: Double, _ lon2: Double, _ lat2: Double) -> Double {
        let v = sin((radians(lon2) - radians(lon1)) / 2)
        if v == 0 { return latDistance(lat1, lat2) }
        let lat1r = radians(lat1), lat2r = radians(lat2)
        let u = sin((lat2r - lat1r) / 2)
        return 2.0 * earthRadius * asin(sqrt(u * u + cos(lat1r) * cos(lat2r) * v * v))
    }

    /// The standard 11-character geohash of a stored point (re-encoded with latitude -90...90).
    static func string(_ bits: UInt64) -> String {
        let (lon, lat) = decode(bits)
        let hash = encode(lon: lon, lat: lat, latRange: (-90, 90))
        let alphabet = Array("0123456789bcdefghjkmnpqrstuvwxyz")
        var out = ""
        for i in 0..<11 {
            // 52 bits make ten characters and two bits; the eleventh is taken as zero, as Redis.
            let index = i == 10 ? 0 : Int((hash >> UInt64(52 - (i + 1) * 5)) & 0x1F)
            out.append(alphabet[index])
        }
        return out
    }

    /// C's printf of one double (Redis formats coordinates and distances this way).
    static func format(_ value: Double, _ spec: String) -> String {
        var buf = [CChar](repeating: 0, count: 512)
        _ = withVaList([value]) { vsnprintf(&buf, buf.count, spec, $0) }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Redis's "human" long double: 17 decimals, trailing zeros (and a bare point) removed.
    static func human(_ value: Double) -> String {
        var s = format(value, "%.17f")
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }
}
