import Config
import Runtime

/// The sentinel's TLS directives, as redis-sentinel takes them from its config file: tls-port for
/// clients and peers connecting to it, tls-replication for its own links to data nodes and peers
/// (the name is Redis's), and the certificate settings both share.
struct ShellTLS {
    var port = 0
    var replication = false
    var settings = TLSSettings()

    enum Outcome { case notTLS, applied, refused(String) }

    mutating func apply(_ name: String, _ v: [String]) -> Outcome {
        guard name.hasPrefix("tls-") else { return .notTLS }
        guard v.count == 1 else { return .refused("wrong number of arguments") }
        let value = v[0]
        func bool(_ set: (inout ShellTLS, Bool) -> Void) -> Outcome {
            guard let b = ConfigFile.bool(value) else { return .refused("argument must be 'yes' or 'no'") }
            set(&self, b)
            return .applied
        }
        func int(_ max: Int, _ set: (inout ShellTLS, Int) -> Void) -> Outcome {
            guard let n = Int(value), n >= 0, n <= max else { return .refused("argument must be between 0 and \(max) inclusive") }
            set(&self, n)
            return .applied
        }
        switch name {
        case "tls-port": return int(65535) { $0.port = $1 }
        case "tls-replication": return bool { $0.replication = $1 }
        case "tls-cert-file": settings.certFile = value
        case "tls-key-file": settings.keyFile = value
        case "tls-client-cert-file": settings.clientCertFile = value
        case "tls-client-key-file": settings.clientKeyFile = value
        case "tls-ca-cert-file": settings.caCertFile = value
        case "tls-ca-cert-dir": settings.caCertDir = value
        case "tls-auth-clients":
            guard let a = TLSSettings.AuthClients(rawValue: value.lowercased()) else { return .refused("argument(s) must be one of the following: no, yes, optional") }
            settings.authClients = a
        case "tls-protocols": settings.protocols = value
        case "tls-ciphers": settings.ciphers = value
        case "tls-ciphersuites": settings.ciphersuites = value
        case "tls-prefer-server-ciphers": return bool { $0.settings.preferServerCiphers = $1 }
        case "tls-session-caching": return bool { $0.settings.sessionCaching = $1 }
        case "tls-session-cache-size": return int(Int(Int32.max)) { $0.settings.sessionCacheSize = $1 }
        case "tls-session-cache-timeout": return int(Int(Int32.max)) { $0.settings.sessionCacheTimeout = $1 }
        case "tls-cluster":
            guard value.lowercased() == "no" else { return .refused("there is no cluster mode (only 'no' is accepted)") }
        case "tls-dh-params-file", "tls-key-file-pass", "tls-client-key-file-pass":
            guard value.isEmpty else { return .refused("not supported by this sentinel (DH parameters are automatic; keys must be unencrypted)") }
        default:
            return .refused("Bad directive or wrong number of arguments")
        }
        return .applied
    }

    /// The contexts: the TLS port's, and the one of the links this sentinel opens.
    func contexts() throws(SystemError) -> (server: TLSContext?, client: TLSContext?) {
        guard port > 0 || replication else { return (nil, nil) }
        do {
            let server = port > 0 ? try TLSContext(server: true, settings: settings) : nil
            let client = replication ? try TLSContext(server: false, settings: settings) : nil
            return (server, client)
        } catch {
            throw SystemError("Failed to configure TLS. Check logs for more info. (\(error))", code: 22)
        }
    }
}
