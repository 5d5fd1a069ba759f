import Config

import Runtime

/// The TLS directives of Redis 7 (docs/configuration.md, docs/security.md): the port, whether
/// replication uses TLS, and the certificate settings Runtime's TLSContext is made from at
/// start-up. They cannot change at run time: CONFIG SET refuses them as immutable
/// (redis-server reloads its TLS context instead).
struct TLSConfig: Sendable, Equatable {
    var port = 0
    var replication = false
    var settings = TLSSettings()

    /// Whether anything needs an OpenSSL context (a TLS port, or TLS to the master).
    var enabled: Bool { port > 0 || replication }
}

extension ConfigTable {
    static func tlsString(_ name: String, _ kp: WritableKeyPath<TLSSettings, String> & Sendable) -> ConfigEntry {
        ConfigEntry(name: name, immutable: true, set: { c, a in
            guard a.count == 1 else { return "wrong number of arguments" }
            c.tls.settings[keyPath: kp] = a[0]
            return nil
        }, get: { $0.tls.settings[keyPath: kp] })
    }

    static func tlsBool(_ name: String, _ kp: WritableKeyPath<TLSConfig, Bool> & Sendable) -> ConfigEntry {
        ConfigEntry(name: name, immutable: true, set: { c, a in
            guard a.count == 1, let b = ConfigFile.bool(a[0]) else { return "argument must be 'yes' or 'no'" }
            c.tls[keyPath: kp] = b
            return nil
        }, get: { yesNo($0.tls[keyPath: kp]) })
    }

    static func tlsInt(_ name: String, max: Int, _ kp: WritableKeyPath<TLSConfig, Int> & Sendable) -> ConfigEntry {
        ConfigEntry(name: name, immutable: true, set: { c, a in
            guard a.count == 1, let n = Int(a[0]) else { return "argument couldn't be parsed into an integer" }
            guard n >= 0 && n <= max else { return "argument must be between 0 and \(max) inclusive" }
            c.tls[keyPath: kp] = n
            return nil
        }, get: { String($0.tls[keyPath: kp]) })
    }

    /// A Redis TLS directive miniredis does not implement: only its "off" value is accepted.
    static func tlsUnsupported(_ name: String, off: String, why: String) -> ConfigEntry {
        ConfigEntry(name: name, immutable: true, set: { _, a in
            a.count == 1 && a[0].lowercased() == off ? nil : "\(why) (only '\(off.isEmpty ? "\"\"" : off)' is accepted)"
        }, get: { _ in off })
    }

    static let tlsEntries: [ConfigEntry] = [
        tlsInt("tls-port", max: 65535, \.port),
        tlsString("tls-cert-file", \.certFile),
        tlsString("tls-key-file", \.keyFile),
        tlsString("tls-client-cert-file", \.clientCertFile),
        tlsString("tls-client-key-file", \.clientKeyFile),
        tlsString("tls-ca-cert-file", \.caCertFile),
        tlsString("tls-ca-cert-dir", \.caCertDir),
        ConfigEntry(name: "tls-auth-clients", immutable: true, set: { c, a in
            guard a.count == 1, let mode = TLSSettings.AuthClients(rawValue: a[0].lowercased()) else { return "argument(s) must be one of the following: no, yes, optional" }
            c.tls.settings.authClients = mode
            return nil
        }, get: { $0.tls.settings.authClients.rawValue }),
        tlsBool("tls-replication", \.replication),
        tlsString("tls-protocols", \.protocols),
        tlsString("tls-ciphers", \.ciphers),
        tlsString("tls-ciphersuites", \.ciphersuites),
        tlsBool("tls-prefer-server-ciphers", \.settings.preferServerCiphers),
        tlsBool("tls-session-caching", \.settings.sessionCaching),
        tlsInt("tls-session-cache-size", max: Int(Int32.max), \.settings.sessionCacheSize),
        tlsInt("tls-session-cache-timeout", max: Int(Int32.max), \.settings.sessionCacheTimeout),
        tlsUnsupported("tls-cluster", off: "no", why: "there is no cluster mode"),
        tlsUnsupported("tls-dh-params-file", off: "", why: "DH parameters are chosen by OpenSSL (auto); a parameters file is not supported"),
        tlsUnsupported("tls-key-file-pass", off: "", why: "encrypted private keys are not supported: give tls-key-file unencrypted (mode 0600)"),
        tlsUnsupported("tls-client-key-file-pass", off: "", why: "encrypted private keys are not supported: give tls-client-key-file unencrypted (mode 0600)"),
    ]
}
