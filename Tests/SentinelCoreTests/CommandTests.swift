import Testing
@testable import SentinelCore
@testable import RESP

@Suite struct CommandTests {
    typealias F = SentinelFixtures
    static let other = String(repeating: "c", count: 40)

    func keys(_ v: RESPValue?) -> [String] { v?.pairs?.map { $0.0.text ?? "" } ?? [] }

    @Test func masterMapFieldsComeInRedisOrder() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        let (reply, _) = F.command(&s, "SENTINEL", "MASTER", "mymaster")
        #expect(keys(reply) == [
            "name", "ip", "port", "runid", "flags", "link-pending-commands", "link-refcount", "last-ping-sent",
            "last-ok-ping-reply", "last-ping-reply", "down-after-milliseconds", "info-refresh", "role-reported",
            "role-reported-time", "config-epoch", "num-slaves", "num-other-sentinels", "quorum", "failover-timeout",
            "parallel-syncs",
        ])
        #expect(reply?.pairs?.first { $0.0.text == "flags" }?.1.text == "master,disconnected")
        // Every value is a bulk string, as clients expect in RESP2.
        #expect(reply?.pairs?.allSatisfy { if case .bulkString = $0.1 { return true } else { return false } } == true)
    }

    @Test func replicaAndSentinelMapsEndWithTheirOwnFields() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        let replicas = F.command(&s, "SENTINEL", "REPLICAS", "mymaster").0?.elements
        #expect(replicas?.count == 1)
        #expect(keys(replicas?.first).suffix(7) == ["master-link-down-time", "master-link-status", "master-host",
                                                    "master-port", "slave-priority", "slave-repl-offset", "replica-announced"])
        let sentinels = F.command(&s, "SENTINEL", "SENTINELS", "mymaster").0?.elements
        #expect(keys(sentinels?.first).suffix(3) == ["last-hello-message", "voted-leader", "voted-leader-epoch"])
        #expect(keys(sentinels?.first).first == "name")
        #expect(sentinels?.first?.pairs?.first?.1.text == String(repeating: "b", count: 40))
    }

    @Test func masterMapIsAFlatArrayInRESP2() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        var w = RESPWriter(protocolVersion: 2)
        w.value(F.command(&s, "SENTINEL", "MASTER", "mymaster").0!)
        #expect(w.buffer.starts(with: Array("*40\r\n$4\r\nname\r\n".utf8)))
    }

    @Test func getMasterAddrAndUnknownMaster() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        #expect(F.command(&s, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster").0 == .array([.bulk("10.0.0.1"), .bulk("6379")]))
        #expect(F.command(&s, "SENTINEL", "get-primary-addr-by-name", "mymaster").0 == .array([.bulk("10.0.0.1"), .bulk("6379")]))
        #expect(F.command(&s, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nope").0 == .nullArray)
        #expect(F.command(&s, "SENTINEL", "MASTER", "nope").0 == .error(Array("ERR No such master with that name".utf8)))
    }

    @Test func voteIsPersistedBeforeTheReply() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        let (reply, actions) = F.command(&s, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "10.0.0.1", "6379", "5", Self.other)
        #expect(reply == .array([.integer(0), .bulk(Self.other), .integer(5)]))
        let persist = actions.lastIndex { if case .persist = $0 { return true } else { return false } }
        let answer = actions.firstIndex { if case .reply = $0 { return true } else { return false } }
        #expect(persist != nil && answer != nil && persist! < answer!)
        if case .persist(let config)? = persist.map({ actions[$0] }) {
            #expect(config.masters[0].leaderEpoch == 5 && config.currentEpoch == 5)
        }
        // A second candidate in the same epoch gets the first one's name back.
        let again = F.command(&s, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "10.0.0.1", "6379", "5", String(repeating: "d", count: 40)).0
        #expect(again == .array([.integer(0), .bulk(Self.other), .integer(5)]))
    }

    @Test(arguments: [
        ["10.0.0.1", "6379", "-1", String(repeating: "c", count: 40)],
        ["10.0.0.1", "6379", "abc", "*"],
        ["10.0.0.1", "6379", "99999999999999999999999", "*"],
        ["10.0.0.1", "6379", "18446744073709551615", String(repeating: "c", count: 40)],
        ["10.0.0.1", "x1", "1", "*"],
        ["10.0.0.1", "6379", "1", "not-a-runid"],
    ])
    func bogusIsMasterDownRequestsAreRefusedWithoutSideEffects(_ args: [String]) {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        let before = s.snapshot()
        let reply = F.command(&s, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", args[0], args[1], args[2], args[3]).0
        #expect(reply?.isError == true)
        #expect(s.snapshot() == before)
    }

    @Test func unknownAddressOrStarAsksWithoutVoting() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        #expect(F.command(&s, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "10.0.0.1", "6379", "3", "*").0
            == .array([.integer(0), .bulk("*"), .integer(0)]))
        #expect(F.command(&s, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "10.9.9.9", "6379", "3", Self.other).0
            == .array([.integer(0), .bulk("*"), .integer(0)]))
        #expect(s.snapshot().masters[0].leaderEpoch == 0)
    }

    @Test(arguments: [
        (["down-after-milliseconds", "0"], "Invalid argument"),
        (["down-after-milliseconds", "abc"], "Invalid argument"),
        (["failover-timeout", "-5"], "Invalid argument"),
        (["parallel-syncs", "0"], "Invalid argument"),
        (["quorum", "x"], "Invalid argument"),
        (["master-reboot-down-after-period", "-1"], "Invalid argument"),
        (["no-such-option", "1"], "Unknown option"),
        (["quorum"], "number of arguments"),
        (["notification-script", "/tmp/x.sh"], "denied"),
        (["quorum", "3", "parallel-syncs", "0"], "Invalid argument"),
    ])
    func sentinelSetRefusesBadValuesAndChangesNothing(_ args: [String], _ expected: String) {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        let before = s.snapshot()
        let reply = s.handle(.clientCommand(ClientID(1), args: (["SENTINEL", "SET", "mymaster"] + args).map { Array($0.utf8) }), now: 5)
        guard case .reply(_, let v)? = reply.last else { Issue.record("no reply"); return }
        #expect(v.isError && v.text!.contains(expected))
        #expect(s.snapshot() == before)
    }

    @Test func sentinelSetAppliesAndPersists() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        let (reply, actions) = F.command(&s, "SENTINEL", "SET", "mymaster", "quorum", "3", "down-after-milliseconds", "5000",
                                         "auth-pass", "secret")
        #expect(reply == .simpleString(Array("OK".utf8)))
        #expect(s.snapshot().masters[0].quorum == 3)
        #expect(s.snapshot().masters[0].downAfterMs == 5000)
        #expect(actions.contains { if case .persist = $0 { return true } else { return false } })
        #expect(actions.contains { $0.description == "publish +set master mymaster 10.0.0.1 6379 auth-pass ******" })
    }

    @Test func monitorRemoveAndCkquorum() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        #expect(F.command(&s, "SENTINEL", "MONITOR", "other", "10.0.0.9", "6379", "0").0?.isError == true)
        #expect(F.command(&s, "SENTINEL", "MONITOR", "other", "not an ip", "6379", "1").0?.isError == true)
        #expect(F.command(&s, "SENTINEL", "MONITOR", "mymaster", "10.0.0.9", "6379", "1").0?.isError == true)
        #expect(F.command(&s, "SENTINEL", "MONITOR", "other", "10.0.0.9", "6379", "1").0 == .simpleString(Array("OK".utf8)))
        #expect(F.command(&s, "SENTINEL", "MASTERS").0?.elements?.count == 2)
        #expect(F.command(&s, "SENTINEL", "REMOVE", "other").0 == .simpleString(Array("OK".utf8)))
        // Redis counts a known peer as usable until it is SDOWN, connected or not: 2 of 2.
        #expect(F.command(&s, "SENTINEL", "CKQUORUM", "mymaster").0
            == .simple("OK 2 usable Sentinels. Quorum and failover authorization can be reached"))
        #expect(F.command(&s, "SENTINEL", "FAILOVER", "mymaster").0?.text?.hasPrefix("NOGOODSLAVE") == true)
    }

    /// Removing a master moves the ones after it in the array: name and link lookups must follow.
    @Test func lookupsFollowARemovalThatMovesMasters() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        #expect(F.command(&s, "SENTINEL", "MONITOR", "other", "10.0.0.9", "6379", "1").0 == .simpleString(Array("OK".utf8)))
        let connects = s.handle(.tick(wallClockMs: 1_000), now: 1_000).compactMap { a -> LinkID? in
            if case .connect(let id) = a, id.master == "other", id.kind == .command { return id } else { return nil }
        }
        #expect(connects.count == 1)
        #expect(F.command(&s, "SENTINEL", "REMOVE", "mymaster").0 == .simpleString(Array("OK".utf8)))
        #expect(F.command(&s, "SENTINEL", "MASTER", "mymaster").0?.isError == true)
        #expect(F.command(&s, "SENTINEL", "MASTER", "OTHER").0?.isError == false)
        guard let link = connects.first else { return }
        let actions = s.handle(.linkConnected(link, localIP: "10.0.0.2"), now: 1_100)
        #expect(actions.contains { if case .send(link, ["PING"]) = $0 { return true } else { return false } })
        #expect(!actions.contains { if case .close = $0 { return true } else { return false } })
    }

    @Test func roleInfoAndPublish() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        #expect(F.command(&s, "ROLE").0 == .array([.bulk("sentinel"), .array([.bulk("mymaster")])]))
        #expect(F.command(&s, "PUBLISH", "other", "x").0?.text == "ERR Only HELLO messages are accepted by Sentinel instances.")
        #expect(F.command(&s, "PUBLISH", "__sentinel__:hello", "garbage").0 == .integer(1))
        let info = F.command(&s, "INFO", "sentinel").0?.text ?? ""
        #expect(info.contains("sentinel_masters:1\r\n"))
        #expect(info.contains("master0:name=mymaster,status=ok,address=10.0.0.1:6379,slaves=1,sentinels=2"))
        #expect(F.command(&s, "PING").0 == nil)
        #expect(F.command(&s, "SENTINEL", "MYID").0 == .bulk(F.myID))
    }

    @Test func debugAndConfigCommands() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        #expect(F.command(&s, "SENTINEL", "DEBUG", "ping-period", "500").0 == .simpleString(Array("OK".utf8)))
        #expect(s.timers.pingPeriodMs == 500)
        #expect(F.command(&s, "SENTINEL", "DEBUG", "ping-period", "-1").0?.isError == true)
        #expect(F.command(&s, "SENTINEL", "CONFIG", "SET", "announce-port", "70000").0?.isError == true)
        #expect(F.command(&s, "SENTINEL", "CONFIG", "SET", "announce-port", "26380").0 == .simpleString(Array("OK".utf8)))
        #expect(F.command(&s, "SENTINEL", "CONFIG", "GET", "announce-*").0
            == .map([(.bulk("announce-hostnames"), .bulk("no")), (.bulk("announce-ip"), .bulk("10.0.1.1")), (.bulk("announce-port"), .bulk("26380"))]))
    }
}

