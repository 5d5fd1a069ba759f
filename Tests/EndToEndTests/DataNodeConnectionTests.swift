import Testing
import TestSupport

/// The data node's client connections, now on ServerKit: where its copy of the connection layer
/// differed from the sentinel's and from Redis, it answers as redis-server does (7.0.15, and
/// 7.2's source for CLIENT SETINFO, which 7.0 lacks).
@Suite struct DataNodeConnectionTests {
    @Test func clientSubcommandsAsRedis() throws {
        let m = try ServerProcess.miniredis()
        let c = try m.connect()
        let cases: [([String], String)] = [
            // Was "lib-name cannot ...": the option is quoted as sent.
            (["CLIENT", "SETINFO", "LIB-NAME", "a b"], "-ERR LIB-NAME cannot contain spaces, newlines or special characters.\r\n"),
            // Was "bogus cannot contain ...": the option is checked first.
            (["CLIENT", "SETINFO", "bogus", "a b"], "-ERR Unrecognized option 'bogus'\r\n"),
            // Were answered (redis-server 7.0.15 replies with these errors).
            (["CLIENT", "ID", "x"], "-ERR wrong number of arguments for 'client|id' command\r\n"),
            (["CLIENT", "GETNAME", "x"], "-ERR wrong number of arguments for 'client|getname' command\r\n"),
            // Were +OK: NO-EVICT takes ON or OFF.
            (["CLIENT", "NO-EVICT"], "-ERR wrong number of arguments for 'client|no-evict' command\r\n"),
            (["CLIENT", "NO-EVICT", "maybe"], "-ERR syntax error\r\n"),
            (["CLIENT", "NO-EVICT", "off"], "+OK\r\n"),
            // Was a syntax error.
            (["CLIENT", "REPLY"], "-ERR wrong number of arguments for 'client|reply' command\r\n"),
        ]
        for (command, expected) in cases {
            #expect(try c.raw(command) == expected, "\(command)")
        }
    }

    @Test func resetRestoresTheUnauthenticatedLimits() throws {
        let m = try ServerProcess.miniredis(["--requirepass", "pw"])
        let c = try m.connect()
        // redis-server: after RESET the client is unauthenticated again, and a big bulk is a
        // protocol error. Ours went on taking it (the parser's limits stayed off).
        try c.send(raw: "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*1\r\n$5\r\nRESET\r\n*1\r\n$100000\r\n")
        #expect(try c.read() == .simpleString(Array("OK".utf8)))
        #expect(try c.read() == .simpleString(Array("RESET".utf8)))
        #expect(try c.readRaw() == "-ERR Protocol error: unauthenticated bulk length\r\n")
    }

    @Test func helloAppliesItsOptionsLeftToRight() throws {
        let m = try ServerProcess.miniredis(["--requirepass", "pw"])
        let c = try m.connect()
        // redis-server 7.0.15 names the client as it reads SETNAME, before a later AUTH fails
        // (ours applied the name only when HELLO succeeded) ...
        #expect(try c.raw("HELLO", "3", "SETNAME", "n", "AUTH", "default", "wrong") == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        // ... and authenticates at a good AUTH, though a later option is bad (ours did not).
        #expect(try c.raw("HELLO", "3", "AUTH", "default", "pw", "BAD") == "-ERR Syntax error in HELLO option 'BAD'\r\n")
        #expect(try c.raw("CLIENT", "GETNAME") == "$1\r\nn\r\n")
    }

    @Test func subscribedClientIsRefusedSubcommandsByTheirFullName() throws {
        let m = try ServerProcess.miniredis()
        let c = try m.connect()
        _ = try c.call("SUBSCRIBE", "ch")
        // redis-server 7.0.15 names the subcommand (ours said 'client').
        #expect(try c.raw("CLIENT", "ID") == "-ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n")
        // Unknown subcommands and wrong counts are CLIENT's own errors first, as in Redis.
        #expect(try c.raw("CLIENT", "BOGUS") == "-ERR unknown subcommand 'BOGUS'. Try CLIENT HELP.\r\n")
        #expect(try c.raw("CLIENT", "ID", "x") == "-ERR wrong number of arguments for 'client|id' command\r\n")
    }
}
