import Testing
@testable import SentinelCore
@testable import RESP

/// SENTINEL's edges as Redis 7.2's sentinel.c and command table answer them: unknown
/// subcommands, arity, CONFIG GET/SET with several parameters, DEBUG, SIMULATE-FAILURE,
/// CKQUORUM. The end-to-end twins (SentinelCommandEdgeTests) compare with redis-sentinel.
@Suite struct SubcommandEdgeTests {
    typealias F = SentinelFixtures

    func reply(_ s: inout Sentinel, _ args: String...) -> RESPValue? {
        let actions = s.handle(.clientCommand(ClientID(1), args: args.map { Array($0.utf8) }), now: 100)
        for a in actions { if case .reply(_, let v) = a { return v } }
        return nil
    }

    @Test(arguments: [
        (["MYID", "x"], "ERR wrong number of arguments for 'sentinel|myid' command"),
        (["FLUSHCONFIG", "x"], "ERR wrong number of arguments for 'sentinel|flushconfig' command"),
        (["PENDING-SCRIPTS", "x"], "ERR wrong number of arguments for 'sentinel|pending-scripts' command"),
        (["INFO-CACHE"], "ERR wrong number of arguments for 'sentinel|info-cache' command"),
        (["SIMULATE-FAILURE"], "ERR wrong number of arguments for 'sentinel|simulate-failure' command"),
        (["RESET"], "ERR wrong number of arguments for 'sentinel|reset' command"),
        (["CKQUORUM"], "ERR wrong number of arguments for 'sentinel|ckquorum' command"),
        (["IS-MASTER-DOWN-BY-ADDR", "a", "1", "1"], "ERR wrong number of arguments for 'sentinel|is-master-down-by-addr' command"),
        (["CONFIG", "GET"], "ERR wrong number of arguments for 'sentinel|config' command"),
        (["HELP", "x"], "ERR wrong number of arguments for 'sentinel|help' command"),
        (["Nope", "x"], "ERR unknown subcommand 'Nope'. Try SENTINEL HELP."),
        (["a\r\nb"], "ERR unknown subcommand 'a  b'. Try SENTINEL HELP."),
        (["CONFIG", "SET", "loglevel"], "ERR Only SENTINEL CONFIG GET <param> [<param> <param> ...]/ SET <param> <value> [<param> <value> ...] are supported."),
        (["CONFIG", "FOO", "x"], "ERR Only SENTINEL CONFIG GET <param> [<param> <param> ...]/ SET <param> <value> [<param> <value> ...] are supported."),
        (["CONFIG", "SET", "LogLevel", "debug", "loglevel", "notice"], "ERR Duplicate argument 'loglevel' to SENTINEL CONFIG SET"),
        (["CONFIG", "SET", "loglevel", "debug", "announce-ip"], "ERR Missing argument 'announce-ip' value"),
        (["CONFIG", "SET", "nope", "1"], "ERR Invalid argument 'nope' to SENTINEL CONFIG SET"),
        (["CONFIG", "SET", "loglevel", "loud"], "ERR Invalid value 'loud' to SENTINEL CONFIG SET 'loglevel'"),
        (["CONFIG", "SET", "Announce-Port", "+5"], "ERR Invalid value '+5' to SENTINEL CONFIG SET 'Announce-Port'"),
        (["CONFIG", "SET", "resolve-hostnames", "yes", "announce-hostnames", "maybe"], "ERR Invalid value 'maybe' to SENTINEL CONFIG SET 'announce-hostnames'"),
        (["DEBUG", "ping-period"], "ERR Unknown option or number of arguments for SENTINEL DEBUG 'ping-period'"),
        (["DEBUG", "nope", "1"], "ERR Unknown option or number of arguments for SENTINEL DEBUG 'nope'"),
        (["DEBUG", "ping-period", "0"], "ERR Invalid argument '0' for SENTINEL DEBUG 'ping-period'"),
        (["DEBUG", "ping-period", "07"], "ERR Invalid argument '07' for SENTINEL DEBUG 'ping-period'"),
        (["SIMULATE-FAILURE", "crash-after-election", "nope"], "ERR Unknown failure simulation specified"),
        (["IS-MASTER-DOWN-BY-ADDR", "10.0.0.1", "x", "1", "*"], "ERR value is not an integer or out of range"),
        (["MONITOR", "a", "10.0.0.9", "x", "y"], "ERR Invalid quorum"),
        (["MONITOR", "a", "10.0.0.9", "x", "2"], "ERR Invalid port"),
        (["MONITOR", "a", "not an ip", "6379", "0"], "ERR Quorum must be 1 or greater."),
        (["MONITOR", "a", "not an ip", "70000", "2"], "ERR Invalid IP address or hostname specified"),
        (["MONITOR", "a", "10.0.0.9", "70000", "2"], "ERR Invalid port number."),
        // Ours: Redis takes port 0 and any name.
        (["MONITOR", "a", "10.0.0.9", "0", "2"], "ERR Invalid port number."),
        (["MONITOR", "a b", "10.0.0.9", "6379", "2"], "ERR Invalid master name"),
        (["MONITOR", "MyMaster", "10.0.0.9", "6379", "2"], "ERR Duplicate master name."),
    ])
    func errorsAreRedisTexts(_ args: [String], _ expected: String) {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        let before = s.snapshot()
        let actions = s.handle(.clientCommand(ClientID(1), args: (["SENTINEL"] + args).map { Array($0.utf8) }), now: 100)
        guard case .reply(_, let v)? = actions.last(where: { if case .reply = $0 { true } else { false } }) else {
            Issue.record("no reply"); return
        }
        #expect(v == .err(expected))
        #expect(s.snapshot() == before)
    }

