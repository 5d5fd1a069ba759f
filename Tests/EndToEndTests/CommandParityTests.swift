import Testing
import RESP
import TestSupport

/// The same command script on miniredis and redis-server: every reply compared byte for byte
/// (replies whose order Redis does not fix, such as set members of a hash-table set, compared
/// as sorted lists), and the keyspace notifications the writes publish compared in order.
@Suite struct CommandParityTests {
    /// A step: the command, and whether its reply is an unordered collection.
    static let script: [([String], Bool)] = [
        // Sets: algebra, stores, cardinality, membership, moves, scans.
        (["SADD", "s1", "a", "b", "c", "d"], false), (["SADD", "s2", "c", "d", "e"], false), (["SADD", "s3", "1", "3", "2"], false),
        (["SINTER", "s1", "s2"], true), (["SUNION", "s1", "s2"], true), (["SDIFF", "s1", "s2"], true), (["SINTER", "s1", "nokey"], true),
        (["SUNION", "s3", "nokey"], false), (["SINTERSTORE", "dst", "s1", "s2"], false), (["SMEMBERS", "dst"], true),
        (["SUNIONSTORE", "dst", "s1", "s2"], false), (["SDIFFSTORE", "dst", "s1", "s2"], false), (["SINTERSTORE", "dst", "s1", "nokey"], false),
        (["EXISTS", "dst"], false), (["SINTERCARD", "2", "s1", "s2"], false), (["SINTERCARD", "2", "s1", "s2", "LIMIT", "1"], false),
        (["SINTERCARD", "0", "s1"], false), (["SINTERCARD", "3", "s1", "s2"], false), (["SINTERCARD", "2", "s1", "s2", "LIMIT", "-1"], false),
        (["SMISMEMBER", "s1", "a", "z", "c"], false), (["SMOVE", "s1", "s2", "a"], false), (["SMOVE", "s1", "s2", "zz"], false),
        (["SMOVE", "nokey", "s2", "a"], false), (["SMEMBERS", "s2"], true), (["SRANDMEMBER", "nokey"], false), (["SRANDMEMBER", "s3", "0"], false),
        (["SCARD", "s2"], false), (["SSCAN", "s3", "0"], false), (["SSCAN", "s3", "0", "MATCH", "2"], false), (["SSCAN", "s3", "x"], false),
        (["SET", "str", "v"], false), (["SINTER", "s1", "str"], false), (["SMOVE", "s1", "str", "b"], false), (["SINTERSTORE", "dst", "str"], false),
        // Lists: edits and moves.
        (["RPUSH", "l", "a", "b", "c", "b", "a", "b"], false), (["LSET", "l", "0", "A"], false), (["LSET", "l", "-1", "B"], false), (["LSET", "l", "99", "x"], false),
        (["LSET", "nokey", "0", "x"], false), (["LREM", "l", "1", "b"], false), (["LRANGE", "l", "0", "-1"], false), (["LREM", "l", "-1", "a"], false),
        (["LREM", "l", "0", "zz"], false), (["LINSERT", "l", "BEFORE", "c", "x"], false), (["LINSERT", "l", "AFTER", "c", "y"], false),
        (["LINSERT", "l", "AFTER", "zz", "y"], false), (["LINSERT", "l", "MIDDLE", "c", "y"], false), (["LRANGE", "l", "0", "-1"], false),
        (["RPUSH", "p", "a", "b", "c", "a", "b", "c", "a"], false), (["LPOS", "p", "a"], false), (["LPOS", "p", "a", "RANK", "2"], false),
        (["LPOS", "p", "a", "RANK", "-1"], false), (["LPOS", "p", "a", "COUNT", "0"], false), (["LPOS", "p", "a", "COUNT", "2", "MAXLEN", "4"], false),
        (["LPOS", "p", "zz"], false), (["LPOS", "p", "a", "RANK", "0"], false), (["LPOS", "p", "a", "COUNT", "-1"], false),
        (["LMOVE", "p", "q", "LEFT", "RIGHT"], false), (["LMOVE", "p", "q", "RIGHT", "LEFT"], false), (["LMOVE", "p", "p", "LEFT", "RIGHT"], false),
        (["RPOPLPUSH", "p", "q"], false), (["LRANGE", "q", "0", "-1"], false), (["LRANGE", "p", "0", "-1"], false), (["RPOPLPUSH", "nokey", "q"], false),
        (["LMOVE", "p", "q", "UP", "LEFT"], false), (["LTRIM", "p", "1", "2"], false), (["LRANGE", "p", "0", "-1"], false), (["LTRIM", "p", "5", "9"], false),
        (["EXISTS", "p"], false), (["LTRIM", "nokey", "0", "1"], false), (["RPUSH", "one", "x"], false), (["LMOVE", "one", "two", "LEFT", "LEFT"], false),
        (["EXISTS", "one"], false), (["LMOVE", "q", "str", "LEFT", "LEFT"], false),
        // Sorted sets: range forms, counts, removals, pops.
        (["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], false), (["ZRANGEBYSCORE", "z", "2", "4"], false),
        (["ZRANGEBYSCORE", "z", "(2", "+inf", "WITHSCORES", "LIMIT", "1", "2"], false), (["ZREVRANGEBYSCORE", "z", "4", "2"], false),
        (["ZREVRANGEBYSCORE", "z", "+inf", "-inf", "WITHSCORES"], false), (["ZREVRANGE", "z", "0", "1"], false), (["ZREVRANGE", "z", "0", "-1", "WITHSCORES"], false),
        (["ZREVRANGE", "z", "0", "1", "BYSCORE"], false), (["ZRANGEBYSCORE", "z", "x", "2"], false), (["ZCOUNT", "z", "2", "(4"], false),
        (["ZCOUNT", "z", "-inf", "+inf"], false), (["ZCOUNT", "nokey", "0", "1"], false), (["ZREVRANK", "z", "a"], false), (["ZREVRANK", "z", "zz"], false),
        (["ZMSCORE", "z", "a", "zz", "e"], false), (["ZMSCORE", "nokey", "a"], false), (["ZPOPMAX", "z"], false), (["ZPOPMAX", "z", "2"], false),
        (["ZREMRANGEBYSCORE", "z", "-inf", "(2"], false), (["ZRANGE", "z", "0", "-1", "WITHSCORES"], false), (["ZADD", "z", "7", "x", "8", "y"], false),
        (["ZREMRANGEBYRANK", "z", "0", "0"], false), (["ZREMRANGEBYRANK", "z", "-1", "-1"], false), (["ZRANGE", "z", "0", "-1"], false),
        (["ZREMRANGEBYRANK", "z", "0", "-1"], false), (["EXISTS", "z"], false), (["ZPOPMAX", "nokey"], false), (["ZADD", "z2", "1.5", "m", "2", "n"], false),
        (["ZSCAN", "z2", "0"], false), (["ZSCAN", "z2", "0", "MATCH", "n"], false), (["ZCOUNT", "str", "0", "1"], false),
        // Sorted sets: lexicographic ranges and algebra.
        (["ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e"], false), (["ZRANGEBYLEX", "lex", "[b", "(d"], false),
        (["ZRANGEBYLEX", "lex", "-", "+", "LIMIT", "1", "2"], false), (["ZREVRANGEBYLEX", "lex", "+", "[c"], false), (["ZRANGE", "lex", "(a", "[c", "BYLEX"], false),
        (["ZRANGE", "lex", "[c", "-", "BYLEX", "REV", "LIMIT", "0", "1"], false), (["ZRANGE", "lex", "-", "+", "BYLEX", "WITHSCORES"], false),
        (["ZRANGEBYLEX", "lex", "b", "d"], false), (["ZLEXCOUNT", "lex", "[b", "+"], false), (["ZREMRANGEBYLEX", "lex", "-", "[b"], false),
        (["ZRANGE", "lex", "0", "-1"], false), (["ZADD", "za", "1", "x", "2", "y", "3", "z"], false), (["ZADD", "zb", "10", "y", "20", "z", "30", "w"], false),
        (["ZUNIONSTORE", "zu", "2", "za", "zb"], false), (["ZRANGE", "zu", "0", "-1", "WITHSCORES"], false),
        (["ZUNIONSTORE", "zu", "2", "za", "zb", "WEIGHTS", "2", "0.5", "AGGREGATE", "MAX"], false), (["ZRANGE", "zu", "0", "-1", "WITHSCORES"], false),
        (["ZINTERSTORE", "zi", "2", "za", "zb", "AGGREGATE", "MIN"], false), (["ZRANGE", "zi", "0", "-1", "WITHSCORES"], false),
        (["ZDIFFSTORE", "zd", "2", "za", "zb"], false), (["ZRANGE", "zd", "0", "-1", "WITHSCORES"], false), (["ZUNION", "2", "za", "zb", "WITHSCORES"], false),
        (["ZINTER", "2", "za", "zb"], false), (["ZDIFF", "2", "zb", "za", "WITHSCORES"], false), (["ZINTERCARD", "2", "za", "zb"], false),
        (["ZINTERCARD", "2", "za", "zb", "LIMIT", "1"], false), (["ZUNIONSTORE", "zs", "2", "za", "s3"], false), (["ZRANGE", "zs", "0", "-1", "WITHSCORES"], false),
        (["ZINTERSTORE", "zi", "2", "za", "nokey"], false), (["EXISTS", "zi"], false), (["ZUNIONSTORE", "zu", "0", "za"], false),
        (["ZUNIONSTORE", "zu", "3", "za", "zb"], false), (["ZUNIONSTORE", "zu", "2", "za", "zb", "WEIGHTS", "1"], false),
        (["ZUNIONSTORE", "zu", "2", "za", "zb", "WEIGHTS", "1", "x"], false), (["ZUNIONSTORE", "zu", "1", "str"], false),
        (["ZDIFF", "2", "za", "zb", "AGGREGATE", "SUM"], false), (["ZADD", "inf", "+inf", "a"], false), (["ZADD", "ninf", "-inf", "a"], false),
        (["ZUNION", "2", "inf", "ninf", "WITHSCORES"], false), (["ZUNION", "2", "inf", "za", "WEIGHTS", "0", "1", "WITHSCORES"], false),
        // Multi-key pops and ZRANGESTORE.
        (["RPUSH", "mp1", "a", "b", "c"], false), (["LMPOP", "2", "nokey", "mp1", "LEFT"], false), (["LMPOP", "2", "nokey", "mp1", "RIGHT", "COUNT", "5"], false),
        (["EXISTS", "mp1"], false), (["LMPOP", "1", "mp1", "LEFT"], false), (["LMPOP", "0", "mp1", "LEFT"], false), (["LMPOP", "x", "mp1", "LEFT"], false),
        (["LMPOP", "3", "mp1", "LEFT"], false), (["LMPOP", "1", "mp1", "UP"], false), (["LMPOP", "1", "mp1", "LEFT", "COUNT", "0"], false),
        (["LMPOP", "1", "mp1", "LEFT", "COUNT", "1", "COUNT", "2"], false), (["LMPOP", "1", "str", "LEFT"], false),
        (["ZADD", "mz", "1", "a", "2", "b", "3", "c"], false), (["ZMPOP", "1", "mz", "MIN"], false), (["ZMPOP", "2", "nokey", "mz", "MAX", "COUNT", "10"], false),
        (["ZMPOP", "1", "mz", "MIN"], false), (["ZMPOP", "1", "mz", "LEFT"], false),
        (["ZADD", "rs", "1", "a", "2", "b", "3", "c", "4", "d"], false), (["ZRANGESTORE", "rsd", "rs", "1", "2"], false), (["ZRANGE", "rsd", "0", "-1", "WITHSCORES"], false),
        (["ZRANGESTORE", "rsd", "rs", "(1", "+inf", "BYSCORE", "LIMIT", "0", "2"], false), (["ZRANGE", "rsd", "0", "-1", "WITHSCORES"], false),
        (["ZRANGESTORE", "rsd", "rs", "[c", "-", "BYLEX", "REV"], false), (["ZRANGESTORE", "rsd", "nokey", "0", "-1"], false), (["EXISTS", "rsd"], false),
        (["ZRANGESTORE", "rsd", "rs", "0", "-1", "WITHSCORES"], false),
        // Geo (searches with an order: without one Redis answers in its geohash boxes' order).
        (["GEOADD", "sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"], false),
        (["GEOADD", "sicily", "CH", "XX", "13.361389", "38.115556", "Palermo"], false), (["GEOADD", "sicily", "NX", "XX", "1", "1", "x"], false),
        (["GEOADD", "sicily", "181", "10", "bad"], false), (["GEOADD", "sicily", "10", "86", "bad"], false), (["GEOADD", "sicily", "x", "10", "bad"], false),
        (["GEOADD", "sicily", "10", "10"], false), (["GEODIST", "sicily", "Palermo", "Catania"], false), (["GEODIST", "sicily", "Palermo", "Catania", "km"], false),
        (["GEODIST", "sicily", "Palermo", "Catania", "mi"], false), (["GEODIST", "sicily", "Palermo", "nobody"], false), (["GEODIST", "sicily", "Palermo", "Catania", "yards"], false),
        (["GEOPOS", "sicily", "Palermo", "Catania", "nobody"], false), (["GEOHASH", "sicily", "Palermo", "Catania", "nobody"], false),
        (["GEOADD", "sicily", "12.758489", "38.788135", "edge1", "17.241510", "38.788135", "edge2"], false),
        (["GEORADIUS", "sicily", "15", "37", "200", "km", "WITHDIST", "ASC"], false), (["GEORADIUS", "sicily", "15", "37", "300", "km", "WITHCOORD", "WITHDIST", "WITHHASH", "DESC"], false),
        (["GEORADIUS", "sicily", "15", "37", "300", "km", "COUNT", "2"], false), (["GEORADIUSBYMEMBER", "sicily", "Palermo", "250", "km", "ASC", "WITHDIST"], false),
        (["GEORADIUS_RO", "sicily", "15", "37", "200", "km", "ASC", "STORE", "x"], false), (["GEORADIUS", "sicily", "15", "37", "-1", "km"], false),
        (["GEORADIUS", "sicily", "15", "37", "x", "km"], false), (["GEORADIUS", "sicily", "15", "37", "200", "km", "COUNT", "0"], false),
        (["GEORADIUS", "sicily", "15", "37", "200", "km", "ANY"], false), (["GEORADIUSBYMEMBER", "sicily", "nobody", "1", "km"], false),
        (["GEOSEARCH", "sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC", "WITHCOORD", "WITHDIST"], false),
        (["GEOSEARCH", "sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "200", "km", "DESC"], false),
        (["GEOSEARCH", "sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "1", "WITHHASH"], false),
        (["GEOSEARCH", "sicily", "BYRADIUS", "200", "km"], false), (["GEOSEARCH", "sicily", "FROMLONLAT", "15", "37"], false),
        (["GEOSEARCH", "sicily", "FROMLONLAT", "15", "37", "BYBOX", "-1", "1", "km"], false), (["GEOSEARCH", "nokey", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"], false),
        (["GEOSEARCHSTORE", "geodst", "sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"], false), (["ZRANGE", "geodst", "0", "-1", "WITHSCORES"], false),
        // (The stored distances are compared through ZRANGEBYSCORE: Redis 7.0 prints a score with
        // 17 digits, 7.2 and miniredis in the shortest form that reads back.)
        (["GEOSEARCHSTORE", "geodst", "sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC", "STOREDIST"], false),
        (["ZRANGEBYSCORE", "geodst", "56.44", "56.45"], false), (["ZRANGEBYSCORE", "geodst", "190.44", "190.45"], false),
        (["GEOSEARCHSTORE", "geodst", "sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHDIST"], false),
        (["GEORADIUS", "sicily", "15", "37", "200", "km", "STORE", "geodst2"], false), (["ZCARD", "geodst2"], false),
        (["GEOSEARCHSTORE", "geodst", "nokey", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"], false), (["EXISTS", "geodst"], false),
        (["GEOPOS", "str", "a"], false),
        // LCS.
        (["MSET", "lcs1", "ohmytext", "lcs2", "mynewtext"], false), (["LCS", "lcs1", "lcs2"], false), (["LCS", "lcs1", "lcs2", "LEN"], false),
        (["LCS", "lcs1", "lcs2", "IDX"], false), (["LCS", "lcs1", "lcs2", "IDX", "MINMATCHLEN", "4"], false),
        (["LCS", "lcs1", "lcs2", "IDX", "MINMATCHLEN", "2", "WITHMATCHLEN"], false), (["LCS", "lcs1", "nokey"], false),
        (["LCS", "lcs1", "lcs2", "LEN", "IDX"], false), (["LCS", "lcs1", "l"], false), (["LCS", "lcs1", "lcs2", "BOGUS"], false),
        (["MSET", "lcs3", "abcabcabc", "lcs4", "cbacbacba"], false), (["LCS", "lcs3", "lcs4", "IDX", "WITHMATCHLEN"], false),
        // SORT.
        (["RPUSH", "sl", "3", "1", "10", "2"], false), (["SORT", "sl"], false), (["SORT", "sl", "DESC"], false), (["SORT", "sl", "ALPHA"], false),
        (["SORT", "sl", "LIMIT", "1", "2"], false), (["SORT", "sl", "LIMIT", "-1", "-1"], false), (["RPUSH", "words", "b", "a", "c"], false),
        (["SORT", "words"], false), (["SORT", "words", "ALPHA", "DESC"], false),
        (["MSET", "w_3", "30", "w_1", "20", "w_10", "10", "w_2", "40"], false), (["SORT", "sl", "BY", "w_*"], false), (["SORT", "sl", "BY", "nosort"], false),
        (["SORT", "sl", "BY", "w_*", "GET", "#", "GET", "w_*", "GET", "missing_*"], false),
        (["HSET", "u_1", "age", "30", "name", "ann"], false), (["HSET", "u_2", "age", "20", "name", "bob"], false), (["RPUSH", "uids", "1", "2"], false),
        (["SORT", "uids", "BY", "u_*->age", "GET", "u_*->name"], false), (["SORT", "uids", "BY", "u_*->age", "DESC", "GET", "#", "STORE", "sorted"], false),
        (["LRANGE", "sorted", "0", "-1"], false), (["SADD", "sset", "c", "a", "b"], false), (["SORT", "sset", "ALPHA"], false),
        (["SORT", "sset", "BY", "nosort", "STORE", "sset_sorted"], false), (["LRANGE", "sset_sorted", "0", "-1"], false),
        (["ZADD", "szs", "1", "x", "2", "y"], false), (["SORT", "szs", "BY", "nosort", "DESC"], false), (["SORT", "nokey"], false),
        (["SORT", "nokey", "STORE", "sorted"], false), (["EXISTS", "sorted"], false), (["SORT", "str"], false), (["SORT", "sl", "BOGUS"], false),
        (["SORT_RO", "sl", "STORE", "x"], false), (["SORT_RO", "sl", "DESC"], false), (["SORT", "sl", "LIMIT", "a", "1"], false),
        // Hashes: scans.
        (["HSET", "h", "f1", "v1", "f2", "v2"], false), (["HSCAN", "h", "0"], false), (["HSCAN", "h", "0", "MATCH", "*2"], false), (["HSCAN", "nokey", "0"], false),
        (["HSCAN", "h", "0", "COUNT", "0"], false), (["HSCAN", "str", "0"], false),
        (["HRANDFIELD", "h", "10"], true), (["HRANDFIELD", "h", "5", "WITHVALUES"], true), (["HRANDFIELD", "h", "0"], false), (["HRANDFIELD", "nokey"], false),
        (["HRANDFIELD", "nokey", "3"], false), (["HRANDFIELD", "str", "1"], false), (["HRANDFIELD", "h", "1", "WITHSCORES"], false), (["HRANDFIELD", "h", "x"], false),
        (["ZRANDMEMBER", "z2", "9", "WITHSCORES"], true), (["ZADD", "single", "1", "m"], false), (["ZRANDMEMBER", "single", "-3", "WITHSCORES"], false), (["ZRANDMEMBER", "nokey"], false), (["ZRANDMEMBER", "z2", "0"], false),
        // Keys: TOUCH, COPY.
        (["TOUCH", "str", "h", "nokey"], false), (["COPY", "str", "str2"], false), (["GET", "str2"], false), (["COPY", "str", "str2"], false),
        (["SET", "str", "v2", "EX", "100"], false), (["COPY", "str", "str2", "REPLACE"], false), (["GET", "str2"], false), (["TTL", "str2"], false),
        (["COPY", "h", "h2", "DB", "1"], false), (["COPY", "str", "str", "DB", "0"], false), (["COPY", "nokey", "x"], false), (["COPY", "h", "hx", "DB", "99"], false),
        (["COPY", "h", "hx", "BOGUS"], false), (["SELECT", "1"], false), (["HGETALL", "h2"], false), (["SELECT", "0"], false),
        (["SET", "mv", "1"], false), (["MOVE", "mv", "1"], false), (["MOVE", "mv", "1"], false), (["SET", "mv", "2"], false), (["MOVE", "mv", "1"], false),
        (["MOVE", "mv", "0"], false), (["MOVE", "mv", "x"], false), (["MOVE", "mv", "99"], false),
        (["SELECT", "3"], false), (["SET", "in3", "three"], false), (["SELECT", "0"], false), (["SWAPDB", "0", "3"], false), (["GET", "in3"], false),
        (["EXISTS", "s1"], false), (["SWAPDB", "3", "0"], false), (["GET", "in3"], false), (["SWAPDB", "0", "0"], false), (["SWAPDB", "x", "0"], false),
        (["SWAPDB", "0", "y"], false), (["SWAPDB", "0", "99"], false), (["SWAPDB", "-1", "0"], false),
        // Bitmaps.
        (["SETBIT", "bits", "7", "1"], false), (["SETBIT", "bits", "7", "0"], false), (["SETBIT", "bits", "100", "1"], false), (["GETBIT", "bits", "100"], false),
        (["GETBIT", "bits", "1000"], false), (["GETBIT", "nokey", "0"], false), (["SETBIT", "bits", "-1", "1"], false), (["SETBIT", "bits", "1", "2"], false),
        (["SETBIT", "bits", "4294967296", "1"], false), (["STRLEN", "bits"], false), (["SET", "b2", "foobar"], false), (["BITCOUNT", "b2"], false),
        (["BITCOUNT", "b2", "0", "0"], false), (["BITCOUNT", "b2", "1", "1"], false), (["BITCOUNT", "b2", "-2", "-1"], false), (["BITCOUNT", "b2", "5", "30", "BIT"], false),
        (["BITCOUNT", "b2", "0"], false), (["BITCOUNT", "b2", "0", "1", "NIBBLE"], false), (["BITCOUNT", "nokey"], false),
        (["SET", "b3", "\u{ff}\u{f0}\u{00}"], false), (["BITPOS", "b3", "0"], false), (["BITPOS", "b3", "1", "2"], false), (["BITPOS", "b3", "1", "0", "-1", "BIT"], false),
        (["SET", "ones", "\u{7f}"], false), (["BITPOS", "nokey", "0"], false), (["BITPOS", "nokey", "1"], false), (["BITPOS", "b2", "2"], false),
        (["BITOP", "AND", "band", "b2", "b3"], false), (["GET", "band"], false), (["BITOP", "OR", "bor", "b2", "nokey"], false), (["GET", "bor"], false),
        (["BITOP", "XOR", "bx", "b2", "b2"], false), (["BITOP", "NOT", "bn", "b2"], false), (["GET", "bn"], false), (["BITOP", "NOT", "bn", "b2", "b3"], false),
        (["BITOP", "NOPE", "bn", "b2"], false), (["BITOP", "AND", "bor", "nokey", "nokey2"], false), (["EXISTS", "bor"], false), (["BITOP", "AND", "x", "l"], false),
    ]

    static func run(_ server: ServerProcess) throws -> (replies: [String], events: [String]) {
        let c = try server.connect()
        _ = try c.call("CONFIG", "SET", "notify-keyspace-events", "KEA")
        let sub = try server.connect()
        _ = try sub.call("PSUBSCRIBE", "__keyevent@*__:*")
        var replies: [String] = []
        for (command, unordered) in Self.script {
            if unordered {
                let members = (try c.call(command).elements ?? []).map { $0.text ?? "?" }.sorted()
                replies.append("\(command.joined(separator: " ")) -> {\(members.joined(separator: ","))}")
            } else {
                replies.append("\(command.joined(separator: " ")) -> \(try c.raw(command))")
            }
        }
        let events = try sub.patternMessagesBeforePong()
        return (replies, events)
    }

    /// Every key of databases 0 and 1 with its type and contents, in a canonical order.
    static func dataset(_ c: RedisConnection) throws -> [String] {
        var out: [String] = []
        for db in ["0", "1"] {
            _ = try c.call("SELECT", db)
            for key in (try c.call("KEYS", "*").elements ?? []).compactMap(\.text).sorted() {
                let type = try c.call("TYPE", key).text ?? "?"
                let body: [String]
                switch type {
                case "string": body = [try c.call("GET", key).text ?? "?"]
                case "list": body = (try c.call("LRANGE", key, "0", "-1").elements ?? []).map { $0.text ?? "?" }
                case "set": body = (try c.call("SMEMBERS", key).elements ?? []).map { $0.text ?? "?" }.sorted()
                case "hash": body = (try c.call("HGETALL", key).elements ?? []).map { $0.text ?? "?" }
                case "zset": body = (try c.call("ZRANGE", key, "0", "-1", "WITHSCORES").elements ?? []).map { $0.text ?? "?" }
                default: body = []
                }
                let ttl = (try c.call("PTTL", key).integerValue ?? -1) > 0 ? " (expires)" : ""
                out.append("db\(db) \(key) \(type)\(ttl): \(body.joined(separator: ","))")
            }
        }
        _ = try c.call("SELECT", "0")
        return out
    }

    /// The script's writes reach a replica as a stream it applies to the same dataset.
    @Test func aReplicaEndsWithTheMastersDataset() throws {
        let master = try ServerProcess.miniredis(["--repl-diskless-sync-delay", "0"])
        let replica = try ServerProcess.miniredis(["--replicaof", "127.0.0.1", "\(master.port)"])
        let r = try replica.connect()
        try ReplicationProbe.waitLinked(r)
        _ = try Self.run(master)
        let m = try master.connect()
        let expected = try Self.dataset(m)
        #expect(expected.count > 10)
        #expect(try m.call("WAIT", "1", "5000") == .integer(1))
        try Wait.until(timeoutSeconds: 20, "the replica's dataset equals the master's") { try Self.dataset(r) == expected }
    }

    /// Geo commands over a sorted set whose scores are no geohashes (negative, fractional, huge,
    /// infinite): such members have no position, and the node keeps serving.
    @Test func geoOverPlainScoresNeverTraps() throws {
        let server = try ServerProcess.miniredis()
        let c = try server.connect()
        _ = try c.call("ZADD", "plain", "-1", "neg", "1.5", "frac", "1e300", "huge", "inf", "infinite", "12345", "ok")
        let pos = try c.call("GEOPOS", "plain", "neg", "frac", "huge", "infinite", "ok").elements ?? []
        func isNil(_ v: RESPValue) -> Bool { v == .null || v == .nullArray }
        #expect(pos.count == 5 && isNil(pos[0]) && isNil(pos[2]) && isNil(pos[3]) && pos[4].elements?.count == 2, "\(pos)")
        #expect(try c.call("GEOHASH", "plain", "neg", "huge").elements?.allSatisfy { $0 == .null } == true)
        _ = try c.call("GEOSEARCH", "plain", "FROMLONLAT", "0", "0", "BYRADIUS", "20000", "km", "ASC")
        #expect(try c.call("PING") == .simpleString(Array("PONG".utf8)))
    }

    @Test func collectionCommandsAsRedis() throws {
        let ours = try Self.run(try ServerProcess.miniredis())
        guard let redisServer = try ServerProcess.redisServer() else { return }
        let redis = try Self.run(redisServer)
        for (mine, theirs) in zip(ours.replies, redis.replies) where mine != theirs {
            Issue.record("ours:  \(mine.debugDescription)\nredis: \(theirs.debugDescription)")
        }
        #expect(ours.events == redis.events, "ours:\n\(ours.events.joined(separator: "\n"))\nredis:\n\(redis.events.joined(separator: "\n"))")
        print("command parity: \(ours.replies.count) replies, \(ours.events.count) notifications compared")
    }
}
