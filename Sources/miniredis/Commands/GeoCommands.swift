import RESP

/// GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER
/// (and their _RO forms) over sorted sets of geohash scores (Engine/GeoHash.swift). Searches
/// test every member (Redis walks the nine geohash boxes around the centre; the matches are the
/// same); results without ASC/DESC come nearest first, where Redis gives them in box order.
enum GeoCommands {
    struct Flags: OptionSet {
        let rawValue: Int
        static let coords = Flags(rawValue: 1)       // GEORADIUS
        static let member = Flags(rawValue: 2)       // GEORADIUSBYMEMBER
        static let search = Flags(rawValue: 4)       // GEOSEARCH
        static let searchStore = Flags(rawValue: 8)  // GEOSEARCHSTORE
        static let noStore = Flags(rawValue: 16)     // the _RO forms
    }

    static let specs: [CommandSpec] = [
        CommandSpec("geoadd", -5, [.write, .denyoom], keys: (1, 1, 1), group: "geo", "Adds one or more members to a geospatial index. The key is created if it doesn't exist.", .data(geoadd)),
        CommandSpec("geopos", -2, [.readonly], keys: (1, 1, 1), group: "geo", "Returns the longitude and latitude of members from a geospatial index.", .data(geopos)),
        CommandSpec("geodist", -4, [.readonly], keys: (1, 1, 1), group: "geo", "Returns the distance between two members of a geospatial index.", .data(geodist)),
        CommandSpec("geohash", -2, [.readonly], keys: (1, 1, 1), group: "geo", "Returns members from a geospatial index as geohash strings.", .data(geohash)),
        CommandSpec("geosearch", -7, [.readonly], keys: (1, 1, 1), group: "geo", "Queries a geospatial index for members inside an area of a box or a circle.", .data { ctx, a in search(&ctx, a, source: 1, [.search]) }),
        CommandSpec("geosearchstore", -8, [.write, .denyoom], keys: (1, 2, 1), group: "geo", "Queries a geospatial index for members inside an area of a box or a circle, optionally stores the result.", .data { ctx, a in search(&ctx, a, source: 2, [.search, .searchStore]) }),
        CommandSpec("georadius", -6, [.write, .denyoom], keys: (1, 1, 1), group: "geo", "Queries a geospatial index for members within a distance from a coordinate, optionally stores the result.", .data { ctx, a in search(&ctx, a, source: 1, [.coords]) }),
        CommandSpec("georadius_ro", -6, [.readonly], keys: (1, 1, 1), group: "geo", "Returns members from a geospatial index that are within a distance from a coordinate.", .data { ctx, a in search(&ctx, a, source: 1, [.coords, .noStore]) }),
        CommandSpec("georadiusbymember", -5, [.write, .denyoom], keys: (1, 1, 1), group: "geo", "Queries a geospatial index for members within a distance from a member, optionally stores the result.", .data { ctx, a in search(&ctx, a, source: 1, [.member]) }),
        CommandSpec("georadiusbymember_ro", -5, [.readonly], keys: (1, 1, 1), group: "geo", "Returns members from a geospatial index that are within a distance from a member.", .data { ctx, a in search(&ctx, a, source: 1, [.member, .noStore]) }),
    ]

    /// A longitude/latitude pair, or nil after replying Redis's error.
    static func lonLat(_ ctx: inout CommandContext, _ lonText: [UInt8], _ latText: [UInt8]) -> (Double, Double)? {
        guard let lon = Numbers.double(lonText), let lat = Numbers.double(latText) else {
            ctx.reply.error(Errors.notFloat)
            return nil
        }
        guard lon >= GeoHash.lonMin, lon <= GeoHash.lonMax, lat >= GeoHash.latMin, lat <= GeoHash.latMax else {
            ctx.reply.error("ERR invalid longitude,latitude pair \(GeoHash.format(lon, "%f")),\(GeoHash.format(lat, "%f"))")
            return nil
        }
        return (lon, lat)
    }

    /// Meters per unit, or nil after replying the error.
    static func unit(_ ctx: inout CommandContext, _ text: [UInt8]) -> Double? {
        switch text.lowercasedASCII {
        case "m": return 1
        case "km": return 1000
        case "ft": return 0.3048
        case "mi": return 1609.34
        default:
            ctx.reply.error("ERR unsupported unit provided. please use M, KM, FT, MI")
            return nil
        }
    }

    static func position(_ z: SortedSet, _ member: [UInt8]) -> (lon: Double, lat: Double)? {
        z.score(Key(member)).flatMap(GeoHash.bits).map(GeoHash.decode)
    }

