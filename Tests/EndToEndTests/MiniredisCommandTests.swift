import Testing
import TestSupport

/// Reply bytes of the data node's commands, checked on the wire against what Redis 7 sends.
@Suite struct MiniredisCommandTests {
    let server: ServerProcess
    let c: RedisConnection

    init() throws {
        server = try ServerProcess.miniredis()
        c = try server.connect()
    }

    @Test func stringsReplyAsRedisDoes() throws {
        #expect(try c.raw("SET", "k", "v") == "+OK\r\n")
        #expect(try c.raw("GET", "k") == "$1\r\nv\r\n")
        #expect(try c.raw("GET", "missing") == "$-1\r\n")
        #expect(try c.raw("SET", "k", "w", "NX") == "$-1\r\n")
        #expect(try c.raw("SET", "k", "w", "XX", "GET") == "$1\r\nv\r\n")
        #expect(try c.raw("SET", "k", "w", "NX", "XX") == "-ERR syntax error\r\n")
        #expect(try c.raw("SET", "k", "w", "EX", "0") == "-ERR invalid expire time in 'set' command\r\n")
        #expect(try c.raw("SET", "k", "w", "EX", "x") == "-ERR value is not an integer or out of range\r\n")
        #expect(try c.raw("APPEND", "k", "xyz") == ":4\r\n")
        #expect(try c.raw("STRLEN", "k") == ":4\r\n")
        #expect(try c.raw("GETRANGE", "k", "1", "-2") == "$2\r\nxy\r\n")
        #expect(try c.raw("SETRANGE", "k", "6", "ab") == ":8\r\n")
        #expect(try c.raw("GET", "k") == "$8\r\nwxyz\0\0ab\r\n")
        #expect(try c.raw("INCR", "n") == ":1\r\n")
        #expect(try c.raw("INCRBY", "n", "41") == ":42\r\n")
        #expect(try c.raw("DECRBY", "n", "2") == ":40\r\n")
        #expect(try c.raw("INCR", "k") == "-ERR value is not an integer or out of range\r\n")
        #expect(try c.raw("SET", "big", "9223372036854775807") == "+OK\r\n")
        #expect(try c.raw("INCR", "big") == "-ERR increment or decrement would overflow\r\n")
        #expect(try c.raw("INCRBYFLOAT", "f", "10.5") == "$4\r\n10.5\r\n")
        #expect(try c.raw("INCRBYFLOAT", "f", "0.1") == "$4\r\n10.6\r\n")
        #expect(try c.raw("MSET", "a", "1", "b", "2") == "+OK\r\n")
        #expect(try c.raw("MGET", "a", "b", "nope") == "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n")
        #expect(try c.raw("MSETNX", "a", "1", "c", "3") == ":0\r\n")
        #expect(try c.raw("MSET", "a") == "-ERR wrong number of arguments for 'mset' command\r\n")
        #expect(try c.raw("GETDEL", "a") == "$1\r\n1\r\n")
        #expect(try c.raw("EXISTS", "a") == ":0\r\n")
        #expect(try c.raw("SETNX", "a", "x") == ":1\r\n")
        #expect(try c.raw("SETEX", "e", "100", "v") == "+OK\r\n")
        #expect(try c.raw("TTL", "e") == ":100\r\n")
        #expect(try c.raw("GETEX", "e", "PERSIST") == "$1\r\nv\r\n")
        #expect(try c.raw("TTL", "e") == ":-1\r\n")
        #expect(try c.raw("GET") == "-ERR wrong number of arguments for 'get' command\r\n")
    }

    @Test func binaryKeysAndValuesRoundTrip() throws {
        let key: [UInt8] = [0, 255, 13, 10, 128, 32]
        let value: [UInt8] = (0...255).map { UInt8($0) }
        try c.send(bytes: [Array("SET".utf8), key, value])
        #expect(try c.read() == .simpleString(Array("OK".utf8)))
        try c.send(bytes: [Array("GET".utf8), key])
        #expect(try c.read() == .bulkString(value))
    }

