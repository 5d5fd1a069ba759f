import RESP

/// HELLO [protover [AUTH username password] [SETNAME clientname]], in Redis's order: every
/// option is parsed (and a name validated) before anything is applied; then the credentials are
/// checked; then a client that is still unauthenticated is refused; only then are the name and
/// protocol set and the reply map written.
public struct HelloRequest: Equatable, Sendable {
    public var version: Int?
    public var user: [UInt8]?
    public var password: [UInt8]?
    public var name: [UInt8]?

    /// The request, or the error Redis replies with.
    public static func parse(_ a: [[UInt8]]) -> Result<HelloRequest, CommandError> {
        var r = HelloRequest()
        var i = 1
        if a.count >= 2 {
            guard let v = Numbers.int64(a[1]) else { return .failure(CommandError("ERR Protocol version is not an integer or out of range")) }
            guard v == 2 || v == 3 else { return .failure(CommandError("NOPROTO unsupported protocol version")) }
            r.version = Int(v)
            i = 2
        }
        while i < a.count {
            let more = a.count - 1 - i
            switch a[i].lowercasedASCII {
            case "auth" where more >= 2:
                // A repeated AUTH replaces the earlier one, as in Redis.
                r.user = a[i + 1]
                r.password = a[i + 2]
                i += 3
            case "setname" where more >= 1:
                guard ClientNames.isValid(a[i + 1]) else { return .failure(CommandError(ClientNames.invalidError)) }
                r.name = a[i + 1]
                i += 2
            default:
                return .failure(CommandError("ERR Syntax error in HELLO option '\(a[i].utf8Text)'"))
            }
        }
        return .success(r)
    }

    /// Runs HELLO for a client: on success its session and protocol change and the reply map
    /// is written; otherwise the error. `mode` and `role` fill the map (a sentinel has no role).
    public static func run(_ a: [[UInt8]], requirepass: [UInt8], id: Int64, mode: String, role: String?,
                           session: inout ClientSession, input: inout ClientInput, reply: inout RESPWriter) {
        let request: HelloRequest
        switch parse(a) {
        case .success(let r): request = r
        case .failure(let e): return reply.error(e.text)
        }
        if let user = request.user, let password = request.password {
            guard Credentials.check(requirepass: requirepass, user: user, password: password) else {
                return reply.error(Credentials.wrongPass)
            }
            session.authenticated = true
            input.setAuthenticated(true)
        }
        guard session.authenticated else { return reply.error(RedisCompat.helloNeedsAuth) }
        if let name = request.name { session.name = name }
        if let v = request.version { reply.protocolVersion = v }
        reply.helloReply(id: Int(id), mode: mode, role: role)
    }
}

public struct CommandError: Error, Equatable, Sendable {
    public let text: String
    public init(_ text: String) { self.text = text }
}
