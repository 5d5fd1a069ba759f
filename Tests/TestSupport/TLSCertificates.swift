import Foundation

/// Certificates made for a test with the `openssl` tool: a CA, a server and a client certificate
/// it signed, a client certificate of another CA, and an expired server certificate.
public struct TLSCertificates: Sendable {
    public let directory: URL
    public var caCert: String { path("ca.crt") }
    public var serverCert: String { path("server.crt") }
    public var serverKey: String { path("server.key") }
    public var clientCert: String { path("client.crt") }
    public var clientKey: String { path("client.key") }
    public var otherClientCert: String { path("other-client.crt") }
    public var otherClientKey: String { path("other-client.key") }
    public var expiredCert: String { path("expired.crt") }
    public var expiredKey: String { path("expired.key") }

    public func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Deletes the directory; each test that made the certificates defers this.
    public func remove() { try? FileManager.default.removeItem(at: directory) }

    /// The miniredis / redis-server arguments of a node with a TLS port.
    public func serverArguments(tlsPort: Int) -> [String] {
        ["--tls-port", "\(tlsPort)", "--tls-cert-file", serverCert, "--tls-key-file", serverKey, "--tls-ca-cert-file", caCert]
    }

    /// redis-cli's arguments to reach a TLS port with the client certificate.
    public func cliArguments(port: Int) -> [String] {
        ["-p", "\(port)", "--tls", "--cacert", caCert, "--cert", clientCert, "--key", clientKey]
    }

    /// Makes them in a new directory, or returns nil (skipping with a reason) when there is no
    /// `openssl` outside CI.
    public static func make() throws -> TLSCertificates? {
        guard let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            let reason = "the openssl tool is not installed (apt-get install openssl)"
            if ProcessInfo.processInfo.environment["CI"] != nil {
                throw RedisConnection.Failure(description: "CI must run the TLS tests, but \(reason)")
            }
            print("SKIPPED: \(reason)")
            return nil
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let certs = TLSCertificates(directory: dir)
        func run(_ args: [String]) throws {
            let r = try Tool.run(openssl, args)
            if r.status != 0 { throw RedisConnection.Failure(description: "openssl \(args.joined(separator: " ")) failed: \(r.output)") }
        }
        func ca(_ name: String) throws {
            try run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", certs.path("\(name).key"), "-out", certs.path("\(name).crt"),
                     "-days", "2", "-subj", "/CN=\(name) test CA"])
        }
        // The names the tests connect by, as subjectAltName: clients that check the host name
        // (redis-py 8 does by default) accept the certificate for 127.0.0.1 as for localhost.
        let names = certs.path("names.ext")
        try "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n".write(toFile: names, atomically: true, encoding: .utf8)
        func signed(_ name: String, by issuer: String, days: String = "2") throws {
            try run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", certs.path("\(name).key"), "-out", certs.path("\(name).csr"), "-subj", "/CN=localhost"])
            try run(["x509", "-req", "-in", certs.path("\(name).csr"), "-CA", certs.path("\(issuer).crt"), "-CAkey", certs.path("\(issuer).key"),
                     "-CAcreateserial", "-out", certs.path("\(name).crt"), "-days", days, "-extfile", names])
        }
        try ca("ca")
        try ca("other-ca")
        try signed("server", by: "ca")
        try signed("client", by: "ca")
        try signed("other-client", by: "other-ca")
        // Valid until a day before it was made.
        try signed("expired", by: "ca", days: "-1")
        return certs
    }
}