    @Test func keysExpireAndScan() throws {
        for i in 0..<50 { try c.call("SET", "key:\(i)", "\(i)") }
        #expect(try c.raw("TYPE", "key:1") == "+string\r\n")
        #expect(try c.raw("TYPE", "nope") == "+none\r\n")
        #expect(try c.raw("DEL", "key:1", "key:2", "nope") == ":2\r\n")
        #expect(try c.raw("EXPIRE", "key:3", "100") == ":1\r\n")
        #expect(try c.raw("EXPIRE", "key:3", "100", "NX") == ":0\r\n")
        #expect(try c.raw("EXPIRE", "nope", "100") == ":0\r\n")
        #expect(try c.raw("PERSIST", "key:3") == ":1\r\n")
        #expect(try c.raw("TTL", "nope") == ":-2\r\n")
        #expect(try c.raw("PEXPIRE", "key:4", "1") == ":1\r\n")
        try Wait.until(timeoutSeconds: 5, "key:4 expires") { try c.call("EXISTS", "key:4") == .integer(0) }
        #expect(try c.raw("RENAME", "nope", "x") == "-ERR no such key\r\n")
        #expect(try c.raw("RENAME", "key:5", "renamed") == "+OK\r\n")
        #expect(try c.raw("GET", "renamed") == "$1\r\n5\r\n")
        // SCAN visits every key exactly once when nothing changes during the scan.
        var seen: [String] = []
        var cursor = "0"
        repeat {
            let reply = try c.call("SCAN", cursor, "COUNT", "7")
            let parts = reply.elements!
            cursor = parts[0].text!
            seen += parts[1].elements!.map { $0.text! }
        } while cursor != "0"
        let keys = try c.call("KEYS", "*").elements!.map { $0.text! }
        #expect(seen.sorted() == keys.sorted())
        #expect(Set(seen).count == seen.count)
        #expect(try c.call("KEYS", "key:1?").elements!.count == 10)
        #expect(try c.raw("SCAN", "x") == "-ERR invalid cursor\r\n")
        #expect(try c.call("RANDOMKEY").text != nil)
    }

    @Test func hashesListsSetsAndSortedSets() throws {
        #expect(try c.raw("HSET", "h", "f1", "v1", "f2", "v2") == ":2\r\n")
        #expect(try c.raw("HGET", "h", "f1") == "$2\r\nv1\r\n")
        #expect(try c.raw("HMGET", "h", "f1", "x") == "*2\r\n$2\r\nv1\r\n$-1\r\n")
        #expect(try c.raw("HLEN", "h") == ":2\r\n")
        #expect(try c.raw("HEXISTS", "h", "f2") == ":1\r\n")
        #expect(try c.raw("HINCRBY", "h", "n", "5") == ":5\r\n")
        #expect(try c.raw("HINCRBY", "h", "f1", "5") == "-ERR hash value is not an integer\r\n")
        #expect(try c.raw("HDEL", "h", "f1", "f2", "n") == ":3\r\n")
        #expect(try c.raw("EXISTS", "h") == ":0\r\n")
        #expect(try c.raw("HSET", "h", "f1") == "-ERR wrong number of arguments for 'hset' command\r\n")

        #expect(try c.raw("RPUSH", "l", "a", "b", "c") == ":3\r\n")
        #expect(try c.raw("LPUSH", "l", "z") == ":4\r\n")
        #expect(try c.raw("LRANGE", "l", "0", "-1") == "*4\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n")
        #expect(try c.raw("LRANGE", "l", "5", "10") == "*0\r\n")
        #expect(try c.raw("LINDEX", "l", "-1") == "$1\r\nc\r\n")
        #expect(try c.raw("LPOP", "l") == "$1\r\nz\r\n")
        #expect(try c.raw("RPOP", "l", "2") == "*2\r\n$1\r\nc\r\n$1\r\nb\r\n")
        #expect(try c.raw("LPOP", "nope", "2") == "*-1\r\n")
        #expect(try c.raw("LLEN", "l") == ":1\r\n")
        #expect(try c.raw("LPOP", "l", "-1") == "-ERR value is out of range, must be positive\r\n")
        #expect(try c.raw("LPUSH", "h2") == "-ERR wrong number of arguments for 'lpush' command\r\n")

        #expect(try c.raw("SADD", "s", "a", "b", "a") == ":2\r\n")
        #expect(try c.raw("SISMEMBER", "s", "a") == ":1\r\n")
        #expect(try c.raw("SCARD", "s") == ":2\r\n")
        #expect(try c.raw("SREM", "s", "a", "x") == ":1\r\n")
        #expect(try c.raw("SPOP", "s") == "$1\r\nb\r\n")
        #expect(try c.raw("SPOP", "s") == "$-1\r\n")

        #expect(try c.raw("ZADD", "z", "1", "a", "2", "b", "1.5", "c") == ":3\r\n")
        #expect(try c.raw("ZRANGE", "z", "0", "-1", "WITHSCORES") == "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n")
        #expect(try c.raw("ZSCORE", "z", "c") == "$3\r\n1.5\r\n")
        #expect(try c.raw("ZINCRBY", "z", "2", "a") == "$1\r\n3\r\n")
        #expect(try c.raw("ZCARD", "z") == ":3\r\n")
        #expect(try c.raw("ZPOPMIN", "z") == "*2\r\n$1\r\nc\r\n$3\r\n1.5\r\n")
        #expect(try c.raw("ZREM", "z", "a", "nope") == ":1\r\n")
        #expect(try c.raw("ZADD", "z", "x", "a") == "-ERR value is not a valid float\r\n")
        #expect(try c.raw("ZADD", "z", "NX", "XX", "1", "a") == "-ERR XX and NX options at the same time are not compatible\r\n")
        #expect(try c.raw("ZRANGE", "z", "(1", "+inf", "BYSCORE") == "*1\r\n$1\r\nb\r\n")

        // Every type refuses the others' commands with WRONGTYPE.
        let wrong = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
        #expect(try c.raw("GET", "z") == wrong)
        #expect(try c.raw("LPUSH", "z", "x") == wrong)
        #expect(try c.raw("SADD", "z", "x") == wrong)
        #expect(try c.raw("HSET", "z", "x", "y") == wrong)
        #expect(try c.raw("ZADD", "l", "1", "x") == wrong)
    }