    /// GEOADD key [NX|XX] [CH] longitude latitude member ...: ZADD of the geohash scores (and
    /// propagated as that ZADD, as Redis rewrites it).
    static func geoadd(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        var options: [[UInt8]] = []
        var i = 2, nx = false, xx = false
        while i < a.count {
            let o = a[i].lowercasedASCII
            guard ["nx", "xx", "ch"].contains(o) else { break }
            if o == "nx" { nx = true }
            if o == "xx" { xx = true }
            options.append(a[i])
            i += 1
        }
        guard (a.count - i) % 3 == 0, !(nx && xx), a.count > i else { return ctx.reply.error(Errors.syntax) }
        var zaddArgs: [[UInt8]] = [Array("ZADD".utf8), a[1]] + options
        while i < a.count {
            guard let (lon, lat) = lonLat(&ctx, a[i], a[i + 1]) else { return }
            zaddArgs.append(Array(String(GeoHash.encode(lon: lon, lat: lat)).utf8))
            zaddArgs.append(a[i + 2])
            i += 3
        }
        SortedSetCommands.zadd(&ctx, zaddArgs)
        if ctx.effects.dirty > 0 { ctx.propagate(as: zaddArgs) }
    }

    static func geopos(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let lookup = ctx.readZSet(a[1])
        if case .wrongType = lookup { return ctx.reply.error(Errors.wrongType) }
        ctx.reply.arrayHeader(a.count - 2)
        for m in a.dropFirst(2) {
            guard case .found(let z) = lookup, let p = position(z, m) else { ctx.reply.nullArray(); continue }
            ctx.reply.arrayHeader(2)
            ctx.reply.bulk(GeoHash.human(p.lon))
            ctx.reply.bulk(GeoHash.human(p.lat))
        }
    }

    static func geodist(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        guard a.count <= 5 else { return ctx.reply.error(Errors.syntax) }
        var toMeters = 1.0
        if a.count == 5 {
            guard let u = unit(&ctx, a[4]) else { return }
            toMeters = u
        }
        switch ctx.readZSet(a[1]) {
        case .wrongType: ctx.reply.error(Errors.wrongType)
        case .missing: ctx.reply.nullBulk()
        case .found(let z):
            guard let p = position(z, a[2]), let q = position(z, a[3]) else { return ctx.reply.nullBulk() }
            ctx.reply.bulk(GeoHash.format(GeoHash.distance(p.lon, p.lat, q.lon, q.lat) / toMeters, "%.4f"))
        }
    }

    static func geohash(_ ctx: inout CommandContext, _ a: [[UInt8]]) {
        let lookup = ctx.readZSet(a[1])
        if case .wrongType = lookup { return ctx.reply.error(Errors.wrongType) }
        ctx.reply.arrayHeader(a.count - 2)
        for m in a.dropFirst(2) {
            guard case .found(let z) = lookup, let bits = z.score(Key(m)).flatMap(GeoHash.bits) else { ctx.reply.nullBulk(); continue }
            ctx.reply.bulk(GeoHash.string(bits))
        }
    }

    enum Shape { case radius(Double), box(width: Double, height: Double) }