    @Test func helpIsRedis72sText() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        guard case .array(let lines)? = reply(&s, "SENTINEL", "help") else { Issue.record("not an array"); return }
        #expect(lines.count == 49)
        #expect(lines.first == .simple("SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"))
        #expect(lines.contains(.simple("CONFIG SET param value [param value ...]")))
        #expect(lines.suffix(2) == [.simple("HELP"), .simple("    Print this help.")])
    }

    @Test func configGetTakesSeveralPatternsEachParameterOnce() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        #expect(reply(&s, "SENTINEL", "CONFIG", "GET", "loglevel", "announce-*", "ANNOUNCE-IP", "nope")
            == .map([(.bulk("loglevel"), .bulk("notice")), (.bulk("announce-hostnames"), .bulk("no")),
                     (.bulk("announce-ip"), .bulk("10.0.1.1")), (.bulk("announce-port"), .bulk("0"))]))
        #expect(reply(&s, "SENTINEL", "CONFIG", "GET", "*")?.pairs?.map { $0.0.text ?? "" }
            == ["resolve-hostnames", "announce-hostnames", "announce-ip", "announce-port", "sentinel-user", "sentinel-pass", "loglevel"])
    }

    @Test func configSetAppliesEveryPairOrNone() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        let before = s.snapshot()
        // A bad value in the last pair: nothing before it is applied.
        #expect(reply(&s, "SENTINEL", "CONFIG", "SET", "loglevel", "debug", "announce-port", "70000")?.isError == true)
        #expect(s.snapshot() == before)
        let actions = s.handle(.clientCommand(ClientID(1), args: ["SENTINEL", "CONFIG", "SET", "LOGLEVEL", "Warning",
                                                                  "announce-port", "26380", "resolve-hostnames", "YES"].map { Array($0.utf8) }), now: 100)
        #expect(actions.contains { if case .reply(_, .simpleString(Array("OK".utf8))) = $0 { true } else { false } })
        guard case .persist(let c)? = actions.first(where: { if case .persist = $0 { true } else { false } }) else {
            Issue.record("not persisted"); return
        }
        #expect(c.logLevel == .warning && c.announcePort == 26380 && c.resolveHostnames)
        #expect(reply(&s, "SENTINEL", "CONFIG", "GET", "loglevel") == .map([(.bulk("loglevel"), .bulk("warning"))]))
        #expect(reply(&s, "SENTINEL", "CONFIG", "SET", "loglevel", "nothing") == .ok)
        #expect(s.snapshot().logLevel == .nothing)
    }

    @Test func loglevelFiltersTheMachinesLines() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        _ = reply(&s, "SENTINEL", "CONFIG", "SET", "loglevel", "warning")
        // At warning a +monitor (a warning) is still logged; at nothing, not even that.
        let monitor = s.handle(.clientCommand(ClientID(1), args: ["SENTINEL", "MONITOR", "b", "10.0.0.9", "6379", "1"].map { Array($0.utf8) }), now: 100)
        #expect(monitor.contains { if case .log(.warning, let t) = $0 { t.hasPrefix("+monitor") } else { false } })
        _ = reply(&s, "SENTINEL", "CONFIG", "SET", "loglevel", "nothing")
        let quiet = s.handle(.clientCommand(ClientID(1), args: ["SENTINEL", "REMOVE", "b"].map { Array($0.utf8) }), now: 100)
        #expect(!quiet.contains { if case .log = $0 { true } else { false } })
    }

    @Test func simulateFailureStartsFromNoFlags() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        #expect(reply(&s, "SENTINEL", "SIMULATE-FAILURE", "crash-after-election") == .ok)
        #expect(s.simulateFailure.flags == 1)
        #expect(reply(&s, "SENTINEL", "SIMULATE-FAILURE", "crash-after-promotion") == .ok)
        #expect(s.simulateFailure.flags == 2)
        #expect(reply(&s, "SENTINEL", "SIMULATE-FAILURE", "help") == .array([.bulk("crash-after-election"), .bulk("crash-after-promotion")]))
        #expect(s.simulateFailure.flags == 0)
    }

    @Test func isMasterDownAcceptsAnyIntegerPort() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        #expect(reply(&s, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "10.0.0.1", "0", "1", "*") == .array([.integer(0), .bulk("*"), .integer(0)]))
        #expect(reply(&s, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "10.0.0.1", "99999", "1", "*") == .array([.integer(0), .bulk("*"), .integer(0)]))
        // Without a vote at stake a negative epoch or any run id is answered as Redis does.
        #expect(reply(&s, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "10.0.0.1", "6379", "-1", "*") == .array([.integer(0), .bulk("*"), .integer(0)]))
        #expect(reply(&s, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "10.9.9.9", "6379", "-1", "foo") == .array([.integer(0), .bulk("*"), .integer(0)]))
        // With one, they are refused and nothing is voted.
        #expect(reply(&s, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "10.0.0.1", "6379", "1", "foo") == .err("ERR invalid run id"))
        #expect(reply(&s, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "10.0.0.1", "6379", "-1", String(repeating: "c", count: 40))
            == .err("ERR value is not an integer or out of range"))
        #expect(s.snapshot().masters[0].leaderEpoch == 0)
    }

    /// CKQUORUM over one peer that goes SDOWN: Redis's three texts.
    @Test func ckquorumCountsPeersUntilTheyAreSubjectivelyDown() {
        var config = F.config()
        config.masters[0].quorum = 3
        var s = Sentinel(config: config, seed: 1, now: 0)
        #expect(reply(&s, "SENTINEL", "CKQUORUM", "mymaster")
            == .err("NOQUORUM 2 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master"))
        #expect(reply(&s, "SENTINEL", "SET", "mymaster", "quorum", "1") == .ok)
        #expect(reply(&s, "SENTINEL", "CKQUORUM", "mymaster") == .simple("OK 2 usable Sentinels. Quorum and failover authorization can be reached"))
        // The peer never answers: SDOWN after down-after (1 s).
        for t in stride(from: Int64(100), through: 5_000, by: 100) { _ = s.handle(.tick(wallClockMs: t), now: t) }
        #expect(s.masters[0].sentinels[0].isSubjectivelyDown)
        #expect(reply(&s, "SENTINEL", "CKQUORUM", "mymaster")
            == .err("NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the majority and authorize a failover"))
        #expect(reply(&s, "SENTINEL", "SET", "mymaster", "quorum", "2") == .ok)
        #expect(reply(&s, "SENTINEL", "CKQUORUM", "mymaster")
            == .err("NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master. Not enough available Sentinels to reach the majority and authorize a failover"))
    }
}
