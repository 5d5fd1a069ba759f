extension RDBReader {
    /// The value of one key of `type`; nil for an empty collection (skipped, as Redis does).
    mutating func readValue(type: UInt8) throws(RDBError) -> RDBValue? {
        switch type {
        case RDBType.string:
            return .string(try readString())

        case RDBType.list, RDBType.set:
            let n = try readCount()
            var items: [[UInt8]] = []
            items.reserveCapacity(Self.reservation(n))
            for _ in 0..<n { items.append(try readString()) }
            if items.isEmpty { return nil }
            return type == RDBType.list ? .list(items) : .set(items)

        case RDBType.zset, RDBType.zset2:
            let n = try readCount()
            var pairs: [([UInt8], Double)] = []
            pairs.reserveCapacity(Self.reservation(n))
            for _ in 0..<n {
                let member = try readString()
                let score = type == RDBType.zset2 ? try readBinaryDouble() : try readTextDouble()
                guard !score.isNaN else { throw RDBError.corrupt("NaN score in sorted set") }
                pairs.append((member, score))
            }
            return pairs.isEmpty ? nil : .sortedSet(pairs)

        case RDBType.hash:
            let n = try readCount()
            var pairs: [([UInt8], [UInt8])] = []
            pairs.reserveCapacity(Self.reservation(n))
            for _ in 0..<n {
                let field = try readString()
                pairs.append((field, try readString()))
            }
            return pairs.isEmpty ? nil : .hash(pairs)

        case RDBType.listQuicklist, RDBType.listQuicklist2:
            let nodes = try readCount()
            var items: [[UInt8]] = []
            for _ in 0..<nodes {
                var container = 2
                if type == RDBType.listQuicklist2 {
                    container = try readCount()
                    guard container == 1 || container == 2 else {
                        throw RDBError.corrupt("quicklist: invalid node container \(container)")
                    }
                }
                let blob = try readString()
                guard !blob.isEmpty else { throw RDBError.corrupt("quicklist: empty node") }
                if container == 1 {
                    items.append(blob)
                } else if type == RDBType.listQuicklist2 {
                    try Listpack.forEach(blob) { items.append($0.array) }
                } else {
                    try Ziplist.forEach(blob) { items.append($0.array) }
                }
            }
            return items.isEmpty ? nil : .list(items)

        case RDBType.listZiplist:
            var items: [[UInt8]] = []
            try Ziplist.forEach(try readString()) { items.append($0.array) }
            return items.isEmpty ? nil : .list(items)

        case RDBType.setIntset:
            var items: [[UInt8]] = []
            try Intset.forEach(try readString()) { items.append(RDBNumbers.decimal($0)) }
            return items.isEmpty ? nil : .set(items)

        case RDBType.setListpack:
            var items: [[UInt8]] = []
            try Listpack.forEach(try readString()) { items.append($0.array) }
            return items.isEmpty ? nil : .set(items)

        case RDBType.hashZipmap:
            var pairs: [([UInt8], [UInt8])] = []
            let blob = try readString()
            try blob.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(RDBError) in
                try Zipmap.forEachPair(b) { pairs.append(($0, $1)) }
            }
            return pairs.isEmpty ? nil : .hash(pairs)

        case RDBType.hashZiplist, RDBType.hashListpack:
            let blob = try readString()
            var pairs: [([UInt8], [UInt8])] = []
            var field: [UInt8]?
            let collect = { (e: PackedEntry) throws(RDBError) -> Void in
                if let f = field {
                    pairs.append((f, e.array))
                    field = nil
                } else {
                    field = e.array
                }
            }
            if type == RDBType.hashZiplist { try Ziplist.forEach(blob, collect) } else { try Listpack.forEach(blob, collect) }
            guard field == nil else { throw RDBError.corrupt("hash encoding with an odd number of elements") }
            return pairs.isEmpty ? nil : .hash(pairs)

        case RDBType.zsetZiplist, RDBType.zsetListpack:
            let blob = try readString()
            var pairs: [([UInt8], Double)] = []
            var member: [UInt8]?
            let collect = { (e: PackedEntry) throws(RDBError) -> Void in
                if let m = member {
                    pairs.append((m, try e.score()))
                    member = nil
                } else {
                    member = e.array
                }
            }
            if type == RDBType.zsetZiplist { try Ziplist.forEach(blob, collect) } else { try Listpack.forEach(blob, collect) }
            guard member == nil else { throw RDBError.corrupt("sorted set encoding with an odd number of elements") }
            return pairs.isEmpty ? nil : .sortedSet(pairs)

        case RDBType.streamListpacks, RDBType.streamListpacks2, RDBType.streamListpacks3:
            throw RDBError.unsupported("unsupported type: stream (type \(type)); streams are not supported")
        case RDBType.module, RDBType.module2:
            throw RDBError.unsupported("unsupported type: module value (type \(type))")
        default:
            throw RDBError.unsupported("unsupported type \(type)")
        }
    }
}