    @Test func resp3RepliesUseMapsDoublesAndNulls() throws {
        let hello = try c.call("HELLO", "3")
        guard case .map(let fields) = hello else { Issue.record("HELLO 3 did not reply a map: \(hello)"); return }
        #expect(fields.first?.0 == .bulk("server"))
        #expect(try c.raw("GET", "missing") == "_\r\n")
        try c.call("HSET", "h", "f", "v")
        #expect(try c.raw("HGETALL", "h") == "%1\r\n$1\r\nf\r\n$1\r\nv\r\n")
        try c.call("ZADD", "z", "2.5", "m")
        #expect(try c.raw("ZSCORE", "z", "m") == ",2.5\r\n")
        #expect(try c.raw("ZRANGE", "z", "0", "-1", "WITHSCORES") == "*1\r\n*2\r\n$1\r\nm\r\n,2.5\r\n")
        try c.call("SADD", "s", "x")
        #expect(try c.raw("SMEMBERS", "s") == "~1\r\n$1\r\nx\r\n")
        #expect(try c.raw("HELLO", "4") == "-NOPROTO unsupported protocol version\r\n")
    }

    @Test func transactionsAndWatch() throws {
        #expect(try c.raw("MULTI") == "+OK\r\n")
        #expect(try c.raw("SET", "a", "1") == "+QUEUED\r\n")
        #expect(try c.raw("INCR", "a") == "+QUEUED\r\n")
        #expect(try c.raw("MULTI") == "-ERR MULTI calls can not be nested\r\n")
        #expect(try c.raw("EXEC") == "*2\r\n+OK\r\n:2\r\n")
        #expect(try c.raw("EXEC") == "-ERR EXEC without MULTI\r\n")
        // A command error while queueing aborts the whole transaction.
        try c.call("MULTI")
        #expect(try c.raw("NOSUCH") == "-ERR unknown command 'NOSUCH', with args beginning with: \r\n")
        #expect(try c.raw("EXEC") == "-EXECABORT Transaction discarded because of previous errors.\r\n")
        // A runtime error does not abort the others.
        try c.call("MULTI")
        try c.call("SET", "s", "x")
        try c.call("INCR", "s")
        #expect(try c.raw("EXEC") == "*2\r\n+OK\r\n-ERR value is not an integer or out of range\r\n")
        // WATCH: another client's write makes EXEC fail with a null array.
        let other = try server.connect()
        try c.call("WATCH", "w")
        try other.call("SET", "w", "changed")
        try c.call("MULTI")
        try c.call("SET", "w", "mine")
        #expect(try c.raw("EXEC") == "*-1\r\n")
        #expect(try c.call("GET", "w") == .bulk("changed"))
        #expect(try c.raw("DISCARD") == "-ERR DISCARD without MULTI\r\n")
    }

