import Testing
import RESP
import TestSupport

/// BLPOP/BRPOP/BLMOVE/BRPOPLPUSH/BZPOPMIN/BZPOPMAX on miniredis and redis-server in one run:
/// served at once, blocked then served by another client's write (oldest waiter first), timed
/// out, inside MULTI, and their errors; the raw replies and the keyspace events compared.
@Suite struct BlockingCommandTests {
    static func transcript(_ server: ServerProcess) throws -> (lines: [String], events: [String]) {
        let a = try server.connect(), b = try server.connect(), c = try server.connect()
        _ = try b.call("CONFIG", "SET", "notify-keyspace-events", "KEA")
        let sub = try server.connect()
        _ = try sub.call("PSUBSCRIBE", "__keyevent@0__:*")
        var lines: [String] = []
        func note(_ label: String, _ text: String) { lines.append("\(label): \(text)") }
        // At once.
        _ = try b.call("RPUSH", "l", "x", "y")
        note("blpop now", try a.raw("BLPOP", "l", "0"))
        note("brpop now", try a.raw("BRPOP", "nokey", "l", "0"))
        note("timeout", try a.raw("BLPOP", "l", "0.05"))
        note("blmove timeout", try a.raw("BLMOVE", "l", "d", "LEFT", "LEFT", "0.05"))
        _ = try b.call("SET", "str", "v")
        note("wrongtype", try a.raw("BLPOP", "nokey", "str", "0"))
        note("negative", try a.raw("BLPOP", "l", "-1"))
        note("not a float", try a.raw("BLPOP", "l", "soon"))
        note("blmove syntax", try a.raw("BLMOVE", "l", "d", "UP", "LEFT", "0"))
        _ = try a.call("MULTI")
        _ = try a.call("BLPOP", "empty", "0")
        _ = try a.call("BZPOPMIN", "empty", "0")
        note("in multi", try a.raw("EXEC"))
        // Blocked, then served by a write; two waiters on one key are served oldest first.
        try a.send(["BLPOP", "q1", "q2", "0"])
        try c.send(["BRPOP", "q2", "0"])
        try Wait.until(timeoutSeconds: 10, "both clients block") {
            (try ReplicationProbe.info(b, "blocked_clients", section: "clients")) == "2"
        }
        note("push", try b.raw("LPUSH", "q2", "first", "second"))
        note("waiter 1", try a.readRaw())
        note("waiter 2", try c.readRaw())
        note("q2 left", try b.raw("EXISTS", "q2"))
        try a.send(["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"])
        try Wait.until(timeoutSeconds: 10, "BLMOVE blocks") { (try ReplicationProbe.info(b, "blocked_clients", section: "clients")) == "1" }
        note("push src", try b.raw("RPUSH", "src", "m"))
        note("blmove served", try a.readRaw())
        note("dst", try b.raw("LRANGE", "dst", "0", "-1"))
        try c.send(["BZPOPMIN", "z", "0"])
        try Wait.until(timeoutSeconds: 10, "BZPOPMIN blocks") { (try ReplicationProbe.info(b, "blocked_clients", section: "clients")) == "1" }
        note("zadd", try b.raw("ZADD", "z", "2.5", "m", "3", "n"))
        note("bzpopmin served", try c.readRaw())
        note("brpoplpush now", try a.raw("BRPOPLPUSH", "dst", "dst2", "0"))
        try a.send(["BLMPOP", "0", "2", "mq1", "mq2", "RIGHT", "COUNT", "2"])
        try Wait.until(timeoutSeconds: 10, "BLMPOP blocks") { (try ReplicationProbe.info(b, "blocked_clients", section: "clients")) == "1" }
        note("push mq2", try b.raw("RPUSH", "mq2", "1", "2", "3"))
        note("blmpop served", try a.readRaw())
        note("blmpop timeout", try a.raw("BLMPOP", "0.05", "1", "none", "LEFT"))
        try c.send(["BZMPOP", "0", "1", "mz", "MAX", "COUNT", "5"])
        try Wait.until(timeoutSeconds: 10, "BZMPOP blocks") { (try ReplicationProbe.info(b, "blocked_clients", section: "clients")) == "1" }
        note("zadd mz", try b.raw("ZADD", "mz", "1", "x", "2", "y"))
        note("bzmpop served", try c.readRaw())
        // A blocked client's pipelined commands wait for it.
        try a.send(raw: RESPWriter.encode(command: ["BRPOP", "late", "0"]) + RESPWriter.encode(command: ["PING"]))
        try Wait.until(timeoutSeconds: 10, "BRPOP blocks") { (try ReplicationProbe.info(b, "blocked_clients", section: "clients")) == "1" }
        _ = try b.call("RPUSH", "late", "v")
        note("late served", try a.readRaw())
        note("then ping", try a.readRaw())
        let events = try sub.patternMessagesBeforePong()
        return (lines, events)
    }

    @Test func blockingPopsAsRedis() throws {
        let ours = try Self.transcript(try ServerProcess.miniredis())
        #expect(ours.lines.contains("waiter 1: *2\r\n$2\r\nq2\r\n$6\r\nsecond\r\n"), "\(ours.lines)")
        #expect(ours.lines.contains("timeout: *-1\r\n"), "\(ours.lines)")
        guard let redis = try ServerProcess.redisServer() else { return }
        let theirs = try Self.transcript(redis)
        for (mine, other) in zip(ours.lines, theirs.lines) where mine != other {
            Issue.record("ours:  \(mine.debugDescription)\nredis: \(other.debugDescription)")
        }
        #expect(ours.lines.count == theirs.lines.count)
        #expect(ours.events == theirs.events, "ours:\n\(ours.events.joined(separator: "\n"))\nredis:\n\(theirs.events.joined(separator: "\n"))")
    }

    /// A served pop reaches the replica as the pop it was (LPOP, LMOVE), so the replica's lists
    /// match the master's.
    @Test func servedPopsReplicate() throws {
        let master = try ServerProcess.miniredis(["--repl-diskless-sync-delay", "0"])
        let replica = try ServerProcess.miniredis(["--replicaof", "127.0.0.1", "\(master.port)"])
        let r = try replica.connect()
        try ReplicationProbe.waitLinked(r)
        let a = try master.connect(), b = try master.connect()
        try a.send(["BLMOVE", "jobs", "working", "LEFT", "RIGHT", "0"])
        try Wait.until(timeoutSeconds: 10, "BLMOVE blocks") { (try ReplicationProbe.info(b, "blocked_clients", section: "clients")) == "1" }
        _ = try b.call("RPUSH", "jobs", "j1", "j2")
        #expect(try a.read() == .bulk("j1"))
        #expect(try b.call("WAIT", "1", "5000") == .integer(1))
        try Wait.until(timeoutSeconds: 10, "the replica has the moved job") {
            try r.call("LRANGE", "working", "0", "-1") == .array([.bulk("j1")]) && r.call("LRANGE", "jobs", "0", "-1") == .array([.bulk("j2")])
        }
    }
}
