import Foundation
import Testing
import TestSupport
import RESP

/// The sentinel's command edges side by side with redis-sentinel: both started with the same
/// config (one master, not running), the same commands sent to each, the raw replies compared.
/// /usr/bin/redis-sentinel is 7.0.15 and we are 7.2: where 7.2 changed a reply the test says so
/// and checks our 7.2 text (and 7.0's, so a newer redis-sentinel shows up as a failing test to
/// update rather than a silent pass).
@Suite struct SentinelCommandEdgeTests {
    struct Pair {
        let ours: ServerProcess
        let redis: ServerProcess

        init?() throws {
            let masterPort = TestPorts.next()
            guard let redis = try FailoverFleet.startSentinel(.redis, masterPort: masterPort, downAfterMs: 5000, quorum: 2),
                  let ours = try FailoverFleet.startSentinel(.ours, masterPort: masterPort, downAfterMs: 5000, quorum: 2) else { return nil }
            (self.ours, self.redis) = (ours, redis)
        }

        /// The raw replies of both to the same commands, on one connection each.
        func replies(_ commands: [[String]]) throws -> (ours: [String], redis: [String]) {
            let o = try ours.connect(), r = try redis.connect()
            return (try commands.map { try o.raw($0) }, try commands.map { try r.raw($0) })
        }

        /// Expects byte-identical replies, naming the command that differs.
        func expectSame(_ commands: [[String]], sourceLocation: SourceLocation = #_sourceLocation) throws {
            let (o, r) = try replies(commands)
            for (i, c) in commands.enumerated() {
                #expect(o[i] == r[i], "\(c.joined(separator: " "))", sourceLocation: sourceLocation)
            }
        }
    }

    static func words(_ lines: String...) -> [[String]] { lines.map { $0.split(separator: " ").map(String.init) } }

    @Test func subcommandArityAndSyntaxErrorsAreRedisSentinels() throws {
        guard let pair = try Pair() else { return }
        try pair.expectSame(Self.words(
            "SENTINEL MYID x", "SENTINEL FLUSHCONFIG x", "SENTINEL PENDING-SCRIPTS x", "SENTINEL PENDING-SCRIPTS",
            "SENTINEL INFO-CACHE", "SENTINEL INFO-CACHE nosuch", "SENTINEL SIMULATE-FAILURE", "SENTINEL SIMULATE-FAILURE help",
            "SENTINEL SIMULATE-FAILURE nope", "SENTINEL SIMULATE-FAILURE crash-after-election nope", "SENTINEL RESET",
            "SENTINEL RESET nomatch", "SENTINEL RESET a b", "SENTINEL CKQUORUM", "SENTINEL CKQUORUM nosuch",
            "SENTINEL CKQUORUM mymaster x", "SENTINEL IS-MASTER-DOWN-BY-ADDR 1 2 3",
            "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 x 1 *", "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 1 x *",
            "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 0 1 *", "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 99999 1 *",
            "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 1 -1 *", "SENTINEL IS-MASTER-DOWN-BY-ADDR 10.9.9.9 1 -1 foo",
            "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 1 18446744073709551616 *",
            "SENTINEL DEBUG ping-period", "SENTINEL DEBUG nope 1", "SENTINEL DEBUG ping-period 0",
            "SENTINEL DEBUG ping-period 07", "SENTINEL DEBUG ping-period abc", "SENTINEL DEBUG ping-period 100 ask-period",
            "SENTINEL CONFIG", "SENTINEL CONFIG SET nope 1", "SENTINEL CONFIG SET announce-port +5",
            "SENTINEL CONFIG SET announce-port 70000", "SENTINEL CONFIG SET Announce-Port -1",
            "SENTINEL CONFIG SET resolve-hostnames maybe", "SENTINEL CONFIG GET announce-*", "SENTINEL CONFIG GET nope",
            "SENTINEL CONFIG GET RESOLVE-HOSTNAMES",
            "SENTINEL", "SENTINEL nope", "SENTINEL Nope x", "SENTINEL HELP x", "SENTINEL MASTERS x", "SENTINEL MASTER",
            "SENTINEL FAILOVER", "SENTINEL MONITOR a b c", "SENTINEL REMOVE", "SENTINEL SET mymaster quorum",
            "SENTINEL GET-MASTER-ADDR-BY-NAME", "SENTINEL SENTINELS", "SENTINEL REPLICAS", "SENTINEL SLAVES",
            "SENTINEL MONITOR a 127.0.0.1 x 2", "SENTINEL MONITOR a 127.0.0.1 6379 x", "SENTINEL MONITOR a 127.0.0.1 x x",
            "SENTINEL MONITOR a 127.0.0.1 70000 2", "SENTINEL MONITOR a 127.0.0.1 6379 0", "SENTINEL MONITOR a notanip 6379 2",
            "SENTINEL MONITOR a notanip 6379 0", "SENTINEL MONITOR a notanip 70000 2", "SENTINEL MONITOR mymaster 127.0.0.1 6379 2"))
        // 128 bytes of the name at most, CR and LF as spaces.
        try pair.expectSame([["SENTINEL", String(repeating: "z", count: 300)], ["SENTINEL", "a\r\nb"]])
    }

