import ACL
import RESP
import Testing

/// The ACL's rules on their own: passwords, command and category rules, key and channel
/// patterns, and how a user is described (as Redis 7.2 describes it).
@Suite struct ACLRuleTests {
    static let catalog = ACLCatalog.redis(extra: ["fencing admin slow dangerous"])

    static func user(_ rules: String...) throws -> ACLUser {
        var u = ACLUser(name: "u", catalog: catalog)
        for r in rules {
            if let why = u.apply(Array(r.utf8), catalog: catalog) { throw ACLTestError(text: "\(r): \(why)") }
        }
        return u
    }

    static func call(_ words: String...) -> [[UInt8]] { words.map { Array($0.utf8) } }

    static func users(_ rules: String...) -> ACLUsers {
        var acl = ACLUsers(catalog: catalog)
        #expect(acl.setUser("u", rules: rules.map { Array($0.utf8) }) == nil)
        return acl
    }

    @Test func sha256MatchesKnownDigests() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // Two blocks: the 56-byte message of FIPS 180-4's example.
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // Redis's own example: ACL GETUSER of a user with >p1.
        #expect(SHA256.hex(Array("p1".utf8)) == "f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a")
    }

    @Test func passwordsAreKeptAsHashes() throws {
        var u = try Self.user("on", ">p1", ">p2", "<p1")
        #expect(u.acceptsPassword(Array("p2".utf8)))
        #expect(!u.acceptsPassword(Array("p1".utf8)))
        #expect(u.passwordHashes == [SHA256.hex(Array("p2".utf8))])
        #expect(u.apply(Array("<nope".utf8), catalog: Self.catalog) == "The password you are trying to remove from the user does not exist")
        #expect(u.apply(Array("#abc".utf8), catalog: Self.catalog)?.hasPrefix("The password hash must be exactly 64 characters") == true)
        _ = u.apply(Array(("#" + SHA256.hex(Array("p3".utf8))).utf8), catalog: Self.catalog)
        #expect(u.acceptsPassword(Array("p3".utf8)))
        _ = u.apply(Array("off".utf8), catalog: Self.catalog)
        #expect(!u.acceptsPassword(Array("p3".utf8)), "a user that is off cannot log in")
        let open = try Self.user("on", "nopass")
        #expect(open.acceptsPassword(Array("anything".utf8)))
    }

    /// The rules as ACL GETUSER shows them: Redis 7.2 keeps them in order, a later rule for the
    /// same command or category replacing the earlier one, and +@all / -@all starting over.
    @Test func commandRulesDescribedAsRedis72() throws {
        let cases: [([String], String)] = [
            (["+@all", "-debug", "+get", "-@dangerous", "+config|get"], "+@all -debug +get -@dangerous +config|get"),
            (["+get", "+set", "-get"], "-@all +set -get"),
            (["+config", "-config|set"], "-@all +config -config|set"),
            (["+config|get", "+config"], "-@all +config"),
            (["+@read", "-@read"], "-@all -@read"),
            (["allcommands", "-get", "nocommands", "+set"], "-@all +set"),
            (["+select|0"], "-@all +select|0"),
        ]
        for (rules, described) in cases {
            var u = ACLUser(name: "u", catalog: Self.catalog)
            for r in rules { #expect(u.apply(Array(r.utf8), catalog: Self.catalog) == nil, "\(r)") }
            #expect(u.commandDescription == described, "\(rules)")
        }
    }

    @Test func commandAndSubcommandPermissions() {
        let acl = Self.users("on", "nopass", "~*", "&*", "+@all", "-@dangerous", "+config|get")
        #expect(acl.denial(user: "u", command: "get", Self.call("get", "k")) == nil)
        #expect(acl.denial(user: "u", command: "flushall", Self.call("flushall")) == .command)
        #expect(acl.denial(user: "u", command: "config", Self.call("config", "get", "x")) == nil)
        #expect(acl.denial(user: "u", command: "config", Self.call("CONFIG", "SET", "x", "y")) == .command)
        #expect(acl.entryName(command: "config", Self.call("config", "SET", "x", "y")) == "config|set")
        // CLIENT ID is @connection, CLIENT KILL @dangerous as well.
        #expect(acl.denial(user: "u", command: "client", Self.call("client", "id")) == nil)
        #expect(acl.denial(user: "u", command: "client", Self.call("client", "kill", "1.2.3.4:5")) == .command)
        let firstArg = Self.users("on", "nopass", "~*", "-@all", "+select|0")
        #expect(firstArg.denial(user: "u", command: "select", Self.call("select", "0")) == nil)
        #expect(firstArg.denial(user: "u", command: "select", Self.call("select", "1")) == .command)
        // A command the catalog does not know runs only for +@all.
        #expect(Self.users("on", "+@all").denial(user: "u", command: "nosuch", Self.call("nosuch")) == nil)
        #expect(Self.users("on", "+@read").denial(user: "u", command: "nosuch", Self.call("nosuch")) == .command)
    }

    /// Key specs decide what each key needs: one pattern must carry all of it, as in Redis.
    @Test func keyPatternsByAccess() {
        let acl = Self.users("on", "nopass", "+@all", "~app:*", "%R~shared:*", "%W~log:*")
        func denied(_ words: String...) -> ACLUsers.Denial? { acl.denial(user: "u", command: words[0], words.map { Array($0.utf8) }) }
        #expect(denied("get", "app:1") == nil)
        #expect(denied("get", "other") == .key(position: 1))
        #expect(denied("get", "shared:1") == nil)
        #expect(denied("set", "shared:1", "v") == .key(position: 1))
        #expect(denied("set", "log:1", "v") == nil, "SET without GET only writes")
        #expect(denied("set", "log:1", "v", "GET") == .key(position: 1), "SET … GET reads too")
        #expect(denied("incr", "log:1") == .key(position: 1), "INCR reads and writes")
        #expect(denied("lpush", "log:1", "x") == nil, "LPUSH only inserts")
        #expect(denied("zunionstore", "app:d", "2", "app:a", "shared:b") == nil)
        #expect(denied("zunionstore", "shared:d", "1", "app:a") == .key(position: 1))
        #expect(denied("zunionstore", "app:d", "2", "app:a", "log:b") == .key(position: 4))
        #expect(denied("sort", "app:l", "STORE", "shared:x") == .key(position: 3))
        #expect(denied("mset", "app:1", "v", "other", "v") == .key(position: 3))
        #expect(denied("georadius", "app:g", "0", "0", "1", "km", "STORE", "shared:x") == .key(position: 7), "a STORE keyword's key is written")
        // Two patterns that both match, one readable and one writable, do not add up…
        let split = Self.users("on", "+@all", "%R~k*", "%W~k")
        #expect(split.denial(user: "u", command: "incr", Self.call("incr", "k")) == .key(position: 1))
        // …but the same pattern given twice merges its flags, as redis-server does (`~k`).
        let merged = Self.users("on", "+@all", "%R~k", "%W~k")
        #expect(merged.denial(user: "u", command: "incr", Self.call("incr", "k")) == nil)
        #expect(merged.users["u"]?.keysDescription == "~k")
    }

    @Test func channelPatterns() {
        let acl = Self.users("on", "+@all", "~*", "&news.*")
        #expect(acl.denial(user: "u", command: "publish", Self.call("publish", "news.a", "m")) == nil)
        #expect(acl.denial(user: "u", command: "publish", Self.call("publish", "other", "m")) == .channel(position: 1))
        #expect(acl.denial(user: "u", command: "subscribe", Self.call("subscribe", "news.a", "x")) == .channel(position: 2))
        // PSUBSCRIBE needs the very pattern, not one the user's pattern would match.
        #expect(acl.denial(user: "u", command: "psubscribe", Self.call("psubscribe", "news.*")) == nil)
        #expect(acl.denial(user: "u", command: "psubscribe", Self.call("psubscribe", "news.a*")) == .channel(position: 1))
    }

    @Test func badRulesAreRefusedWithRedisText() throws {
        var acl = ACLUsers(catalog: Self.catalog)
        let cases: [(String, String)] = [
            ("+nosuch", "Unknown command or category name in ACL"),
            ("+@nosuch", "Unknown command or category name in ACL"),
            ("+config|nosuch", "Unknown command or category name in ACL"),
            ("+config|get|x", "Allowing first-arg of a subcommand is not supported"),
            ("bogus", "Syntax error"),
            ("%X~a", "Syntax error"),
            ("(+get ~k)", "Selectors are not supported by this server"),
        ]
        for (rule, why) in cases {
            #expect(acl.setUser("u", rules: [Array(rule.utf8)]) == "ERR Error in ACL SETUSER modifier '\(rule)': \(why)")
        }
        #expect(acl.setUser("u", rules: ["allkeys", "~x"].map { Array($0.utf8) })?.contains("Adding a pattern after the * pattern (or the 'allkeys' flag)") == true)
        #expect(!acl.exists("u"), "a refused SETUSER creates nothing")
        #expect(acl.setUser("u", rules: [Array("on".utf8), Array("+nosuch".utf8)]) != nil)
        #expect(!acl.exists("u"), "nor applies the rules before the bad one")
    }

    /// ACL LIST's line, read back as rules, gives the same user: what ACL SAVE / LOAD rely on.
    @Test func aclLineRoundTrips() throws {
        let u = try Self.user("on", ">p1", "~app:*", "%R~shared:*", "&news.*", "+@all", "-@dangerous", "+config|get")
        #expect(u.aclLine == "user u on #\(SHA256.hex(Array("p1".utf8))) ~app:* %R~shared:* resetchannels &news.* +@all -@dangerous +config|get")
        let text = u.aclLine + "\n"
        guard case .success(let back) = ACLFile.parse(text, fileName: "users.acl", catalog: Self.catalog) else { Issue.record("parse"); return }
        #expect(back.first == u)
    }

    @Test func aclFileErrorsNameTheLine() {
        let text = "user a on nopass +@all\n\nuser b on +nosuch\n"
        guard case .failure(let e) = ACLFile.parse(text, fileName: "/etc/users.acl", catalog: Self.catalog) else { Issue.record("accepted"); return }
        #expect(e.text == "/etc/users.acl:3: Error in applying operation '+nosuch': Unknown command or category name in ACL")
        guard case .failure(let e2) = ACLFile.parse("users a on\n", fileName: "f", catalog: Self.catalog) else { Issue.record("accepted"); return }
        #expect(e2.text == "f:1: should start with user keyword")
        guard case .failure(let e3) = ACLFile.parse("user a on\nuser a off\n", fileName: "f", catalog: Self.catalog) else { Issue.record("accepted"); return }
        #expect(e3.text == "f:2: duplicate user 'a' found")
    }

    @Test func logGroupsRepeatsAndTrims() {
        var log = ACLLog(maxLength: 2, extendedFields: true)
        log.add(.command, object: "get", username: "u", clientInfo: "a", nowMs: 1_000)
        log.add(.command, object: "get", username: "u", clientInfo: "b", nowMs: 2_000)
        #expect(log.entries.count == 1 && log.entries[0].count == 2 && log.entries[0].clientInfo == "b")
        log.add(.key, object: "k", username: "u", clientInfo: "c", nowMs: 3_000)
        log.add(.command, object: "get", username: "u", clientInfo: "d", nowMs: 70_000)
        #expect(log.entries.map(\.count) == [1, 1], "a repeat after 60 s is a new entry, and the oldest went")
        #expect(log.entries.map(\.reason) == [.command, .key])
    }

    /// The catalog's key specs read back into positions as Redis finds them.
    @Test func keySpecPositions() throws {
        let c = Self.catalog
        func keys(_ words: String...) -> [Int] {
            let args = words.map { Array($0.utf8) }
            return c.keys(of: c.id(command: args[0], arguments: args)!, args).map(\.position)
        }
        #expect(keys("get", "k") == [1])
        #expect(keys("mset", "a", "1", "b", "2") == [1, 3])
        #expect(keys("zunionstore", "d", "2", "a", "b", "WEIGHTS", "1", "2") == [1, 3, 4])
        #expect(keys("blpop", "a", "b", "0") == [1, 2])
        #expect(keys("georadius", "g", "0", "0", "1", "km", "STORE", "d") == [1, 7])
        #expect(keys("georadius", "g", "0", "0", "1", "km") == [1])
        #expect(keys("ping").isEmpty)
    }
}

struct ACLTestError: Error { let text: String }
