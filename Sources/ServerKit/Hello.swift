import ACL
import RESP

/// HELLO [protover [AUTH username password] [SETNAME clientname]], as redis-server 7.0.15 runs
/// it: the version is checked first; then each option takes effect as it is read, left to right
/// (a good AUTH authenticates, a valid SETNAME names the client), and the first bad one ends the
/// command with its error, leaving the earlier ones applied; then a client still unauthenticated
/// is refused; only then does the protocol change and the reply map go out.
public enum Hello {
    /// Runs HELLO for a client: its session and protocol change and the reply map is written, or
    /// an error. `mode` and `role` fill the map (a sentinel has no role). Returns the user name
    /// of a refused AUTH option (for the ACL LOG), or nil.
    @discardableResult
    public static func run(_ a: [[UInt8]], users: ACLUsers, id: Int64, mode: String, role: String?,
                           session: inout ClientSession, input: inout ClientInput, reply: inout RESPWriter) -> String? {
        var version: Int?
        var i = 1
        if a.count >= 2 {
            guard let v = Numbers.int64(a[1]) else { reply.error("ERR Protocol version is not an integer or out of range"); return nil }
            guard v == 2 || v == 3 else { reply.error("NOPROTO unsupported protocol version"); return nil }
            version = Int(v)
            i = 2
        }
        while i < a.count {
            let more = a.count - 1 - i
            switch a[i].lowercasedASCII {
            case "auth" where more >= 2:
                guard Credentials.check(users: users, user: a[i + 1], password: a[i + 2]) else {
                    reply.error(Credentials.wrongPass)
                    return a[i + 1].utf8Text
                }
                session.user = a[i + 1].utf8Text
                session.authenticated = true
                input.setAuthenticated(true)
                i += 3
            case "setname" where more >= 1:
                guard ClientNames.isValid(a[i + 1]) else { reply.error(ClientNames.invalidError); return nil }
                session.name = a[i + 1]
                i += 2
            default:
                reply.error("ERR Syntax error in HELLO option '\(a[i].utf8Text)'")
                return nil
            }
        }
        guard session.authenticated else { reply.error(RedisCompat.helloNeedsAuth); return nil }
        if let version { reply.protocolVersion = version }
        reply.helloReply(id: Int(id), mode: mode, role: role)
        return nil
    }
}
