import Testing
@testable import miniredis

/// Data commands run against a context alone: their replies and the effects they record
/// (dirty count, changed keys, propagated form) are checked without a server.
@Suite struct DataCommandTests {
    @Test func setThenGet() {
        let h = CommandHarness()
        let set = h.run("SET", "k", "v")
        #expect(set.reply == "+OK\r\n")
        #expect(set.effects.dirty == 1)
        #expect(set.changedKeys == ["k"])
        #expect(set.propagated == nil)
        #expect(set.violation == nil)

        let get = h.run("GET", "k")
        #expect(get.reply == "$1\r\nv\r\n")
        #expect(get.effects.dirty == 0)
        #expect(get.changedKeys.isEmpty)
        #expect(get.effects.keyspaceHits == 1)
        #expect(get.violation == nil)
    }

    @Test func relativeExpiryPropagatesAsAbsolute() {
        let h = CommandHarness()
        let r = h.run("SET", "k", "v", "EX", "10")
        #expect(r.reply == "+OK\r\n")
        #expect(r.propagated == [["SET", "k", "v", "PXAT", String(h.unixMs + 10_000)]])
        #expect(h.db.expireAt(Key("k")) == h.unixMs + 10_000)

        let setex = h.run("SETEX", "k2", "5", "v")
        #expect(setex.propagated == [["SET", "k2", "v", "PXAT", String(h.unixMs + 5_000)]])
    }

    @Test func incrCountsAndPropagatesAsCalled() {
        let h = CommandHarness()
        #expect(h.run("INCR", "n").reply == ":1\r\n")
        let second = h.run("INCR", "n")
        #expect(second.reply == ":2\r\n")
        #expect(second.effects.dirty == 1)
        #expect(second.propagated == nil)

        h.run("SET", "s", "abc")
        let bad = h.run("INCR", "s")
        #expect(bad.reply == "-ERR value is not an integer or out of range\r\n")
        #expect(bad.effects.dirty == 0)
        #expect(h.run("GET", "s").reply == "$3\r\nabc\r\n")  // a refused INCR leaves the value

        h.run("SET", "big", String(Int64.max - 1))
        #expect(h.run("INCRBY", "big", "1").reply == ":\(Int64.max)\r\n")
        #expect(h.run("INCRBY", "big", "1").reply == "-ERR increment or decrement would overflow\r\n")
        #expect(h.run("GET", "big").reply == "$19\r\n\(Int64.max)\r\n")
        #expect(h.run("DECRBY", "neg", "5").reply == ":-5\r\n")
        #expect(h.run("INCRBY", "neg", "-9223372036854775803").reply == ":\(Int64.min)\r\n")

        // An expired counter counts from zero again, and its expiry goes with it.
        h.run("SET", "t", "41", "PX", "10")
        h.unixMs += 20
        let fresh = h.run("INCR", "t")
        #expect(fresh.reply == ":1\r\n")
        #expect(fresh.effects.expiredKeys.count == 1)
    }

    @Test func wrongTypeRepliesOnceAndChangesNothing() {
        let h = CommandHarness()
        h.run("HSET", "h", "f", "1")
        for words in [["GET", "h"], ["INCR", "h"], ["LPUSH", "h", "x"], ["SADD", "h", "m"], ["ZADD", "h", "1", "m"]] {
            let args = words.map { Array($0.utf8) }
            let spec = CommandTable.standard.lookup(args[0])!
            guard case .data(let handler) = spec.handler else { Issue.record("\(words[0]) is not a data command"); continue }
            let r = h.run(spec, args, handler)
            #expect(r.reply == "-\(Errors.wrongType)\r\n", "\(words[0])")
            #expect(r.effects.dirty == 0, "\(words[0])")
            #expect(r.violation == nil, "\(words[0])")
        }
    }

