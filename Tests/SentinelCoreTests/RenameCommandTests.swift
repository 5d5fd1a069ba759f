import Testing
@testable import SentinelCore
@testable import RESP

/// `sentinel rename-command`: every command the sentinel sends to that master's data nodes uses
/// the node's name for it, through a whole failover; the config keeps the lines; SENTINEL SET
/// changes them as redis-sentinel does.
@Suite struct SentinelRenameCommandTests {
    static let a = Address(host: "10.0.0.2", port: 6379)
    static let b = Address(host: "10.0.0.3", port: 6380)
    static let renames = ["CONFIG": "XCONFIG", "SLAVEOF": "XSLAVEOF", "INFO": "XINFO", "PING": "XPING",
                          "CLIENT": "XCLIENT", "MULTI": "XMULTI", "EXEC": "XEXEC"]

    @Test func aFailoverSendsOnlyTheRenamedNames() {
        var c = SentinelConfig()
        c.myID = SentinelFixtures.myID
        var m = MasterConfig(name: "mymaster", address: Address(host: "10.0.0.1", port: 6379), quorum: 1)
        m.downAfterMs = 1_000
        m.knownReplicas = [Self.a, Self.b]
        m.renamedCommands = Self.renames
        c.masters = [m]
        let s = FakeShell(config: c)
        s.renamed = Dictionary(uniqueKeysWithValues: Self.renames.map { ($0.value, $0.key) })
        s.offsets = [Self.a: 100, Self.b: 50]
        s.tick(for: 2_000)
        s.dead = [s.master]
        s.tick(for: 10_000)
        #expect(s.promoted == [Self.a])
        #expect(s.follows[Self.b] == Self.a)
        let sent = s.log.compactMap { if case .send(_, let args) = $0 { return args } else { return nil } }
        let names = Set(sent.map { $0[0] })
        #expect(names.isDisjoint(with: Self.renames.keys), "\(names)")
        for renamed in ["XSLAVEOF", "XCONFIG", "XINFO", "XPING", "XCLIENT", "XMULTI", "XEXEC"] {
            #expect(names.contains(renamed), "\(renamed) never sent: \(names)")
        }
        // Subcommands and arguments are the node's as well: only the command name changes.
        #expect(sent.contains(["XCONFIG", "REWRITE"]))
        #expect(sent.contains(["XSLAVEOF", "NO", "ONE"]))
    }

    @Test func aCommandRenamedTwiceIsAConfigError() {
        let lines = ["sentinel monitor m 127.0.0.1 6379 1", "sentinel rename-command m CONFIG A", "sentinel rename-command m config B"]
        #expect(throws: SentinelConfigError(line: 3, reason: "Same command renamed multiple times with rename-command.")) {
            _ = try SentinelConfigParser.parse(lines: lines)
        }
        #expect(throws: SentinelConfigError(line: 2, reason: "No such master with specified name.")) {
            _ = try SentinelConfigParser.parse(lines: ["sentinel monitor m 127.0.0.1 6379 1", "sentinel rename-command x CONFIG A"])
        }
    }

    @Test func rewriteKeepsTheRenames() throws {
        let lines = ["sentinel monitor m 127.0.0.1 6379 1", "sentinel rename-command m CONFIG GUESSME", "sentinel rename-command m slaveof \"X Y\""]
        let config = try SentinelConfigParser.parse(lines: lines).config
        let written = SentinelConfigRewriter.generatedLines(config)
        // Written back in the letter case it was given, as redis-sentinel does.
        #expect(written.contains("sentinel rename-command m CONFIG GUESSME"), "\(written)")
        #expect(written.contains("sentinel rename-command m slaveof \"X Y\""), "\(written)")
        #expect(try SentinelConfigParser.parse(lines: written).config.masters[0].renamedCommands == ["CONFIG": "GUESSME", "slaveof": "X Y"])
        var machine = Sentinel(config: config, seed: 1, now: 0)
        #expect(machine.masters[0].commandName("SLAVEOF") == "X Y")
        #expect(machine.masters[0].commandName("Config") == "GUESSME")
        #expect(machine.masters[0].commandName("INFO") == "INFO")
        // SENTINEL SET of the command in another case replaces the rename, in its case.
        _ = SentinelFixtures.command(&machine, "SENTINEL", "SET", "m", "rename-command", "config", "OTHER")
        #expect(machine.masters[0].renamedCommands == ["config": "OTHER", "slaveof": "X Y"])
    }

    @Test func sentinelSetRenamesAndUnrenames() {
        var c = SentinelConfig()
        c.myID = SentinelFixtures.myID
        c.masters = [MasterConfig(name: "m", address: Address(host: "10.0.0.1", port: 6379), quorum: 1)]
        var s = Sentinel(config: c, seed: 1, now: 0)
        #expect(SentinelFixtures.command(&s, "SENTINEL", "SET", "m", "rename-command", "config", "XCONFIG").0 == .simpleString(Array("OK".utf8)))
        #expect(s.masters[0].commandName("CONFIG") == "XCONFIG")
        // Renaming to itself removes the entry, as redis-sentinel does.
        #expect(SentinelFixtures.command(&s, "SENTINEL", "SET", "m", "rename-command", "CONFIG", "config").0 == .simpleString(Array("OK".utf8)))
        #expect(s.masters[0].renamedCommands.isEmpty)
        // redis-sentinel's words for an empty name: the empty argument is named.
        #expect(SentinelFixtures.command(&s, "SENTINEL", "SET", "m", "rename-command", "CONFIG", "").0
            == .error(Array("ERR Invalid argument '' for SENTINEL SET 'rename-command'".utf8)))
        #expect(SentinelFixtures.command(&s, "SENTINEL", "SET", "m", "rename-command", "", "X").0
            == .error(Array("ERR Invalid argument '' for SENTINEL SET 'rename-command'".utf8)))
        #expect(SentinelFixtures.command(&s, "SENTINEL", "SET", "m", "rename-command", "CONFIG").0
            == .error(Array("ERR Unknown option or number of arguments for SENTINEL SET 'rename-command'".utf8)))
    }
}
