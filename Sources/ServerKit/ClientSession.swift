import RESP

/// The connection state both servers keep the same way for each client: its name and library
/// (CLIENT SETNAME/SETINFO, HELLO SETNAME), whether it authenticated, its subscriptions and the
/// CLIENT NO-EVICT / NO-TOUCH switches. Each server's client embeds one.
public struct ClientSession: Sendable {
    public var name: [UInt8] = []
    public var libName: [UInt8] = []
    public var libVersion: [UInt8] = []
    public var authenticated: Bool
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
        self.authenticated = authenticated
    }
}

/// Only the `default` user exists; it takes `requirepass`, or any password when none is set
/// (Redis's nopass). Bytes are compared, as Redis compares them (a String comparison would take
/// canonically equivalent Unicode, or any two invalid UTF-8 sequences, as equal).
public enum Credentials {
    public static func check(requirepass: [UInt8], user: [UInt8]?, password: [UInt8]) -> Bool {
        if let user, user != Array("default".utf8) { return false }
        return requirepass.isEmpty || password == requirepass
    }

    public static let wrongPass = "WRONGPASS invalid username-password pair or user is disabled."
    public static let noPasswordConfigured = "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"

    /// AUTH [username] password. Returns false when the credentials were refused (for the log).
    @discardableResult
    public static func auth(_ a: [[UInt8]], requirepass: [UInt8], session: inout ClientSession, input: inout ClientInput, reply: inout RESPWriter) -> Bool {
        guard a.count <= 3 else { reply.error("ERR syntax error"); return true }
        if a.count == 2 && requirepass.isEmpty {
            reply.error(noPasswordConfigured)
            return true
        }
        guard check(requirepass: requirepass, user: a.count == 3 ? a[1] : nil, password: a[a.count - 1]) else {
            reply.error(wrongPass)
            return false
        }
        session.authenticated = true
        input.setAuthenticated(true)
        reply.ok()
        return true
    }
}