    @Test func pubSubInResp2AndResp3() throws {
        let sub = try server.connect()
        #expect(try sub.raw("SUBSCRIBE", "ch") == "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n")
        let psub = try server.connect()
        try psub.call("HELLO", "3")
        #expect(try psub.raw("PSUBSCRIBE", "c*") == ">3\r\n$10\r\npsubscribe\r\n$2\r\nc*\r\n:1\r\n")
        #expect(try c.raw("PUBLISH", "ch", "hello") == ":2\r\n")
        #expect(try sub.readRaw() == "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n")
        #expect(try psub.readRaw() == ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$5\r\nhello\r\n")
        #expect(try sub.raw("GET", "x") == "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n")
        #expect(try sub.raw("PING") == "*2\r\n$4\r\npong\r\n$0\r\n\r\n")
        #expect(try c.call("PUBSUB", "NUMSUB", "ch") == .array([.bulk("ch"), .integer(1)]))
        #expect(try c.call("PUBSUB", "CHANNELS") == .array([.bulk("ch")]))
        #expect(try sub.raw("UNSUBSCRIBE") == "*3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:0\r\n")
    }

    @Test func serverIntrospection() throws {
        let info = try c.call("INFO").text!
        for field in ["redis_version:", "run_id:", "tcp_port:\(server.port)", "connected_clients:", "used_memory:",
                      "rdb_changes_since_last_save:", "total_commands_processed:", "role:master", "master_replid:", "master_repl_offset:"] {
            #expect(info.contains(field), "INFO lacks \(field)")
        }
        #expect(try c.call("INFO", "replication").text!.hasPrefix("# Replication\r\n"))
        #expect(try c.call("CONFIG", "GET", "save") == .array([.bulk("save"), .bulk("")]))
        #expect(try c.call("CONFIG", "GET", "maxmemory") == .array([.bulk("maxmemory"), .bulk("0")]))
        #expect(try c.raw("CONFIG", "SET", "hz", "1000") == "-ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between 1 and 500 inclusive\r\n")
        #expect(try c.raw("CONFIG", "SET", "nope", "1") == "-ERR Unknown option or number of arguments for CONFIG SET - 'nope'\r\n")
        #expect(try c.raw("CONFIG", "SET", "maxclients", "50") == "+OK\r\n")
        #expect(try c.call("CONFIG", "GET", "maxclients") == .array([.bulk("maxclients"), .bulk("50")]))
        #expect(try c.raw("CONFIG", "NOPE") == "-ERR unknown subcommand 'NOPE'. Try CONFIG HELP.\r\n")
        #expect(try c.raw("SELECT", "16") == "-ERR DB index is out of range\r\n")
        #expect(try c.raw("SELECT", "3") == "+OK\r\n")
        #expect(try c.raw("CLIENT", "SETNAME", "me") == "+OK\r\n")
        #expect(try c.raw("CLIENT", "GETNAME") == "$2\r\nme\r\n")
        #expect(try c.raw("CLIENT", "SETNAME", "has space") == "-ERR Client names cannot contain spaces, newlines or special characters.\r\n")
        #expect(try c.call("CLIENT", "LIST").text!.contains("name=me"))
        #expect(try c.call("COMMAND", "COUNT").integerValue! > 80)
        #expect(try c.call("TIME").elements?.count == 2)
        #expect(try c.raw("ECHO", "hi") == "$2\r\nhi\r\n")
        #expect(try c.raw("PING", "x") == "$1\r\nx\r\n")
        #expect(try c.raw("ROLE").hasPrefix("*3\r\n$6\r\nmaster\r\n"))
    }

    @Test func clientKillByTypeSparesTheCaller() throws {
        let victims = try (0..<3).map { _ in try server.connect() }
        for v in victims { try v.call("PING") }
        let killed = try c.call("CLIENT", "KILL", "TYPE", "normal")
        #expect(killed == .integer(3))
        #expect(try c.raw("PING") == "+PONG\r\n")
        for v in victims { #expect(try v.isClosedByPeer()) }
    }
}
