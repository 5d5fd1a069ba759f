import ACL
import RESP

/// The connection state both servers keep the same way for each client: its name and library
/// (CLIENT SETNAME/SETINFO, HELLO SETNAME), whether it authenticated, its subscriptions and the
/// CLIENT NO-EVICT / NO-TOUCH switches. Each server's client embeds one.
public struct ClientSession: Sendable {
    public var name: [UInt8] = []
    public var libName: [UInt8] = []
    public var libVersion: [UInt8] = []
    public var authenticated: Bool
    /// The ACL user the connection is logged in as.
    public var user = "default"
    public var subscriptions = Subscriptions()
    public var noEvict = false
    public var noTouch = false

    /// A new connection is authenticated when there is no password to give.
    public init(authenticated: Bool) {
        self.authenticated = authenticated
    }

    /// RESET's part here (Redis's clearClientConnectionState): the name and the switches go, the
    /// client is back to the default user's state (unauthenticated if it has a password); the
    /// library fields stay, as they describe the software behind the connection. Subscriptions
    /// are left to the caller, which must also remove them from its registry.
    public mutating func reset(authenticated: Bool) {
        name = []
        noEvict = false
        noTouch = false
        user = "default"
        self.authenticated = authenticated
    }
}

/// Logging in as an ACL user (`default` when AUTH names none). Bytes are compared, as Redis compares them (a String
/// comparison would take canonically equivalent Unicode, or any two invalid UTF-8 sequences, as
/// equal).
public enum Credentials {
    public static func check(users: ACLUsers, user: [UInt8]?, password: [UInt8]) -> Bool {
        users.check(user: user.map { String(decoding: $0, as: UTF8.self) } ?? "default", password: password)
    }

    public static let wrongPass = "WRONGPASS invalid username-password pair or user is disabled."
    public static let noPasswordConfigured = "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"

    /// AUTH [username] password. Returns false when the credentials were refused (for the log).
    @discardableResult
    public static func auth(_ a: [[UInt8]], users: ACLUsers, session: inout ClientSession, input: inout ClientInput, reply: inout RESPWriter) -> Bool {
        guard a.count <= 3 else { reply.error("ERR syntax error"); return true }
        if a.count == 2 && users.defaultNopass {
            reply.error(noPasswordConfigured)
            return true
        }
        guard check(users: users, user: a.count == 3 ? a[1] : nil, password: a[a.count - 1]) else {
            reply.error(wrongPass)
            return false
        }
        session.user = a.count == 3 ? a[1].utf8Text : "default"
        session.authenticated = true
        input.setAuthenticated(true)
        reply.ok()
        return true
    }
}
