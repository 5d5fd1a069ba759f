import ACL
import Testing
import RESP
@testable import ServerKit

private func args(_ words: String...) -> [[UInt8]] { words.map { Array($0.utf8) } }

/// The users of a server whose requirepass is `password` (empty: none).
private func users(requirepass password: [UInt8]) -> ACLUsers {
    var u = ACLUsers(catalog: ACLCatalog(lines: []))
    u.setRequirepass(password)
    return u
}

/// HELLO as redis-server 7.0.15 answers it (each case was run against it).
@Suite struct HelloTests {
    private struct Run {
        var session: ClientSession
        var input: ClientInput
        var reply = RESPWriter()
        init(authenticated: Bool) {
            session = ClientSession(authenticated: authenticated)
            input = ClientInput(maxBulkLength: 1 << 20, authenticated: authenticated)
        }
        /// The reply of one HELLO, with requirepass "pw".
        mutating func hello(_ a: [[UInt8]]) -> String {
            reply.buffer = []
            Hello.run(a, users: users(requirepass: Array("pw".utf8)), id: 7, mode: "sentinel", role: nil,
                      session: &session, input: &input, reply: &reply)
            return String(decoding: reply.buffer, as: UTF8.self)
        }
    }

    @Test func versionErrors() {
        var r = Run(authenticated: true)
        // string2ll takes no "+": the sentinel's Int() parse took it.
        #expect(r.hello(args("HELLO", "+3")) == "-ERR Protocol version is not an integer or out of range\r\n")
        #expect(r.hello(args("HELLO", "x")) == "-ERR Protocol version is not an integer or out of range\r\n")
        #expect(r.hello(args("HELLO", "1")) == "-NOPROTO unsupported protocol version\r\n")
        #expect(r.hello(args("HELLO", "4", "BAD")) == "-NOPROTO unsupported protocol version\r\n")
        #expect(r.reply.protocolVersion == 2)
    }

    @Test func optionsTakeEffectLeftToRight() {
        var r = Run(authenticated: false)
        // The password is checked where it stands, before a later bad option.
        #expect(r.hello(args("HELLO", "3", "AUTH", "default", "wrong", "BAD")) == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        // A name before a refused AUTH stays set.
        #expect(r.hello(args("HELLO", "3", "SETNAME", "n", "AUTH", "default", "wrong")).hasPrefix("-WRONGPASS"))
        #expect(r.session.name == Array("n".utf8) && !r.session.authenticated)
        // A good AUTH before a bad option authenticates, though HELLO fails.
        #expect(r.hello(args("HELLO", "3", "AUTH", "default", "pw", "BAD")) == "-ERR Syntax error in HELLO option 'BAD'\r\n")
        #expect(r.session.authenticated && !r.input.parser.unauthenticatedLimits && r.reply.protocolVersion == 2)
        #expect(r.hello(args("HELLO", "3", "SETNAME", "a b")) == "-ERR Client names cannot contain spaces, newlines or special characters.\r\n")
        #expect(r.hello(args("HELLO", "3", "SETNAME")) == "-ERR Syntax error in HELLO option 'SETNAME'\r\n")
        #expect(r.hello(args("HELLO", "3", "AUTH", "default")) == "-ERR Syntax error in HELLO option 'AUTH'\r\n")
    }

    @Test func unauthenticatedHelloIsRefusedAfterItsName() {
        var r = Run(authenticated: false)
        #expect(r.hello(args("HELLO", "3", "SETNAME", "n")) == "-\(RedisCompat.helloNeedsAuth)\r\n")
        #expect(r.session.name == Array("n".utf8) && r.reply.protocolVersion == 2)
    }

    @Test func successSwitchesTheProtocolAndReplies() {
        var r = Run(authenticated: false)
        let text = r.hello(args("HELLO", "3", "auth", "default", "pw", "SETNAME", "app"))
        #expect(text.hasPrefix("%6\r\n$6\r\nserver\r\n$5\r\nredis\r\n"))
        #expect(r.reply.protocolVersion == 3 && r.session.authenticated && r.session.name == Array("app".utf8))
        #expect(r.hello(args("HELLO")).hasPrefix("%6\r\n"))
        #expect(r.reply.protocolVersion == 3)
    }

    @Test func passwordsAreComparedAsBytes() {
        // "café" precomposed and decomposed are equal as Swift Strings, not as bytes.
        let composed = Array("caf\u{E9}".utf8), decomposed = Array("cafe\u{301}".utf8)
        #expect(Credentials.check(users: users(requirepass: composed), user: nil, password: composed))
        #expect(!Credentials.check(users: users(requirepass: composed), user: nil, password: decomposed))
        #expect(!Credentials.check(users: users(requirepass: [0xFF]), user: nil, password: [0xFE]))
        #expect(!Credentials.check(users: users(requirepass: []), user: Array("alice".utf8), password: []))
        #expect(Credentials.check(users: users(requirepass: []), user: Array("default".utf8), password: Array("any".utf8)))
    }
}
