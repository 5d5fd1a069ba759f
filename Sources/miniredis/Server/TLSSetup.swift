import Runtime

/// The OpenSSL contexts of the TLS directives, made at start-up (a bad certificate, key or CA
/// stops the node with OpenSSL's reason, as redis-server stops).
extension Server {
    /// Marks the tls-port's sockets among the listeners `listen()` opens.
    static let tlsListenerTag = "\u{0}tls"

    func setUpTLS() throws(SystemError) {
        guard config.tls.enabled else { return }
        do {
            if config.tls.port > 0 { tlsServer = try TLSContext(server: true, settings: config.tls.settings) }
            if config.tls.replication { tlsClient = try TLSContext(server: false, settings: config.tls.settings) }
        } catch {
            throw SystemError("Failed to configure TLS. Check logs for more info. (\(error))", code: 22)
        }
    }
}