    @Test func subcommandErrorsComeBeforeAuthentication() throws {
        let masterPort = TestPorts.next()
        let conf = "sentinel monitor mymaster 127.0.0.1 \(masterPort) 2\nrequirepass secret\n"
        let ours = try SentinelServerTests.startSentinel(config: conf)
        let c = try ours.connect()
        #expect(try c.raw("SENTINEL", "nope") == "-ERR unknown subcommand 'nope'. Try SENTINEL HELP.\r\n")
        #expect(try c.raw("SENTINEL", "MYID", "x") == "-ERR wrong number of arguments for 'sentinel|myid' command\r\n")
        #expect(try c.raw("COMMAND", "nope") == "-ERR unknown subcommand 'nope'. Try COMMAND HELP.\r\n")
        #expect(try c.raw("SENTINEL", "MYID") == "-NOAUTH Authentication required.\r\n")
        guard let exe = try Binaries.requireRedis("redis-sentinel") else { return }
        let port = TestPorts.next()
        let dir = ours.directory.appendingPathComponent("redis")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "port \(port)\n\(conf)".write(to: dir.appendingPathComponent("s.conf"), atomically: true, encoding: .utf8)
        let redis = try ServerProcess(executable: exe, arguments: [dir.appendingPathComponent("s.conf").path], port: port, directory: dir)
        try redis.waitUntilReady()
        let r = try redis.connect()
        for cmd in [["SENTINEL", "nope"], ["SENTINEL", "MYID", "x"], ["COMMAND", "nope"], ["SENTINEL", "MYID"]] {
            #expect(try c.raw(cmd) == r.raw(cmd), "\(cmd)")
        }
    }

