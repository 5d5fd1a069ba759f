import Foundation
import Glibc
import Testing
import TestSupport

/// The sentinel's client connections, now on ServerKit: where its copy of the connection layer
/// differed from the data node's and from Redis, it answers as redis-sentinel and redis-server
/// do (7.0.15; 7.2's source for CLIENT SETINFO and RESET, which 7.0's sentinel lacks).
@Suite struct SentinelConnectionTests {
    static let monitor = "sentinel monitor mymaster 127.0.0.1 1 2\n"

    @Test func sentinelHelloParsesAsRedis() throws {
        let s = try SentinelServerTests.startSentinel(config: Self.monitor)
        let c = try s.connect()
        // Was accepted (a Swift Int parse takes "+3"); string2ll does not.
        #expect(try c.raw("HELLO", "+3") == "-ERR Protocol version is not an integer or out of range\r\n")
        // Was accepted and set the name.
        #expect(try c.raw("HELLO", "3", "SETNAME", "a b") == "-ERR Client names cannot contain spaces, newlines or special characters.\r\n")
        #expect(try c.raw("CLIENT", "GETNAME") == "$-1\r\n")
    }

    @Test func sentinelHelloAppliesItsOptionsLeftToRight() throws {
        let s = try SentinelServerTests.startSentinel(config: "requirepass pw\n" + Self.monitor)
        let c = try s.connect()
        // As redis-server 7.0.15: a good AUTH authenticates where it stands, though a later
        // option is bad (ours authenticated only when the whole HELLO succeeded).
        #expect(try c.raw("HELLO", "3", "AUTH", "default", "pw", "BAD") == "-ERR Syntax error in HELLO option 'BAD'\r\n")
        #expect(try c.raw("PING") == "+PONG\r\n")
    }

    @Test func sentinelClientSubcommandsAsRedis() throws {
        let s = try SentinelServerTests.startSentinel(config: Self.monitor)
        let c = try s.connect()
        let cases: [([String], String)] = [
            // Were :0: the sentinel's CLIENT KILL did not validate its filters.
            (["CLIENT", "KILL", "ID", "abc"], "-ERR client-id should be greater than 0\r\n"),
            (["CLIENT", "KILL", "BOGUS", "x"], "-ERR syntax error\r\n"),
            (["CLIENT", "KILL", "TYPE", "bogus"], "-ERR Unknown client type 'bogus'\r\n"),
            (["CLIENT", "KILL", "SKIPME", "maybe"], "-ERR syntax error\r\n"),
            // Were a list: the filters were ignored.
            (["CLIENT", "LIST", "bogus"], "-ERR syntax error\r\n"),
            (["CLIENT", "LIST", "TYPE", "bogus"], "-ERR Unknown client type 'bogus'\r\n"),
            // Were answered: extra words are an arity error in Redis.
            (["CLIENT", "ID", "x"], "-ERR wrong number of arguments for 'client|id' command\r\n"),
            (["CLIENT", "GETNAME", "x"], "-ERR wrong number of arguments for 'client|getname' command\r\n"),
            // Were unknown subcommands on the sentinel.
            (["CLIENT", "NO-EVICT"], "-ERR wrong number of arguments for 'client|no-evict' command\r\n"),
            (["CLIENT", "NO-EVICT", "maybe"], "-ERR syntax error\r\n"),
            (["CLIENT", "NO-EVICT", "on"], "+OK\r\n"),
            (["CLIENT", "REPLY"], "-ERR wrong number of arguments for 'client|reply' command\r\n"),
            // Was OK (7.2: the value is checked as a client name is).
            (["CLIENT", "SETINFO", "LIB-NAME", "a b"], "-ERR LIB-NAME cannot contain spaces, newlines or special characters.\r\n"),
            // Was the whole name.
            (["CLIENT", String(repeating: "x", count: 200)], "-ERR unknown subcommand '\(String(repeating: "x", count: 128))'. Try CLIENT HELP.\r\n"),
        ]
        for (command, expected) in cases {
            #expect(try c.raw(command) == expected, "\(command)")
        }
        // Was an unknown subcommand.
        #expect(try c.raw("CLIENT", "HELP").hasPrefix("*"))
        // Was empty: CLIENT INFO now names our end of the connection, as Redis's does.
        #expect(try c.call("CLIENT", "INFO").text?.contains("laddr=127.0.0.1:\(s.port) ") == true)
    }

