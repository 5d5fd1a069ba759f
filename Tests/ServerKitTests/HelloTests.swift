import Testing
import RESP
@testable import ServerKit

private func args(_ words: String...) -> [[UInt8]] { words.map { Array($0.utf8) } }

@Suite struct HelloTests {
    @Test func parsesVersionAuthAndName() throws {
        let r = try HelloRequest.parse(args("HELLO", "3", "auth", "default", "pw", "SETNAME", "app")).get()
        #expect(r == HelloRequest(version: 3, user: Array("default".utf8), password: Array("pw".utf8), name: Array("app".utf8)))
        #expect(try HelloRequest.parse(args("HELLO")).get() == HelloRequest())
    }

    @Test func versionErrorsAsRedis() {
        // redis-server 7.0.15: HELLO +3 and HELLO x are not integers (string2ll); 1 and 4 NOPROTO.
        #expect(error(args("HELLO", "+3")) == "ERR Protocol version is not an integer or out of range")
        #expect(error(args("HELLO", "x")) == "ERR Protocol version is not an integer or out of range")
        #expect(error(args("HELLO", "1")) == "NOPROTO unsupported protocol version")
        #expect(error(args("HELLO", "4")) == "NOPROTO unsupported protocol version")
    }

    @Test func everyOptionIsParsedBeforeCredentialsAreChecked() {
        // redis-server: HELLO 3 AUTH default x BAD -> Syntax error, whatever the password.
        #expect(error(args("HELLO", "3", "AUTH", "default", "x", "BAD")) == "ERR Syntax error in HELLO option 'BAD'")
        #expect(error(args("HELLO", "3", "SETNAME", "a b")) == ClientNames.invalidError)
        #expect(error(args("HELLO", "3", "SETNAME")) == "ERR Syntax error in HELLO option 'SETNAME'")
        #expect(error(args("HELLO", "3", "AUTH", "default")) == "ERR Syntax error in HELLO option 'AUTH'")
    }

    @Test func runRefusesWrongPasswordAndKeepsTheName() {
        var session = ClientSession(authenticated: false)
        var input = ClientInput(maxBulkLength: 1 << 20, authenticated: false)
        var reply = RESPWriter()
        HelloRequest.run(args("HELLO", "3", "AUTH", "default", "bad", "SETNAME", "n"), requirepass: Array("pw".utf8), id: 7,
                         mode: "sentinel", role: nil, session: &session, input: &input, reply: &reply)
        #expect(String(decoding: reply.buffer, as: UTF8.self) == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        #expect(session.name.isEmpty && !session.authenticated && reply.protocolVersion == 2 && input.parser.unauthenticatedLimits)
        reply.buffer = []
        HelloRequest.run(args("HELLO", "3", "AUTH", "default", "pw", "SETNAME", "n"), requirepass: Array("pw".utf8), id: 7,
                         mode: "sentinel", role: nil, session: &session, input: &input, reply: &reply)
        #expect(session.name == Array("n".utf8) && session.authenticated && reply.protocolVersion == 3 && !input.parser.unauthenticatedLimits)
        #expect(reply.buffer.first == UInt8(ascii: "%"))
    }

    @Test func unauthenticatedHelloWithoutAuthIsRefused() {
        var session = ClientSession(authenticated: false)
        var input = ClientInput(maxBulkLength: 1 << 20, authenticated: false)
        var reply = RESPWriter()
        HelloRequest.run(args("HELLO", "3"), requirepass: Array("pw".utf8), id: 1, mode: "standalone", role: "master",
                         session: &session, input: &input, reply: &reply)
        #expect(String(decoding: reply.buffer, as: UTF8.self) == "-\(RedisCompat.helloNeedsAuth)\r\n")
        #expect(reply.protocolVersion == 2)
    }

    @Test func passwordsAreComparedAsBytes() {
        // "café" precomposed and decomposed are equal as Swift Strings, not as bytes.
        let composed = Array("caf\u{E9}".utf8), decomposed = Array("cafe\u{301}".utf8)
        #expect(Credentials.check(requirepass: composed, user: nil, password: composed))
        #expect(!Credentials.check(requirepass: composed, user: nil, password: decomposed))
        #expect(!Credentials.check(requirepass: [0xFF], user: nil, password: [0xFE]))
        #expect(!Credentials.check(requirepass: [], user: Array("alice".utf8), password: []))
        #expect(Credentials.check(requirepass: [], user: Array("default".utf8), password: Array("any".utf8)))
    }

    private func error(_ a: [[UInt8]]) -> String? {
        if case .failure(let e) = HelloRequest.parse(a) { return e.text }
        return nil
    }
}