    /// The GEORADIUS family and GEOSEARCH[STORE], parsed as georadiusGeneric parses them.
    static func search(_ ctx: inout CommandContext, _ a: [[UInt8]], source: Int, _ flags: Flags) {
        let name = a[0].lowercasedASCII
        let zset: SortedSet?
        switch ctx.readZSet(a[source]) {
        case .wrongType: return ctx.reply.error(Errors.wrongType)
        case .missing: zset = nil
        case .found(let z): zset = z
        }
        var center: (lon: Double, lat: Double)?
        var shape: Shape?
        var toMeters = 1.0
        var base: Int
        var store: [UInt8]?
        if flags.contains(.coords) {
            base = 6
            guard let p = lonLat(&ctx, a[2], a[3]) else { return }
            center = p
            guard let (r, u) = radius(&ctx, a[4], a[5]) else { return }
            (shape, toMeters) = (.radius(r), u)
        } else if flags.contains(.member) {
            base = 5
            if let zset {
                guard let p = position(zset, a[2]) else { return ctx.reply.error("ERR could not decode requested zset member") }
                center = p
                guard let (r, u) = radius(&ctx, a[3], a[4]) else { return }
                (shape, toMeters) = (.radius(r), u)
            }
        } else {
            base = flags.contains(.searchStore) ? 3 : 2
            if flags.contains(.searchStore) { store = a[1] }
        }
        var withDist = false, withHash = false, withCoord = false, any = false, storeDist = false
        var sortOrder = 0  // 0 none, 1 asc, -1 desc
        var count = 0
        var fromMember = false, fromLonLat = false, byRadius = false, byBox = false
        var i = base
        while i < a.count {
            let arg = a[i].lowercasedASCII
            let remaining = a.count - i - 1
            switch arg {
            case "withdist": withDist = true
            case "withhash": withHash = true
            case "withcoord": withCoord = true
            case "any": any = true
            case "asc": sortOrder = 1
            case "desc": sortOrder = -1
            case "count" where remaining >= 1:
                guard let n = Numbers.int64(a[i + 1]) else { return ctx.reply.error(Errors.notInteger) }
                guard n > 0 else { return ctx.reply.error("ERR COUNT must be > 0") }
                count = Int(min(n, Int64(Int32.max)))
                i += 1
            case "store" where remaining >= 1 && !flags.contains(.noStore) && !flags.contains(.search):
                (store, storeDist) = (a[i + 1], false)
                i += 1
            case "storedist" where remaining >= 1 && !flags.contains(.noStore) && !flags.contains(.search):
                (store, storeDist) = (a[i + 1], true)
                i += 1
            case "storedist" where flags.contains(.searchStore):
                storeDist = true
            case "frommember" where remaining >= 1 && flags.contains(.search) && !fromLonLat:
                if let zset {
                    guard let p = position(zset, a[i + 1]) else { return ctx.reply.error("ERR could not decode requested zset member") }
                    center = p
                }
                fromMember = true
                i += 1
            case "fromlonlat" where remaining >= 2 && flags.contains(.search) && !fromMember:
                guard let p = lonLat(&ctx, a[i + 1], a[i + 2]) else { return }
                center = p
                fromLonLat = true
                i += 2
            case "byradius" where remaining >= 2 && flags.contains(.search) && !byBox:
                guard let (r, u) = radius(&ctx, a[i + 1], a[i + 2]) else { return }
                (shape, toMeters) = (.radius(r), u)
                byRadius = true
                i += 2
            case "bybox" where remaining >= 3 && flags.contains(.search) && !byRadius:
                guard let w = Numbers.double(a[i + 1]) else { return ctx.reply.error("ERR need numeric width") }
                guard let h = Numbers.double(a[i + 2]) else { return ctx.reply.error("ERR need numeric height") }
                guard w >= 0, h >= 0 else { return ctx.reply.error("ERR height or width cannot be negative") }
                guard let u = unit(&ctx, a[i + 3]) else { return }
                (shape, toMeters) = (.box(width: w, height: h), u)
                byBox = true
                i += 3
            default: return ctx.reply.error(Errors.syntax)
            }
            i += 1
        }
        if store != nil && (withDist || withHash || withCoord) {
            return ctx.reply.error("ERR \(flags.contains(.searchStore) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS") is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
        }
        if flags.contains(.search) && !(fromMember || fromLonLat) {
            return ctx.reply.error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for \(name)")
        }
        if flags.contains(.search) && !(byRadius || byBox) {
            return ctx.reply.error("ERR exactly one of BYRADIUS and BYBOX can be specified for \(name)")
        }
        if any && count == 0 { return ctx.reply.error("ERR the ANY argument requires COUNT argument") }
        guard let zset, let center, let shape else {
            if let store { return storeResult(&ctx, store, [], flags) }
            return ctx.reply.arrayHeader(0)
        }
        if count != 0 && sortOrder == 0 { sortOrder = 1 }
        var found: [(member: [UInt8], score: Double, dist: Double, lon: Double, lat: Double)] = []
        for e in zset.ordered {
            guard let bits = GeoHash.bits(e.score) else { continue }
            let p = GeoHash.decode(bits)
            let dist: Double
            switch shape {
            case .radius(let r):
                dist = GeoHash.distance(center.lon, center.lat, p.lon, p.lat)
                if dist > r * toMeters { continue }
            case .box(let w, let h):
                if GeoHash.latDistance(p.lat, center.lat) > h * toMeters / 2 { continue }
                if GeoHash.distance(p.lon, p.lat, center.lon, p.lat) > w * toMeters / 2 { continue }
                dist = GeoHash.distance(center.lon, center.lat, p.lon, p.lat)
            }
            found.append((e.member, e.score, dist, p.lon, p.lat))
        }
        // Without an order the nearest come first (Redis: the order of its geohash boxes).
        found.sort { sortOrder < 0 ? $0.dist > $1.dist : $0.dist < $1.dist }
        if count > 0 { found = Array(found.prefix(count)) }
        if let store {
            return storeResult(&ctx, store, found.map { ($0.member, storeDist ? $0.dist / toMeters : $0.score) }, flags)
        }
        let options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0)
        ctx.reply.arrayHeader(found.count)
        for f in found {
            if options > 0 { ctx.reply.arrayHeader(options + 1) }
            ctx.reply.bulk(f.member)
            if withDist { ctx.reply.bulk(GeoHash.format(f.dist / toMeters, "%.4f")) }
            if withHash { ctx.reply.integer(Int64(f.score)) }
            if withCoord {
                ctx.reply.arrayHeader(2)
                ctx.reply.bulk(GeoHash.human(f.lon))
                ctx.reply.bulk(GeoHash.human(f.lat))
            }
        }
    }

    static func radius(_ ctx: inout CommandContext, _ value: [UInt8], _ unitText: [UInt8]) -> (Double, Double)? {
        guard let r = Numbers.double(value) else {
            ctx.reply.error("ERR need numeric radius")
            return nil
        }
        guard r >= 0 else {
            ctx.reply.error("ERR radius cannot be negative")
            return nil
        }
        guard let u = unit(&ctx, unitText) else { return nil }
        return (r, u)
    }

    static func storeResult(_ ctx: inout CommandContext, _ dstBytes: [UInt8], _ items: [([UInt8], Double)], _ flags: Flags) {
        var z = SortedSet()
        for (m, score) in items { z.set(m, score: score) }
        ctx.storeResult(Key(dstBytes), items.isEmpty ? nil : .zset(z), event: (.zset, flags.contains(.search) ? "geosearchstore" : "georadiusstore"))
        ctx.reply.integer(items.count)
    }
}