@Suite struct MachineDetailTests {
    typealias F = SentinelFixtures

    @Test func resetForgetsReplicasAndSentinels() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        #expect(F.command(&s, "SENTINEL", "RESET", "my*").0 == .integer(1))
        #expect(F.command(&s, "SENTINEL", "RESET", "nomatch").0 == .integer(0))
        #expect(s.snapshot().masters[0].knownReplicas.isEmpty)
        #expect(s.snapshot().masters[0].knownSentinels.isEmpty)
    }

    @Test func failingScriptIsRetriedThenReported() {
        var config = F.config()
        config.masters[0].notificationScript = "/bin/notify"
        var s = Sentinel(config: config, seed: 1, now: 0)
        // A warning-level event queues the script; the next tick starts it.
        _ = F.command(&s, "SENTINEL", "SET", "mymaster", "quorum", "2", now: 0)
        var started = s.handle(.tick(wallClockMs: 1_000), now: 100).compactMap { a -> ScriptJob? in
            if case .runScript(let j) = a { return j } else { return nil }
        }
        #expect(started.count == 1 && started[0].args.first == "+set")
        // Exit 1: retried after the retry delay, not before.
        _ = s.handle(.scriptFinished(started[0].id, exitStatus: 1), now: 200)
        #expect(!s.handle(.tick(wallClockMs: 1_100), now: 300).contains { if case .runScript = $0 { return true } else { return false } })
        // (The long gap also makes every instance SDOWN, which queues more scripts: ignore those.)
        started = s.handle(.tick(wallClockMs: 1_200), now: 200 + 30_000).compactMap { a -> ScriptJob? in
            if case .runScript(let j) = a, j.args.first == "+set" { return j } else { return nil }
        }
        #expect(started.count == 1)
        // Exit 2: reported as -script-error.
        let done = s.handle(.scriptFinished(started[0].id, exitStatus: 2), now: 30_300)
        #expect(done.contains { $0.description.hasPrefix("publish -script-error /bin/notify +set") })
    }

    @Test func helloWithMyOwnIDFromAnotherAddressIsWarnedAbout() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        let twin = Hello(ip: "10.0.1.7", port: 26379, runID: F.myID, currentEpoch: 0, masterName: "mymaster",
                         masterIP: "10.0.0.1", masterPort: 6379, masterConfigEpoch: 0)
        let actions = s.handle(.helloReceived(payload: twin.payload), now: 10)
        #expect(actions.contains { $0.description.contains("announces my own id") })
        #expect(s.snapshot().masters[0].knownSentinels.count == 1)
    }

    @Test func hugeDurationsAreRefused() {
        var s = Sentinel(config: F.config(), seed: 1, now: 0)
        #expect(F.command(&s, "SENTINEL", "DEBUG", "info-period", "9223372036854775807").0?.isError == true)
        #expect(F.command(&s, "SENTINEL", "SET", "mymaster", "failover-timeout", "9223372036854775807").0?.isError == true)
    }
}