    @Test func sentinelResetForgetsTheNameAndTheLogin() throws {
        let s = try SentinelServerTests.startSentinel(config: "requirepass pw\n" + Self.monitor)
        let c = try s.connect()
        #expect(try c.raw("AUTH", "pw") == "+OK\r\n")
        #expect(try c.raw("CLIENT", "SETNAME", "probe") == "+OK\r\n")
        #expect(try c.raw("RESET") == "+RESET\r\n")
        // Were "$5\r\nprobe" and a reply: RESET keeps neither the name nor the login (Redis 7.2's
        // clearClientConnectionState; redis-server answers the same).
        #expect(try c.raw("CLIENT", "GETNAME") == "-NOAUTH Authentication required.\r\n")
        #expect(try c.raw("AUTH", "pw") == "+OK\r\n")
        #expect(try c.raw("CLIENT", "GETNAME") == "$-1\r\n")
    }

    @Test func sentinelComparesPasswordsAsBytes() throws {
        // Swift Strings compare canonically equivalent text as equal; Redis compares bytes.
        let s = try SentinelServerTests.startSentinel(config: "requirepass caf\u{E9}\n" + Self.monitor)
        let c = try s.connect()
        #expect(try c.raw("AUTH", "cafe\u{301}") == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        #expect(try c.raw("AUTH", "caf\u{E9}") == "+OK\r\n")
    }

    @Test func sentinelTurnsOnKeepalive() throws {
        // redis-sentinel applies tcp-keepalive (300 s by default) to its clients, as the data
        // node does; ours did not. The kernel shows a keepalive timer (tr 2) on such a socket.
        let s = try SentinelServerTests.startSentinel(config: Self.monitor)
        let c = try s.connect()
        #expect(try c.raw("PING") == "+PONG\r\n")
        var addr = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(c.fd, $0, &len) } }
        let hex = { (port: Int) in ":" + String(String(port, radix: 16, uppercase: true).reversed()).padding(toLength: 4, withPad: "0", startingAt: 0).reversed() }
        let (server, client) = (hex(s.port), hex(Int(UInt16(bigEndian: addr.sin_port))))
        try Wait.until(timeoutSeconds: 5, "the sentinel's socket shows a keepalive timer") {
            // Read to the end: /proc files report a size of 0.
            let table = ["/proc/net/tcp", "/proc/net/tcp6"].map { path in
                String(decoding: FileHandle(forReadingAtPath: path)?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
            }.joined()
            return table.split(separator: "\n").contains { line in
                let f = line.split(separator: " ")
                return f.count > 5 && f[1].hasSuffix(server) && f[2].hasSuffix(client) && f[5].hasPrefix("02:")
            }
        }
    }

    @Test func sentinelRefusesSubscribedClientsSubcommandsByTheirFullName() throws {
        let s = try SentinelServerTests.startSentinel(config: Self.monitor)
        let c = try s.connect()
        _ = try c.call("SUBSCRIBE", "ch")
        // redis-sentinel 7.0.15 names the subcommand (ours said 'client').
        #expect(try c.raw("CLIENT", "ID") == "-ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n")
        // Unknown subcommands and wrong counts are CLIENT's own errors first, as in Redis.
        #expect(try c.raw("CLIENT", "BOGUS") == "-ERR unknown subcommand 'BOGUS'. Try CLIENT HELP.\r\n")
        #expect(try c.raw("CLIENT", "ID", "x") == "-ERR wrong number of arguments for 'client|id' command\r\n")
    }
}
