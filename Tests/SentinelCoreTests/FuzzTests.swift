import Foundation
import Testing
@testable import SentinelCore
@testable import RESP
@testable import Config

/// Hostile and random inputs: the machine must answer or refuse, never crash.
@Suite struct FuzzTests {
    static let pieces = [
        "", "0", "1", "-1", "65535", "65536", "9223372036854775807", "9223372036854775808",
        "18446744073709551616", "*", "mymaster", "my*", "10.0.0.1", "::1", "a b", ",", "\r\n", "\u{0}",
        "ü", String(repeating: "9", count: 30), String(repeating: "x", count: 300),
        "0123456789abcdef0123456789abcdef01234567", "yes", "no", "quorum", "down-after-milliseconds",
        "failover-timeout", "parallel-syncs", "auth-pass", "rename-command", "announce-ip", "loglevel",
    ]
    static let subcommands = [
        "MASTERS", "MASTER", "REPLICAS", "SLAVES", "SENTINELS", "GET-MASTER-ADDR-BY-NAME",
        "IS-MASTER-DOWN-BY-ADDR", "RESET", "FAILOVER", "CKQUORUM", "FLUSHCONFIG", "MONITOR", "REMOVE",
        "SET", "MYID", "INFO-CACHE", "CONFIG", "SIMULATE-FAILURE", "PENDING-SCRIPTS", "DEBUG", "HELP",
        "PRIMARY", "IS-PRIMARY-DOWN-BY-ADDR", "NOPE",
    ]

    @Test func randomSentinelCommandsAlwaysGetExactlyOneAnswer() {
        var r = SplitMix64(seed: 1)
        var s = Sentinel(config: SentinelFixtures.config(), seed: 1, now: 0)
        for i in 0..<3_000 {
            var args = ["SENTINEL", Self.subcommands[Int(r.below(Int64(Self.subcommands.count)))]]
            for _ in 0..<r.below(6) { args.append(Self.pieces[Int(r.below(Int64(Self.pieces.count)))]) }
            if args[1] == "SIMULATE-FAILURE" { continue }
            let actions = s.handle(.clientCommand(ClientID(1), args: args.map { Array($0.utf8) }), now: Int64(i))
            let answers = actions.filter {
                switch $0 {
                case .reply, .notHandled: return true
                default: return false
                }
            }
            #expect(answers.count == 1, "\(args)")
            if i % 100 == 0 { _ = s.handle(.tick(wallClockMs: Int64(i) * 100), now: Int64(i)) }
        }
    }

