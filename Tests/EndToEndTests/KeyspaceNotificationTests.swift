import Foundation
import Testing
import RESP
import TestSupport

/// notify-keyspace-events: the same commands on miniredis and redis-server, and the same
/// notifications, in the same order, on both.
@Suite struct KeyspaceNotificationTests {
    /// Every message a pattern subscriber got while `commands` ran, as "channel message".
    static func heard(on server: ServerProcess, setting: String, _ commands: [[String]], waitGone: String? = nil) throws -> [String] {
        let c = try server.connect()
        #expect(try c.call("CONFIG", "SET", "notify-keyspace-events", setting) == .simpleString(Array("OK".utf8)))
        let sub = try server.connect()
        _ = try sub.call("PSUBSCRIBE", "__key*__:*")
        for command in commands { _ = try c.call(command) }
        if let key = waitGone {
            try Wait.until(timeoutSeconds: 10, "\(key) expires on \(server.port)") { try c.call("EXISTS", key) == .integer(0) }
        }
        // A PING answered after the messages: everything published before it has arrived.
        return try sub.patternMessagesBeforePong()
    }

    static let commands: [[String]] = [
        ["SET", "k", "v"], ["SET", "k", "v2", "EX", "100"], ["SETEX", "t", "100", "x"], ["GETSET", "k", "v3"],
        ["MSET", "a", "1", "b", "2"], ["INCR", "a"], ["INCRBY", "a", "5"], ["DECR", "b"], ["INCRBYFLOAT", "a", "1.5"],
        ["APPEND", "k", "!"], ["SETRANGE", "k", "0", "V"], ["SETNX", "k", "ignored"], ["SETNX", "n", "1"],
        ["EXPIRE", "k", "100"], ["PERSIST", "k"], ["RENAME", "k", "k2"], ["GETDEL", "k2"], ["GETEX", "t", "EX", "50"],
        ["GETEX", "t", "PERSIST"], ["DEL", "a", "b", "missing"], ["EXPIRE", "n", "-1"],
        ["LPUSH", "l", "a", "b"], ["RPUSH", "l", "c"], ["LPOP", "l"], ["RPOP", "l", "2"], ["RPUSHX", "l", "z"],
        ["SADD", "s", "a", "b"], ["SADD", "s", "a"], ["SREM", "s", "a", "zz"], ["SPOP", "s"],
        ["HSET", "h", "f", "v", "g", "w"], ["HSETNX", "h", "f", "x"], ["HSETNX", "h", "new", "x"], ["HINCRBY", "h", "n", "2"],
        ["HINCRBYFLOAT", "h", "n", "0.5"], ["HDEL", "h", "f", "g", "new", "n"],
        ["ZADD", "z", "1", "a", "2", "b"], ["ZADD", "z", "INCR", "5", "a"], ["ZINCRBY", "z", "1", "b"], ["ZREM", "z", "a"],
        ["ZPOPMIN", "z"], ["SET", "gone", "soon", "PX", "1"],
    ]

    @Test func everyCommandsEventsAsRedisPublishesThem() throws {
        let ours = try ServerProcess.miniredis()
        let redis = try ServerProcess.redisServer()
        let mine = try Self.heard(on: ours, setting: "KEA", Self.commands, waitGone: "gone")
        // Spot checks that hold whatever redis-server says: both channels, class filters, order.
        #expect(mine.prefix(2) == ["__keyspace@0__:k set", "__keyevent@0__:set k"])
        #expect(mine.contains("__keyevent@0__:rename_from k") && mine.contains("__keyevent@0__:rename_to k2"))
        #expect(mine.contains("__keyevent@0__:expired gone"))
        let pops = mine.firstIndex(of: "__keyevent@0__:rpop l"), del = mine.firstIndex(of: "__keyevent@0__:del l")
        #expect(pops != nil && del != nil && pops! < del!, "an emptied list's del follows its rpop")
        if let redis {
            let theirs = try Self.heard(on: redis, setting: "KEA", Self.commands, waitGone: "gone")
            print("keyspace notifications: \(mine.count) ours, \(theirs.count) redis-server's")
            #expect(mine == theirs, "ours:\n\(mine.joined(separator: "\n"))\nredis:\n\(theirs.joined(separator: "\n"))")
        }
        // Classes: only keyevents of lists; new keys; key misses.
        let classes: [(String, [[String]])] = [
            ("El", [["SET", "x", "1"], ["LPUSH", "ll", "a"], ["DEL", "x"]]),
            ("Kn", [["SET", "fresh", "1"], ["SET", "fresh", "2"], ["HSET", "hh", "f", "v"]]),
            ("Em", [["GET", "nope"], ["SET", "here", "1"], ["GET", "here"]]),
            ("Ex", [["SET", "brief", "1", "PX", "1"]]),
        ]
        for (setting, cmds) in classes {
            let gone = setting == "Ex" ? "brief" : nil
            let mineNow = try Self.heard(on: ours, setting: setting, cmds, waitGone: gone)
            #expect(!mineNow.isEmpty, "\(setting)")
            if let redis {
                #expect(mineNow == (try Self.heard(on: redis, setting: setting, cmds, waitGone: gone)), "\(setting)")
            }
        }
    }

    @Test func settingsAreReadAndWrittenAsRedisDoes() throws {
        let ours = try ServerProcess.miniredis(["--notify-keyspace-events", "Kx"])
        let redis = try ServerProcess.redisServer(["--notify-keyspace-events", "Kx"])
        var both: [[String]] = []
        for server in [ours, redis].compactMap({ $0 }) {
            let c = try server.connect()
            var replies: [String] = []
            for setting in ["Kx", "AKE", "g$lshzxetdKE", "KEA m n", "Elg", "", "EAmn"] {
                replies.append(try c.raw("CONFIG", "SET", "notify-keyspace-events", setting))
                replies.append(try c.raw("CONFIG", "GET", "notify-keyspace-events"))
            }
            #expect(replies[6] == "-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n", "port \(server.port)")
            both.append(replies)
        }
        if both.count == 2 { #expect(both[0] == both[1]) }
        // Evicted keys are announced too (class e).
        let evicting = try ServerProcess.miniredis(["--maxmemory", "2mb", "--maxmemory-policy", "allkeys-random"])
        let lines = try Self.heard(on: evicting, setting: "Ee", (0..<3000).map { ["SET", "key:\($0)", String(repeating: "x", count: 1000)] })
        let c = try evicting.connect()
        let evicted = Int(try ReplicationProbe.info(c, "evicted_keys", section: "stats") ?? "") ?? 0
        #expect(evicted > 0 && lines.count == evicted && lines.allSatisfy { $0.hasPrefix("__keyevent@0__:evicted key:") })
    }
}