    /// Redis 7.2 changed SENTINEL CONFIG: several parameters, loglevel, CONFIG at arity -4, and
    /// the "Only ..." text; 7.0.15 answers the old way.
    @Test func configIsRedis72s() throws {
        guard let pair = try Pair() else { return }
        let only72 = "-ERR Only SENTINEL CONFIG GET <param> [<param> <param> ...]/ SET <param> <value> [<param> <value> ...] are supported.\r\n"
        let only70 = "-ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.\r\n"
        let cases: [(String, ours: String, redis70: String)] = [
            ("SENTINEL CONFIG GET", "-ERR wrong number of arguments for 'sentinel|config' command\r\n", only70),
            ("SENTINEL CONFIG HELP", "-ERR wrong number of arguments for 'sentinel|config' command\r\n", only70),
            ("SENTINEL CONFIG FOO x", only72, only70),
            ("SENTINEL CONFIG SET loglevel", only72, only70),
            ("SENTINEL CONFIG SET loglevel loud", "-ERR Invalid value 'loud' to SENTINEL CONFIG SET 'loglevel'\r\n",
             "-ERR Invalid argument 'loglevel' to SENTINEL CONFIG SET\r\n"),
            ("SENTINEL CONFIG SET announce-port 1 announce-port 2", "-ERR Duplicate argument 'announce-port' to SENTINEL CONFIG SET\r\n", only70),
            ("SENTINEL CONFIG SET announce-port 1 resolve-hostnames", "-ERR Missing argument 'resolve-hostnames' value\r\n", only70),
            ("SENTINEL CONFIG SET announce-port 1 resolve-hostnames maybe",
             "-ERR Invalid value 'maybe' to SENTINEL CONFIG SET 'resolve-hostnames'\r\n", only70),
        ]
        let (o, r) = try pair.replies(cases.map { Self.words($0.0)[0] })
        for (i, c) in cases.enumerated() {
            #expect(o[i] == c.ours, "\(c.0)")
            #expect(r[i] == c.redis70, "\(c.0)")
        }
        // A refused SET changed nothing.
        let oc = try pair.ours.connect()
        #expect(try oc.call("SENTINEL", "CONFIG", "GET", "announce-port") == .array([.bulk("announce-port"), .bulk("0")]))
        // Several pairs at once, then several patterns: each parameter once, in pattern order.
        #expect(try oc.raw("SENTINEL", "CONFIG", "SET", "announce-port", "26999", "RESOLVE-HOSTNAMES", "yes", "loglevel", "verbose") == "+OK\r\n")
        #expect(try oc.call("SENTINEL", "CONFIG", "GET", "loglevel", "*-hostnames", "resolve-hostnames", "announce-p?rt")
            == .array([.bulk("loglevel"), .bulk("verbose"), .bulk("resolve-hostnames"), .bulk("yes"),
                       .bulk("announce-hostnames"), .bulk("no"), .bulk("announce-port"), .bulk("26999")]))
        // The same in redis-sentinel one at a time gives the same values (7.0 has no loglevel here).
        let rc = try pair.redis.connect()
        #expect(try rc.raw("SENTINEL", "CONFIG", "SET", "announce-port", "26999") == "+OK\r\n")
        #expect(try rc.raw("SENTINEL", "CONFIG", "SET", "resolve-hostnames", "yes") == "+OK\r\n")
        for pattern in ["*-hostnames", "announce-p?rt", "sentinel-*"] {
            #expect(try oc.raw("SENTINEL", "CONFIG", "GET", pattern) == rc.raw("SENTINEL", "CONFIG", "GET", pattern), "\(pattern)")
        }
        // `*` matches loglevel too in 7.2: ours is 7.0's reply plus that pair.
        let all70 = try rc.call("SENTINEL", "CONFIG", "GET", "*").elements ?? []
        #expect(try oc.call("SENTINEL", "CONFIG", "GET", "*").elements == all70 + [.bulk("loglevel"), .bulk("verbose")])
        // The change was persisted.
        let saved = try String(contentsOf: pair.ours.directory.appendingPathComponent("sentinel.conf"), encoding: .utf8)
        #expect(saved.contains("loglevel verbose"))
        #expect(saved.contains("sentinel announce-port 26999"))
    }

    /// CONFIG SET loglevel really changes what is logged: a malformed hello is logged at verbose.
    @Test func configSetLoglevelChangesTheLog() throws {
        let s = try SentinelServerTests.startSentinel(config: "sentinel monitor mymaster 127.0.0.1 \(TestPorts.next()) 2\n")
        let c = try s.connect()
        let marker = "Refused malformed hello"
        #expect(try c.raw("PUBLISH", "__sentinel__:hello", "garbage") == ":1\r\n")
        #expect(try c.raw("PING") == "+PONG\r\n")
        #expect(!s.logText.contains(marker))
        #expect(try c.raw("SENTINEL", "CONFIG", "SET", "loglevel", "verbose") == "+OK\r\n")
        #expect(try c.raw("PUBLISH", "__sentinel__:hello", "garbage") == ":1\r\n")
        try Wait.until("the verbose line is logged\n\(s.logText)") { s.logText.contains(marker) }
        // nothing: not even a warning (+monitor) is logged any more.
        #expect(try c.raw("SENTINEL", "CONFIG", "SET", "loglevel", "nothing") == "+OK\r\n")
        let before = s.logText
        #expect(try c.raw("SENTINEL", "MONITOR", "other", "127.0.0.1", "\(TestPorts.next())", "1") == "+OK\r\n")
        #expect(try c.raw("PUBLISH", "__sentinel__:hello", "garbage") == ":1\r\n")
        #expect(try c.raw("PING") == "+PONG\r\n")
        #expect(s.logText == before)
        #expect(try c.raw("SENTINEL", "CONFIG", "SET", "loglevel", "warning") == "+OK\r\n")
        #expect(try c.raw("SENTINEL", "REMOVE", "other") == "+OK\r\n")
        try Wait.until("the -monitor warning is logged\n\(s.logText)") { s.logText.contains("-monitor master other") }
        #expect(!s.logText.dropFirst(before.count).contains(marker))
    }

    /// SENTINEL HELP: 7.2's lines; 7.0.15 differs only in the two CONFIG lines and in the last
    /// line, which 7.2's addReplyHelp words "Print this help." (7.0: "Prints").
    @Test func helpIsRedis72sAndDiffersFrom70OnlyInConfigAndFooter() throws {
        guard let pair = try Pair() else { return }
        let ours = try pair.ours.connect().call("SENTINEL", "HELP").elements?.compactMap(\.text) ?? []
        let redis = try pair.redis.connect().call("SENTINEL", "HELP").elements?.compactMap(\.text) ?? []
        #expect(ours.count == 49 && redis.count == 49)
        let differing = zip(ours, redis).filter { $0 != $1 }
        #expect(differing.map(\.0) == ["CONFIG SET param value [param value ...]", "CONFIG GET <param> [param param param ...]", "    Print this help."])
        #expect(differing.map(\.1) == ["CONFIG SET <param> <value>", "CONFIG GET <param>", "    Prints this help."])
        #expect(try pair.ours.connect().raw("SENTINEL", "HELP").hasPrefix("*49\r\n+SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CKQUORUM <master-name>\r\n"))
    }

    /// CKQUORUM over three sentinels that know each other, then with two of them stopped: the
    /// stopped ones count as usable until they are SDOWN, as in redis-sentinel.
    @Test func ckquorumCountsEveryKnownSentinel() throws {
        guard try Binaries.requireRedis("redis-sentinel") != nil else { return }
        let master = try ServerProcess.miniredis()
        var ours: [ServerProcess] = []
        for _ in 0..<3 {
            ours.append(try #require(try FailoverFleet.startSentinel(.ours, masterPort: master.port, downAfterMs: 1000, quorum: 2)))
        }
        let redis = try #require(try FailoverFleet.startSentinel(.redis, masterPort: master.port, downAfterMs: 1000, quorum: 2))
        let o = try ours[0].connect(), r = try redis.connect()
        // Each sees the three others (one redis-sentinel among them).
        try Wait.until("all four sentinels know each other") {
            try ([o, r]).allSatisfy { (try $0.call("SENTINEL", "SENTINELS", "mymaster").elements?.count ?? 0) == 3 }
        }
        let ok = "+OK 4 usable Sentinels. Quorum and failover authorization can be reached\r\n"
        #expect(try o.raw("SENTINEL", "CKQUORUM", "mymaster") == ok)
        #expect(try r.raw("SENTINEL", "CKQUORUM", "mymaster") == ok)
        // Quorum 4 is reachable; 5 is not (Redis's text for the quorum alone).
        for c in [o, r] { _ = try c.call("SENTINEL", "SET", "mymaster", "quorum", "5") }
        #expect(try o.raw("SENTINEL", "CKQUORUM", "mymaster") == r.raw("SENTINEL", "CKQUORUM", "mymaster"))
        #expect(try o.raw("SENTINEL", "CKQUORUM", "mymaster")
            == "-NOQUORUM 4 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master\r\n")
        // Two of ours stopped: until SDOWN they still count, then 2 usable of 4: neither quorum 5 nor a majority (3).
        ours[1].kill(); ours[2].kill()
        let both = "-NOQUORUM 2 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master. Not enough available Sentinels to reach the majority and authorize a failover\r\n"
        try Wait.until("both see the stopped sentinels SDOWN") {
            try o.raw("SENTINEL", "CKQUORUM", "mymaster") == both && r.raw("SENTINEL", "CKQUORUM", "mymaster") == both
        }
        for c in [o, r] { _ = try c.call("SENTINEL", "SET", "mymaster", "quorum", "2") }
        let noAuth = "-NOQUORUM 2 usable Sentinels. Not enough available Sentinels to reach the majority and authorize a failover\r\n"
        #expect(try o.raw("SENTINEL", "CKQUORUM", "mymaster") == noAuth)
        #expect(try r.raw("SENTINEL", "CKQUORUM", "mymaster") == noAuth)
    }

    /// A COMMAND INFO entry with its subcommands sorted: Redis lists a container's subcommands
    /// in its hash table's order.
    static func normalized(_ v: RESPValue) -> RESPValue {
        guard case .array(var e) = v, e.count == 10, case .array(let subs) = e[9] else { return v }
        e[9] = .array(subs.map(normalized).sorted { ($0.elements?.first?.text ?? "") < ($1.elements?.first?.text ?? "") })
        return .array(e)
    }

    /// The value of `key` in a flat RESP2 map, or in the one entry of a DOCS reply.
    static func field(_ map: RESPValue, _ key: String) -> RESPValue? {
        guard let e = map.elements else { return nil }
        return stride(from: 0, to: e.count - 1, by: 2).first { e[$0] == .bulk(key) }.map { e[$0 + 1] }
    }
    static func docField(_ reply: RESPValue, _ key: String) -> RESPValue? {
        guard let e = reply.elements, e.count == 2 else { return nil }
        return field(e[1], key)
    }

    /// An argument list without 7.2's display_text pairs (7.0 has none).
    static func withoutDisplayText(_ v: RESPValue) -> RESPValue {
        guard case .array(let items) = v else { return v }
        var out: [RESPValue] = []
        var i = 0
        while i < items.count {
            if i % 2 == 0, items[i] == .bulk("display_text"), i + 1 < items.count { i += 2; continue }
            out.append(withoutDisplayText(items[i]))
            i += 1
        }
        return .array(out)
    }

    /// What 7.2 changed in the sentinel's command table since 7.0.15 (src/commands.def):
    /// CLIENT SETINFO is new; CLIENT SETNAME and ACL SETUSER/DELUSER/SAVE got request/response
    /// tips; COMMAND GETKEYS/GETKEYSANDFLAGS went from arity -4 to -3; SENTINEL CONFIG from -3 to -4.
    static let changedIn72: Set<String> = [
        "client|setinfo", "client|setname", "acl|setuser", "acl|deluser", "acl|save",
        "command|getkeys", "command|getkeysandflags", "sentinel|config",
    ]

    @Test func commandAnswersFromRedisSentinelsTable() throws {
        guard let pair = try Pair() else { return }
        let o = try pair.ours.connect(), r = try pair.redis.connect()
        #expect(try o.raw("COMMAND", "COUNT") == ":15\r\n")
        #expect(try o.raw("COMMAND", "COUNT") == r.raw("COMMAND", "COUNT"))
        // LIST: the same names (Redis's order is its hash table's), but for 7.2's CLIENT SETINFO.
        let ourNames = Set(try o.call("COMMAND", "LIST").elements?.compactMap(\.text) ?? [])
        let redisNames = Set(try r.call("COMMAND", "LIST").elements?.compactMap(\.text) ?? [])
        #expect(ourNames.subtracting(redisNames) == ["client|setinfo"])
        #expect(redisNames.subtracting(ourNames).isEmpty)
        #expect(ourNames.count == 15 + 21 + 17 + 13 + 7)
        for filter in [["FILTERBY", "PATTERN", "s*"], ["FILTERBY", "ACLCAT", "connection"], ["FILTERBY", "ACLCAT", "Dangerous"],
                       ["FILTERBY", "MODULE", "x"], ["FILTERBY", "ACLCAT", "nosuch"], ["FILTERBY", "PATTERN", "*|kill"]] {
            let ours = Set(try o.call(["COMMAND", "LIST"] + filter).elements?.compactMap(\.text) ?? [])
            let redis = Set(try r.call(["COMMAND", "LIST"] + filter).elements?.compactMap(\.text) ?? [])
            #expect(ours.subtracting(["client|setinfo"]) == redis, "\(filter)")
        }
        // Every entry, byte for byte where 7.0 and 7.2 agree (each top-level command alone).
        let top = try r.call("COMMAND").elements?.compactMap { $0.elements?.first?.text } ?? []
        #expect(top.count == 15)
        for name in top {
            let (ours, redis) = (Self.normalized(try o.call("COMMAND", "INFO", name).elements?.first ?? .null),
                                 Self.normalized(try r.call("COMMAND", "INFO", name).elements?.first ?? .null))
            guard case .array(var oe) = ours, case .array(var re) = redis else { Issue.record("\(name): no entry"); continue }
            if case .array(let subs) = oe[9], case .array(let rsubs) = re[9] {
                let keep = { (v: RESPValue) in !Self.changedIn72.contains(v.elements?.first?.text ?? "") }
                oe[9] = .array(subs.filter(keep)); re[9] = .array(rsubs.filter(keep))
            }
            #expect(RESPValue.array(oe) == RESPValue.array(re), "\(name)")
        }
        // Leaf commands compare as raw bytes, unknown names are nil, `a|b` names a subcommand.
        try pair.expectSame(Self.words(
            "COMMAND INFO ping auth hello publish subscribe unsubscribe psubscribe punsubscribe info role shutdown nosuch",
            "COMMAND INFO sentinel|myid client|kill sentinel|nosuch ping|x Ping", "COMMAND INFO nosuch",
            "COMMAND DOCS nosuch", "COMMAND GETKEYS nosuch x", "COMMAND GETKEYS sentinel nosuch", "COMMAND GETKEYS sentinel masters",
            "COMMAND GETKEYS", "COMMAND LIST foo", "COMMAND LIST FILTERBY foo x",
            "COMMAND LIST FILTERBY pattern", "COMMAND foo", "COMMAND COUNT x", "COMMAND HELP x"))
        // 7.2: GETKEYS of a command without keys says so before counting (7.0: arity -4).
        #expect(try o.raw("COMMAND", "GETKEYS", "ping") == "-ERR The command has no key arguments\r\n")
        #expect(try r.raw("COMMAND", "GETKEYS", "ping") == "-ERR wrong number of arguments for 'command|getkeys' command\r\n")
        #expect(try o.raw("COMMAND", "GETKEYSANDFLAGS", "nosuch") == "-ERR Invalid command specified\r\n")
        #expect(try r.raw("COMMAND", "GETKEYSANDFLAGS", "nosuch") == "-ERR wrong number of arguments for 'command|getkeysandflags' command\r\n")
        // HELP: 7.2's addReplyHelp ends with "Print this help." (7.0: "Prints").
        let help = try o.call("COMMAND", "HELP").elements?.compactMap(\.text) ?? []
        let help70 = try r.call("COMMAND", "HELP").elements?.compactMap(\.text) ?? []
        #expect(help.dropLast() == help70.dropLast())
        #expect(help.last == "    Print this help." && help70.last == "    Prints this help.")
        // DOCS: 7.2 reworded every summary and many argument names, and added display_text; where
        // the arguments did not change, they are 7.0's but for display_text.
        for name in ["ping", "auth", "publish", "subscribe", "info", "role", "sentinel|myid", "sentinel|monitor",
                     "sentinel|is-master-down-by-addr", "client|setname", "client|id", "acl|whoami"] {
            let ours = try Self.docField(o.call("COMMAND", "DOCS", name), "arguments").map(Self.withoutDisplayText)
            let redis = try Self.docField(r.call("COMMAND", "DOCS", name), "arguments")
            #expect(ours == redis, "\(name)")
        }
        #expect(try Self.docField(o.call("COMMAND", "DOCS", "ping"), "summary") == .bulk("Returns the server's liveliness response."))
        #expect(try Self.docField(o.call("COMMAND", "DOCS", "ping"), "arguments")
            == .array([.array([.bulk("name"), .bulk("message"), .bulk("type"), .bulk("string"), .bulk("display_text"), .bulk("message"),
                               .bulk("flags"), .array([.simpleString(Array("optional".utf8))])])]))
        guard case .array(let docs) = try o.call("COMMAND", "DOCS", "ping", "sentinel|slaves", "nosuch"), docs.count == 4 else {
            Issue.record("DOCS is not a map of two"); return
        }
        #expect(docs[0] == .bulk("ping") && docs[2] == .bulk("sentinel|slaves"))
        #expect(Self.field(docs[3], "replaced_by") == .bulk("`SENTINEL REPLICAS`"))
        #expect(Self.field(docs[3], "doc_flags") == .array([.simpleString(Array("deprecated".utf8))]))
        let all = try o.call("COMMAND", "DOCS").elements ?? []
        #expect(all.count == 30)
        #expect(Self.field(all[all.firstIndex(of: .bulk("sentinel"))! + 1], "subcommands")?.elements?.count == 42)
        // RESP3: COMMAND INFO's flags are a set, DOCS a map.
        _ = try o.call("HELLO", "3")
        _ = try r.call("HELLO", "3")
        for cmd in Self.words("COMMAND INFO ping nosuch", "COMMAND INFO role", "COMMAND LIST FILTERBY PATTERN pi*",
                              "SENTINEL CONFIG GET announce-*", "SENTINEL CONFIG GET nope", "SENTINEL SIMULATE-FAILURE HELP",
                              "SENTINEL PENDING-SCRIPTS", "SENTINEL INFO-CACHE nosuch") {
            #expect(try o.raw(cmd) == r.raw(cmd), "RESP3 \(cmd)")
        }
        #expect(try o.raw("COMMAND", "DOCS", "nosuch") == "%0\r\n")
    }

    @Test func clientKillUserAndItsErrorsAreRedisSentinels() throws {
        guard let pair = try Pair() else { return }
        try pair.expectSame(Self.words(
            "CLIENT KILL USER nobody", "CLIENT KILL USER Default", "CLIENT KILL MAXAGE 10", "CLIENT KILL ID x TYPE",
            "CLIENT KILL ID 1 TYPE", "CLIENT KILL USER default SKIPME maybe", "CLIENT KILL USER", "CLIENT KILL TYPE bogus USER nobody",
            "CLIENT KILL USER nobody TYPE bogus", "CLIENT KILL 1.2.3.4:5"))
        // USER default matches every other client: one killed, the caller skipped; then itself.
        for server in [pair.ours, pair.redis] {
            let a = try server.connect(), b = try server.connect()
            #expect(try b.raw("PING") == "+PONG\r\n")
            #expect(try a.raw("CLIENT", "KILL", "USER", "default") == ":1\r\n", "\(server.executable)")
            #expect(throws: (any Error).self) { try b.call("PING") }
            #expect(try a.raw("CLIENT", "KILL", "USER", "default", "SKIPME", "no") == ":1\r\n", "\(server.executable)")
            #expect(throws: (any Error).self) { try a.call("PING") }
        }
    }

    /// The same ServerKit code serves miniredis: its CLIENT KILL errors are redis-server's.
    @Test func miniredisClientKillMatchesRedisServer() throws {
        guard let redis = try ServerProcess.redisServer() else { return }
        let mini = try ServerProcess.miniredis()
        let m = try mini.connect(), r = try redis.connect()
        for cmd in Self.words("CLIENT KILL USER nobody", "CLIENT KILL MAXAGE 10", "CLIENT KILL ID x TYPE", "CLIENT KILL USER default SKIPME maybe",
                              "CLIENT KILL USER default TYPE pubsub", "CLIENT KILL USER default ID 999999") {
            #expect(try m.raw(cmd) == r.raw(cmd), "\(cmd)")
        }
    }
}
