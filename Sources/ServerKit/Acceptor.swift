import Glibc
import RESP
import Runtime

/// Who may connect: maxclients, protected mode, and the socket options every client gets.
public struct AcceptPolicy: Sendable {
    public var maxClients: Int
    /// Protected mode refuses other hosts while no password is set.
    public var protectedMode: Bool
    public var passwordSet: Bool
    /// tcp-keepalive in seconds; 0 leaves keepalive off.
    public var keepAliveSeconds: Int32

    public init(maxClients: Int, protectedMode: Bool, passwordSet: Bool, keepAliveSeconds: Int32) {
        self.maxClients = maxClients
        self.protectedMode = protectedMode
        self.passwordSet = passwordSet
        self.keepAliveSeconds = keepAliveSeconds
    }

    public enum Refusal: Sendable, Equatable {
        case maxClients
        case protectedMode

        /// The line sent before the connection is closed, as Redis sends it.
        public var line: String {
            switch self {
            case .maxClients: "-ERR max number of clients reached\r\n"
            case .protectedMode: "-\(RedisCompat.protectedModeDenied)\r\n"
            }
        }
    }

    /// Why a connection from `address` is refused with `connected` clients already, or nil.
    public func refusal(connected: Int, address: String) -> Refusal? {
        if connected >= maxClients { return .maxClients }
        if protectedMode && !passwordSet && !Socket.isLoopback(address) { return .protectedMode }
        return nil
    }
}

public enum Acceptor {
    /// Connections accepted per readable event, so a connection storm cannot starve the clients
    /// already connected (Redis's MAX_ACCEPTS_PER_CALL).
    public static let batch = 1000

    /// Accepts pending connections on `listener`: a refused one gets its error line and is
    /// closed (`refused` is told), an accepted one gets TCP_NODELAY and keepalive and is handed
    /// to `adopt`, which registers it (and closes the fd if it cannot).
    /// `unixPath`: the listener is that Unix socket, and its clients are named by the path with
    /// port 0, as Redis names them.
    public static func acceptPending(
        on listener: Int32, policy: AcceptPolicy, unixPath: String? = nil, connected: () -> Int,
        refused: (AcceptPolicy.Refusal) -> Void, adopt: (_ fd: Int32, _ address: String, _ port: Int) -> Void
    ) {
        for _ in 0..<batch {
            guard let accepted = Socket.accept(listener) else { return }
            let fd = accepted.fd
            let (address, port) = unixPath.map { ($0, 0) } ?? (accepted.address, accepted.port)
            if let refusal = policy.refusal(connected: connected(), address: address) {
                var m = refusal.line
                m.withUTF8 { _ = Socket.write(fd, UnsafeRawBufferPointer($0)) }
                close(fd)
                refused(refusal)
                continue
            }
            if unixPath == nil {
                Socket.setNoDelay(fd)
                if policy.keepAliveSeconds > 0 { Socket.setKeepAlive(fd, seconds: policy.keepAliveSeconds) }
            }
            adopt(fd, address, port)
        }
    }
}