    @Test func mutatedHellosNeverCrash() {
        var r = SplitMix64(seed: 2)
        var s = Sentinel(config: SentinelFixtures.config(), seed: 1, now: 0)
        let valid = Array("10.0.1.2,26379,0123456789abcdef0123456789abcdef01234567,5,mymaster,10.0.0.1,6379,3".utf8)
        for i in 0..<3_000 {
            var bytes = valid
            for _ in 0..<(1 + r.below(4)) {
                let at = Int(r.below(Int64(bytes.count)))
                switch r.below(3) {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: r.next())
                case 1: bytes.insert(UInt8(truncatingIfNeeded: r.next()), at: at)
                default: bytes.remove(at: at)
                }
            }
            _ = s.handle(.helloReceived(payload: String(decoding: bytes, as: UTF8.self)), now: Int64(i))
        }
        #expect(s.snapshot().masters.count == 1)
        #expect(s.snapshot().masters[0].knownSentinels.count <= SentinelLimits.maxKnownSentinelsPerMaster)
    }

    @Test func randomInfoAndConfigTextNeverCrash() {
        var r = SplitMix64(seed: 3)
        let alphabet = Array("role:master slave0:ip=,port= \r\n:=,run_id master_link_down_since_seconds 9-".utf8)
        for _ in 0..<2_000 {
            let bytes = (0..<r.below(200)).map { _ in alphabet[Int(r.below(Int64(alphabet.count)))] }
            _ = InfoReport.parse(String(decoding: bytes, as: UTF8.self))
        }
        for _ in 0..<2_000 {
            var line = "sentinel"
            for _ in 0..<r.below(7) { line += " " + Self.pieces[Int(r.below(Int64(Self.pieces.count)))] }
            _ = try? SentinelConfigParser.parse(lines: ["sentinel monitor mymaster 10.0.0.1 6379 2", line])
        }
    }

    // MARK: Found by fuzz/run (inputs as the fuzzer wrote them)

    /// `value` written by RESPWriter in `version` and parsed again: the value, where the parse
    /// stopped, and how many bytes were written.
    static func writtenBack(_ value: RESPValue, version: Int) throws -> (value: RESPValue, next: Int, count: Int)? {
        var w = RESPWriter(protocolVersion: version)
        w.value(value)
        return try RESPParser().parse(w.buffer).map { ($0.value, $0.next, w.buffer.count) }
    }

    /// resp target, crash-f8d3a13f: an error line holding a lone CR came back with it, and a blob
    /// error (`!`) may hold CRLF, which RESPWriter wrote into the error line as it was: the reader
    /// then saw two replies. The sentinel's own errors quote client arguments, which may hold CRLF.
    @Test func errorRepliesAreWrittenOnOneLine() throws {
        let input: [UInt8] = [0x2d, 0x69, 0x6e, 0x66, 0x00, 0x00, 0x00, 0x00, 0x53, 0x45, 0x54, 0x0d, 0x6b, 0x0d, 0x0a,
                              0x0d, 0x0a, 0x6b, 0x0d, 0x0a, 0x3a, 0x31, 0x0d, 0x0a]
        let (value, _) = try #require(try RESPParser().parse(input))
        #expect(value == .error(Array("inf\0\0\0\0SET\rk".utf8)))
        let back = try #require(try Self.writtenBack(value, version: 3))
        #expect(back.value == .error(Array("inf\0\0\0\0SET k".utf8)))

        let (blob, _) = try #require(try RESPParser().parse(Array("!8\r\nERR a\r\nb\r\n".utf8)))
        for version in [2, 3] {
            let again = try #require(try Self.writtenBack(blob, version: version))
            #expect(again.next == again.count)
            #expect(again.value == .error(Array("ERR a  b".utf8)))
        }

        var s = Sentinel(config: SentinelFixtures.config(), seed: 1, now: 0)
        let actions = s.handle(.clientCommand(ClientID(1), args: [Array("SENTINEL".utf8), Array("x\r\n+OK".utf8)]), now: 0)
        let replies = actions.compactMap { action -> RESPValue? in
            if case .reply(_, let v) = action { return v }
            return nil
        }
        let reply = try #require(replies.first)
        let again = try #require(try Self.writtenBack(reply, version: 2))
        #expect(again.next == again.count, "the error reply must be a single reply")
        #expect(again.value.isError)
    }

    /// config target, crash-4bb98f3d: the file's last line ended in "\r" without "\n"; the rewrite
    /// added "\n" and its lines, and since Swift counts "\r\n" as one Character, splitting on
    /// "\n" joined the marker line to that line. The same read a CRLF file as one long line.
    @Test func configFilesAreSplitAtEveryNewlineByte() throws {
        let input: [UInt8] = [0x70, 0x6f, 0x72, 0x74, 0x20, 0x36, 0x33, 0x37, 0x39, 0x8a, 0x73, 0x61, 0x76, 0x65, 0x20,
                              0x70, 0x6f, 0x72, 0x74, 0x20, 0x36, 0x33, 0x37, 0x39, 0x0a, 0x76, 0x73, 0x39, 0x61, 0x65,
                              0xbd, 0x00, 0x00, 0x00, 0x0a, 0x72, 0x65, 0x71, 0x75, 0x39, 0x30, 0x0d]
        let rewritten = ConfigFile.rewrite(original: String(decoding: input, as: UTF8.self), values: [("port", ["1"]), ("save", ["60 1"])])
        #expect(try ConfigFile.parse(rewritten).map { [$0.name] + $0.args }
            == [["port", "1"], ["vs9ae\u{FFFD}\0\0\0"], ["requ90"], ["save", "60", "1"]])

        #expect(try ConfigFile.parse("port 7000\r\nsave 60 1\r\n# c\r\n").map { [$0.name] + $0.args } == [["port", "7000"], ["save", "60", "1"]])
        let sentinel = try SentinelConfigParser.parse("sentinel monitor m 10.0.0.1 6379 2\r\nsentinel down-after-milliseconds m 1000\r\n")
        #expect(sentinel.config.masters.first?.downAfterMs == 1000)
    }

    /// sentinel-config target, 10-minute run, crash-fac663db (base64 of the 1787 bytes): the
    /// mutated sentinel.conf.example says `resolve-hostnames yes`, monitors 419.0.0.1 (not an
    /// address, so a hostname), then says `resolve-hostnames no`. The state written back had the
    /// monitor line but no resolve-hostnames, and no longer loaded ("Invalid IP address or
    /// hostname specified"). SENTINEL CONFIG SET resolve-hostnames no did the same at run time.
    @Test func persistedHostnameMonitorsLoadAgain() throws {
        let input = Array(try #require(Data(base64Encoded: """
            IyBzZW50aW5lbC5jb25mLmV4YW1wbGUg4oCUIGEgd29ya2luZyBjb25maWd1cmF0aW9uIGZvciBvbmUgb2YgdGhyZWUgc2Vu
            dGluZWxzLgojCiMgUnVuIHRocmVlIHNlbnRpbmVscyAob24gdGhyZWUgaG9zdHMsIG9yIHRocmVlIHBvcnRzIGZvciBhIHRl
            c3QpIHdpdGggYSBjb3Bwb3JyZXBsaWNhcyBhcmUgcmVwb2ludGWc3/////////8BZXcgbWFzdGVyIGF0IHRuIHloYXJlcGxp
            Y2FzIGFyZSByZXRpbmVsIGFubm91bmNlLWlwIDEwLjAuMK41DQpzZW50aW5lbCByZXNvbHZlLWhvc3RuYW1lcyB5ZXMNCnRl
            ZCBpb24gZm9yIG9uZSBvZiB0aHJlZSBzZW50aW5lbHMuCiMaIyBSdW4gdGhyZWUgc2VudGluZWxzIChvbiB0aHJlZSBob3N0
            cywgb3IgdGhyZWUgcG9ydHMgZm9yIGEgdGVzdCkgd2l0aCBhIGNvDnB5IG9mIHRoaXMgZmlsZQojIGVhY2gsIGUuZy46CiMg
            ICAgIGNgIHNlbnRpbmVsLmNvbmYuZXhhbXBsZSAvZXRjL3NlbnRpbmVsLyBpdHMgb3duIGNvcHk6CiMgbmV2ZXIgY29weSBh
            IGZpbGUgdGhhdCBhbHJlYWR5IGhvbGRzIGEgYHNlbnRpbmVsIG15aWRgIGxpbmUgKHRoZSBzZW50aW5lbCB3YXJucyBpZiB0
            d28gc2hhcmUgYW4KIyBpZCkuIEV2ZXJ5bHNvIGJlIHJlYWNoYWJsZSB0bwojIGVsZWN0IHRoZSBsZWFkZXIgdGhhdCBwZXJm
            b3JtcyB0aGUgZmFpbG92ZXIuCnNlbnRpbmVsIG1vbml0b3IgbXltYXN0ZXIgNDE5LjAuMC4xIDYzNzkgMgogdW5yZWFjaGFi
            bGUgYmVmb3JlIHRoaXMgc2VudGluZWwgY29uc2lkZXJzIGl0IGRvd24gKFNET1dOKS4KIyBMb3dlciBtZWFucyBmYXN0ZXIg
            ZmFpbG92ZXIgYnV0IG1vcmUgZmFsc2UgYWxhcm1zIG9uIGEgY29uZ2VzdGVkIG5ldHdvcmsuCnNlbnRpbmVsIGRvd24tYWZ0
            ZXItbWlsbGlzZWNvbmRzIG15bWFzdGVyIDI1MDAKCiMgVGltZSBidWRnZXQgb2Ygb25lIGZhaWxvdmVyIGF0dGVtcHQgKGFu
            ZCB0d2ljZSB0aGlzIGJlZm9yZSB0aGUgc2FtZSBtBWFzdGVyIGlzIHRydHR0dHR0dGllZCBhZ2FpbikuCnNlbnRpbmVsIGZh
            aWxvdmVyLXRpbWVvdXQgbXltYXN0ZXIgNjAwMDAKCiMgSG93IG1hbnkgcmVwbGljYXMgYXJlIHJlcG9pbnRlZCB0byB0aGVl
            IHNhbWUgdGkjIHNlbnRpbmVsLmNvbmZ4Ci5lIyByZXF1aXJlcGFzcyBjaGFuZ2UtbWUKCiMgV29ya2luZyBkbWUgYWZ0ZXIg
            aXJlY3RvcmEgZmFpbG95IChzY3J1cyBwaXRybiBoZXJlKSBhbmQgbG9nZ2luZ3ZlIGZpbGUgd2hlbiB0aGlzIGZpbGUgaXMg
            cmVhZC1vbmx5IChhIGNvbmZpZyBtYXAsIGEgcmVhZC1vbmx5CiMgbW91bnQpLiBSZWRpcyBTZW50aW5lbCBjYW5ub3QgZG8g
            dGhpczsgaXQgbmVlZHMgdGhlIGNvbmZpZyBmaWxlIHRvIGJlIHdyaXRhYmxlLgojIHNlbnRpbmVsIHN0YXRlLWZpbGUgL3Zh
            ci9saWIvc2VudGluZWwvc3RhdGUuY29uZgoKIyBUaGUgbWFzdGVyIHRvIHdhdGNoOiBuYW1lLCBhZGRyZXNzLCBhbmQgdGhh
            bmQgbG9nZ2luZy4KZGlyIC90bXAKbG9nbGV2ZWwgbm90aWNlCmxvZ2ZpbGUgIiIKCiMgS2VlcCB0aGUgc3RhdGUgaW4gYSBz
            ZXBhcmF0ZSBmaWxlIHdoZW4gdGhpcyBmaWxlIGlyIHNlbnRpbmVsc3RpbmVsIGF1dGgtcGFzcyBteW1hc3RlciBjaGFuZ2Ut
            bWUKIyBzZW50aW5lbCBhdXRoLXVzZXIgbXltYXN0ZXIgc2VudGluZWwtdXNlcgoKIyBQYXNzd29yZCB0aGXWb3RoYW5nZXMu
            CiMgc2VudGluZWwgbm90aWZpY2F0aW9uLXNjcmlwdCBteW1hc3RlciAvdXNsdmVkIG9uIGV2ZXJ5IHJlY29ubmVjdCkuCnNl
            bnRpbmVsIHJlc29sdmUtaG9zdG5hbWVzIG5vCnNlbnRpbmVsIGFubm91bmNlLWhvc3RuYW1lcyBubwo=
            """, options: .ignoreUnknownCharacters)))
        #expect(input.count == 1787)
        let text = String(decoding: input, as: UTF8.self)
        let parsed = try SentinelConfigParser.parse(text)
        #expect(parsed.config.masters.map(\.address.host) == ["419.0.0.1"] && !parsed.config.resolveHostnames)
        let rewritten = SentinelConfigRewriter.rewrite(lines: ConfigFile.splitLines(text), with: parsed.config)
        #expect(try SentinelConfigParser.parse(lines: rewritten).config == parsed.config)

        var config = SentinelFixtures.config()
        config.resolveHostnames = true
        config.masters[0].address = Address(host: "db.example", port: 6379)
        var s = Sentinel(config: config, seed: 1, now: 0)
        let (reply, actions) = SentinelFixtures.command(&s, "SENTINEL", "CONFIG", "SET", "resolve-hostnames", "no")
        #expect(reply == .simpleString(Array("OK".utf8)))
        let persisted = try #require(actions.lazy.compactMap { action -> SentinelConfig? in
            if case .persist(let c) = action { return c }
            return nil
        }.first)
        #expect(!persisted.resolveHostnames)
        #expect(try SentinelConfigParser.parse(lines: SentinelConfigRewriter.generatedLines(persisted)).config == persisted)
    }
}
