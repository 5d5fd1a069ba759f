import Runtime

/// The OpenSSL contexts of the TLS directives, made at start-up (a bad certificate, key or CA
/// stops the node with OpenSSL's reason, as redis-server stops).
extension Server {
    /// Marks the tls-port's sockets among the listeners `listen()` opens.
    static let tlsListenerTag = "\u{0}tls"

    var tlsSettings: TLSSettings {
        let t = config.tls
        var s = TLSSettings()
        s.certFile = t.certFile
        s.keyFile = t.keyFile
        s.clientCertFile = t.clientCertFile
        s.clientKeyFile = t.clientKeyFile
        s.caCertFile = t.caCertFile
        s.caCertDir = t.caCertDir
        s.authClients = TLSSettings.AuthClients(rawValue: t.authClients) ?? .yes
        s.protocols = t.protocols
        s.ciphers = t.ciphers
        s.ciphersuites = t.ciphersuites
        s.preferServerCiphers = t.preferServerCiphers
        s.sessionCaching = t.sessionCaching
        s.sessionCacheSize = t.sessionCacheSize
        s.sessionCacheTimeout = t.sessionCacheTimeout
        return s
    }

    func setUpTLS() throws(SystemError) {
        guard config.tls.enabled else { return }
        do {
            if config.tls.port > 0 { tlsServer = try TLSContext(server: true, settings: tlsSettings) }
            if config.tls.replication { tlsClient = try TLSContext(server: false, settings: tlsSettings) }
        } catch {
            throw SystemError("Failed to configure TLS. Check logs for more info. (\(error))", code: 22)
        }
    }
}
