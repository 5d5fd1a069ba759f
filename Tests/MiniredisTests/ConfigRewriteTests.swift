import Testing
import Config
@testable import miniredis

/// CONFIG REWRITE must write a file that loads back into the configuration the node has: the
/// property fuzz/run server-config checks, here on the inputs that broke it.
@Suite struct ConfigRewriteTests {
    /// As the fuzz target: `file` loaded, then `sets` applied as CONFIG SET would, rewritten,
    /// reloaded. Returns the rewritten text and every directive whose value did not come back.
    static func roundTrip(_ file: String, sets: [(String, String)] = []) throws -> (text: String, changed: [String]) {
        var config = ServerConfig()
        try config.apply(try ConfigFile.parse(file), file: nil)
        for (name, value) in sets {
            let e = try #require(ConfigTable.entry(name))
            #expect(ConfigTable.setAtRunTime(&config, e, value) == nil, "CONFIG SET \(name) \(value)")
        }
        let text = ConfigFile.rewrite(original: file, values: ConfigTable.rewriteValues(config, original: file))
        var reloaded = ServerConfig()
        try reloaded.apply(try ConfigFile.parse(text), file: nil)
        return (text, ConfigTable.entries.filter { $0.get(reloaded) != $0.get(config) }.map(\.name))
    }

    /// The server-config seed (fuzz/corpus/server-config/basic), which failed at once: a value
    /// with a space was written unquoted (`requirepass a b`) and the file no longer loaded; the
    /// `slaveof` line survived `CONFIG SET replicaof no one`, as did `slave-read-only no` a
    /// `CONFIG SET replica-read-only yes` (rewritten under the canonical name only when not the
    /// default, so the alias line set the old value again).
    @Test func theSeedReloadsAsItWasSet() throws {
        let input: [UInt8] = Array("""
            port 7000
            slaveof 10.0.0.1 6379
            requirepass "a b"
            save 900 1 300 10
            client-output-buffer-limit normal 0 0 0 replica 256mb 64mb 60
            maxmemory-policy allkeys-lru
            bind 127.0.0.1 -::1
            slave-read-only no
            dir /tmp

            """.utf8) + [0] + Array("replicaof no one\nsave 60 1\nmasterauth x y\nreplica-read-only yes\n".utf8)
        let parts = input.split(separator: 0, omittingEmptySubsequences: false)
        let sets = parts[1].split(separator: 10).map { line in
            let words = line.split(separator: 32, maxSplits: 1)
            return (String(decoding: words[0], as: UTF8.self), String(decoding: words[1], as: UTF8.self))
        }
        let (text, changed) = try Self.roundTrip(String(decoding: parts[0], as: UTF8.self), sets: sets)
        #expect(changed == [])
        #expect(text.contains("requirepass \"a b\"\n"))
        #expect(text.contains("masterauth \"x y\"\n"))
        #expect(!text.contains("slaveof"))
        #expect(text.contains("slave-read-only yes\n") && !text.contains("replica-read-only"))
    }

    /// Empty words and empty values: `daemonize "" x` (kept as " x") came back as "x" (now shown
    /// with another ignored directive: daemonize is real), and
    /// `dbfilename ""` was dropped from the file, so the default came back.
    @Test func emptyWordsAndValuesSurvive() throws {
        #expect(try Self.roundTrip("proc-title-template \"\" x\n").changed == [])
        #expect(try Self.roundTrip("dbfilename \"\"\n").changed == [])
        #expect(try Self.roundTrip("port 7000\n", sets: [("dbfilename", ""), ("proc-title-template", "a  b")]).changed == [])
    }

    /// Found by the fuzzer from the seed: the rewrite writes one `save` line per rule, as Redis
    /// does, but each line replaced the rules of the one before, so only the last rule came back.
    /// The classic redis.conf (save 900 1 / 300 10 / 60 10000) lost two of its three rules.
    @Test func saveLinesAddUp() throws {
        var config = ServerConfig()
        try config.apply(try ConfigFile.parse("save 900 1\nsave 300 10\nsave 60 10000\n"), file: nil)
        #expect(config.save.map { [$0.seconds, $0.changes] } == [[900, 1], [300, 10], [60, 10000]])
        try config.apply(try ConfigFile.parse("save \"\"\nsave 5 1\n"), file: nil)
        #expect(config.save.map { [$0.seconds, $0.changes] } == [[5, 1]])
        #expect(try Self.roundTrip("port 7000\nrequirepass \"a b\"\nsave 900 1\nsave 300 10\n").changed == [])
        #expect(try Self.roundTrip("save \"\"\n", sets: [("save", "60 1 30 5")]).changed == [])
    }
}
