import Foundation
import Testing
import TestSupport

/// ACL rules, checks, errors and the log on miniredis and redis-server in one run: the same
/// script on both, each reply compared byte for byte. The script keeps to users whose ACL LIST
/// line redis-server 7.0 and 7.2 write alike (7.0 recomputes a minimal rule list, 7.2 and we
/// keep the rules as given; ACLRuleTests covers that form).
@Suite struct ACLParityTests {
    /// (connection, command): connection 0 is the admin (default user), 1 logs in as `app`.
    static let script: [(Int, [String])] = [
        (0, ["ACL", "SETUSER", "ro", "on", "#" + String(repeating: "a", count: 64), "~cache:*", "%W~log:*", "&news.*", "-@all", "+@read"]),
        (0, ["ACL", "LIST"]),
        (0, ["ACL", "GETUSER", "ro"]),
        (0, ["ACL", "SETUSER", "app", "on", ">apppw", "~app:*", "%R~shared:*", "&news.*", "-@all", "+@read"]),
        (0, ["ACL", "SETUSER", "app", "+@write", "+publish", "+subscribe", "-flushall"]),
        (0, ["ACL", "GETUSER", "nosuch"]),
        (0, ["ACL", "USERS"]),
        (0, ["ACL", "DRYRUN", "app", "get", "app:1"]),
        (0, ["ACL", "DRYRUN", "app", "get", "other"]),
        (0, ["ACL", "DRYRUN", "app", "set", "shared:1", "x"]),
        (0, ["ACL", "DRYRUN", "app", "get", "shared:1"]),
        (0, ["ACL", "DRYRUN", "app", "incr", "shared:1"]),
        (0, ["ACL", "DRYRUN", "app", "flushall"]),
        (0, ["ACL", "DRYRUN", "app", "config", "get", "maxmemory"]),
        (0, ["ACL", "DRYRUN", "app", "publish", "news.a", "m"]),
        (0, ["ACL", "DRYRUN", "app", "publish", "sports", "m"]),
        (0, ["ACL", "DRYRUN", "app", "zunionstore", "app:d", "2", "app:a", "shared:b"]),
        (0, ["ACL", "DRYRUN", "app", "zunionstore", "shared:d", "1", "app:a"]),
        (0, ["ACL", "DRYRUN", "app", "sort", "app:l", "STORE", "shared:x"]),
        (0, ["ACL", "DRYRUN", "app", "nosuch"]),
        (0, ["ACL", "DRYRUN", "app", "get"]),
        (0, ["ACL", "DRYRUN", "nouser", "get", "a"]),
        (1, ["AUTH", "app", "wrong"]),
        (1, ["AUTH", "app", "apppw"]),
        (1, ["ACL", "WHOAMI"]),
        (1, ["SET", "app:1", "v"]),
        (1, ["GET", "app:1"]),
        (1, ["GET", "other"]),
        (1, ["MSET", "app:2", "x", "other", "y"]),
        (1, ["EXISTS", "app:2"]),
        (1, ["CONFIG", "GET", "maxmemory"]),
        (1, ["FLUSHALL"]),
        (1, ["PUBLISH", "news.a", "hello"]),
        (1, ["PUBLISH", "sports", "hello"]),
        (1, ["MULTI"]),
        (1, ["GET", "other"]),
        (1, ["EXEC"]),
        (0, ["ACL", "SETUSER", "app", "+@transaction"]),
        (1, ["MULTI"]),
        (1, ["GET", "app:1"]),
        (0, ["ACL", "SETUSER", "app", "resetkeys", "~other"]),
        (1, ["EXEC"]),
        (0, ["ACL", "SETUSER", "app", "resetkeys", "~app:*"]),
        (0, ["ACL", "SETUSER", "app", "+nosuch"]),
        (0, ["ACL", "SETUSER", "app", "+@nosuch"]),
        (0, ["ACL", "SETUSER", "app", "+config|nosuch"]),
        (0, ["ACL", "SETUSER", "app", "+config|get|x"]),
        (0, ["ACL", "SETUSER", "app", "bogus"]),
        (0, ["ACL", "SETUSER", "app", "%X~k"]),
        (0, ["ACL", "SETUSER", "app", "#abc"]),
        (0, ["ACL", "SETUSER", "app", "<notapassword"]),
        (0, ["ACL", "SETUSER", "all", "allkeys", "~more"]),
        (0, ["ACL", "SETUSER", "all", "allchannels", "&more"]),
        (0, ["ACL", "CAT"]),
        (0, ["ACL", "CAT", "nosuch"]),
        (0, ["ACL", "CAT", "a", "b"]),
        (0, ["ACL", "GENPASS", "0"]),
        (0, ["ACL", "GENPASS", "4097"]),
        (0, ["ACL", "LOG", "x"]),
        (0, ["ACL", "LOG", "1", "2"]),
        (0, ["ACL", "SAVE"]),
        (0, ["ACL", "LOAD"]),
        (0, ["ACL", "GETUSER"]),
        (0, ["ACL", "NOSUCH"]),
        (0, ["ACL", "HELP"]),
        (0, ["ACL", "DELUSER", "app", "ro", "nosuch"]),
    ]