    @Test func expirePropagatesAnAbsoluteTimeOrADelete() {
        let h = CommandHarness()
        h.run("SET", "k", "v")
        let future = h.run("EXPIRE", "k", "100")
        #expect(future.reply == ":1\r\n")
        #expect(future.propagated == [["PEXPIREAT", "k", String(h.unixMs + 100_000)]])

        let past = h.run("EXPIRE", "k", "-1")
        #expect(past.reply == ":1\r\n")
        #expect(past.propagated == [["DEL", "k"]])
        #expect(h.db.count == 0)

        // A replica leaves the deletion to its master.
        h.isMaster = false
        h.run("SET", "k", "v")
        let onReplica = h.run("EXPIRE", "k", "-1")
        #expect(onReplica.propagated == [["PEXPIREAT", "k", String(h.unixMs - 1_000)]])
        #expect(h.db.count == 1)
    }

    @Test func spopPropagatesTheMembersItRemoved() {
        let h = CommandHarness()
        h.run("SADD", "s", "a", "b", "c")
        let r = h.run("SPOP", "s")
        #expect(r.effects.dirty == 1)
        let member = r.reply.split(separator: "\r\n").last.map(String.init) ?? ""
        #expect(["a", "b", "c"].contains(member))
        #expect(r.propagated == [["SREM", "s", member]])

        let none = h.run("SPOP", "missing")
        #expect(none.reply == "$-1\r\n")
        #expect(none.effects.dirty == 0)
    }

    @Test func incrbyfloatPropagatesTheResult() {
        let h = CommandHarness()
        h.run("SET", "f", "10.5")
        let r = h.run("INCRBYFLOAT", "f", "0.1")
        #expect(r.reply == "$4\r\n10.6\r\n")
        #expect(r.propagated == [["SET", "f", "10.6", "KEEPTTL"]])
    }

    @Test func readsRecordNoEffects() {
        let h = CommandHarness()
        h.run("SET", "a", "1")
        h.run("RPUSH", "l", "x", "y")
        h.run("ZADD", "z", "1", "m")
        for words in [["MGET", "a", "b"], ["LRANGE", "l", "0", "-1"], ["ZRANGE", "z", "0", "-1", "WITHSCORES"], ["EXISTS", "a", "l"], ["TTL", "a"], ["SCAN", "0"]] {
            let args = words.map { Array($0.utf8) }
            let spec = CommandTable.standard.lookup(args[0])!
            guard case .data(let handler) = spec.handler else { Issue.record("\(words[0]) is not a data command"); continue }
            let r = h.run(spec, args, handler)
            #expect(r.effects.dirty == 0, "\(words[0])")
            #expect(r.changedKeys.isEmpty, "\(words[0])")
            #expect(r.effects.expiredKeys.isEmpty, "\(words[0])")
            #expect(r.violation == nil, "\(words[0])")
        }
        #expect(h.run("MGET", "a", "b").reply == "*2\r\n$1\r\n1\r\n$-1\r\n")
    }

    /// A key past its time is deleted by a master's lookup (and its DEL left to the
    /// dispatcher), hidden on a replica, and kept for our master's own commands.
    @Test func expiredKeysByMode() {
        let h = CommandHarness()
        h.run("SET", "k", "v", "PXAT", String(h.unixMs + 1))
        h.unixMs += 2
        h.expiryMode = .keep
        #expect(h.run("GET", "k").reply == "$1\r\nv\r\n")
        h.expiryMode = .hide
        let hidden = h.run("GET", "k")
        #expect(hidden.reply == "$-1\r\n")
        #expect(hidden.effects.expiredKeys.isEmpty)
        #expect(h.db.count == 1)
        h.expiryMode = .delete
        let deleted = h.run("GET", "k")
        #expect(deleted.reply == "$-1\r\n")
        #expect(deleted.effects.expiredKeys == [Key("k")])
        #expect(deleted.effects.keyspaceMisses == 1)
        #expect(deleted.effects.dirty == 0)
        #expect(h.db.count == 0)
    }

    /// Every command of the data groups takes a context alone, never the server.
    @Test func dataCommandsDoNotNeedTheServer() {
        let specs = KeyCommands.specs + StringCommands.specs + HashCommands.specs + ListCommands.specs
            + SetCommands.specs + SortedSetCommands.specs
        for spec in specs {
            guard case .data = spec.handler else {
                Issue.record("\(spec.name) is not a data command")
                continue
            }
        }
    }
}