    static func run(port: Int) throws -> [String] {
        let conns = [try RedisConnection(port: port), try RedisConnection(port: port)]
        return try script.map { try conns[$0.0].raw($0.1) }
    }

    /// The log's entries without the fields that differ between runs (age, client info).
    static func logSummary(port: Int) throws -> [String] {
        let c = try RedisConnection(port: port)
        guard case .array(let entries) = try c.call("ACL", "LOG") else { return ["not an array"] }
        return entries.map { e in
            guard case .array(let kv) = e else { return "?" }
            var fields: [String: String] = [:]
            for i in stride(from: 0, to: kv.count - 1, by: 2) { fields[kv[i].text ?? ""] = kv[i + 1].text ?? "" }
            return ["count", "reason", "context", "object", "username"].map { fields[$0] ?? "-" }.joined(separator: " ")
        }
    }

    @Test func sameRepliesAsRedisServer() throws {
        let node = try ServerProcess.miniredis()
        let ours = try Self.run(port: node.port)
        let ourLog = try Self.logSummary(port: node.port)
        // What must hold whether or not redis-server is here to compare with.
        #expect(ours[27] == "-NOPERM this user has no permissions to access one of the keys used as arguments\r\n")
        #expect(ours[30] == "-NOPERM this user has no permissions to run the 'config|get' command\r\n")
        #expect(ourLog.contains("1 command toplevel config|get app"))
        #expect(ourLog.contains("1 auth toplevel AUTH app"))
        guard let real = try ServerProcess.redisServer() else { return }
        let theirs = try Self.run(port: real.port)
        for (i, step) in Self.script.enumerated() where ours[i] != theirs[i] {
            Issue.record("\(step.1.joined(separator: " ")): ours \(ours[i].debugDescription) redis-server \(theirs[i].debugDescription)")
        }
        #expect(ourLog == (try Self.logSummary(port: real.port)))
    }

    /// Every command miniredis has is in the same ACL categories as in redis-server (the catalog
    /// is read off redis-server 7.0.15; this catches a drift in either direction).
    @Test func categoriesAsRedisServer() throws {
        guard let real = try ServerProcess.redisServer() else { return }
        let node = try ServerProcess.miniredis()
        let ours = try RedisConnection(port: node.port), theirs = try RedisConnection(port: real.port)
        // FENCING is miniredis's own: Redis has no category for it to compare.
        let ourNames = Set((try ours.call("COMMAND", "LIST")).elements?.compactMap(\.text) ?? []).subtracting(["fencing"])
        #expect(ourNames.count > 150)
        #expect(try ours.raw("ACL", "CAT") == theirs.raw("ACL", "CAT"))
        for category in (try theirs.call("ACL", "CAT")).elements?.compactMap(\.text) ?? [] {
            let mine = Set((try ours.call("ACL", "CAT", category)).elements?.compactMap(\.text) ?? []).subtracting(["fencing"])
            let redis = Set((try theirs.call("ACL", "CAT", category)).elements?.compactMap(\.text) ?? [])
            let redisOurs = redis.filter { ourNames.contains($0.split(separator: "|").first.map(String.init) ?? $0) }
            #expect(mine == redisOurs, "@\(category): only ours \(mine.subtracting(redisOurs).sorted()), only redis-server's \(redisOurs.subtracting(mine).sorted())")
        }
    }
}
