import Foundation
import Testing
import TestSupport

/// TLS as Redis 7 does it, on miniredis, with redis-cli, redis-server and redis-py as the peers:
/// the TLS port, client certificates (tls-auth-clients yes/optional/no), bad certificates and
/// bad configurations, plaintext on the TLS port and TLS on the plain port, and TLS replication
/// in both directions.
@Suite struct TLSTests {
    static func cli() throws -> String? { try Binaries.requireRedis("redis-cli") }

    @Test func redisCliOverTLSWithClientCertificates() throws {
        guard let certs = try TLSCertificates.make(), let cli = try Self.cli() else { return }
        defer { certs.remove() }
        let tlsPort = TestPorts.next()
        let node = try ServerProcess.miniredis(certs.serverArguments(tlsPort: tlsPort))
        #expect(node.logText.contains("Ready to accept connections tls"))
        #expect(try Tool.run(cli, certs.cliArguments(port: tlsPort) + ["SET", "k", "over-tls"]).output == "OK\n")
        #expect(try Tool.run(cli, certs.cliArguments(port: tlsPort) + ["GET", "k"]).output == "over-tls\n")
        // The plain port serves the same data.
        #expect(try node.connect().raw("GET", "k") == "$8\r\nover-tls\r\n")
        // tls-auth-clients yes (the default): no certificate, or one of another CA, is refused.
        let noCert = try Tool.run(cli, ["-p", "\(tlsPort)", "--tls", "--cacert", certs.caCert, "PING"])
        #expect(!noCert.output.contains("PONG"))
        let otherCA = try Tool.run(cli, ["-p", "\(tlsPort)", "--tls", "--cacert", certs.caCert, "--cert", certs.otherClientCert, "--key", certs.otherClientKey, "PING"])
        #expect(!otherCA.output.contains("PONG"))
        try Wait.until(timeoutSeconds: 10, "the refusals are logged") {
            node.logText.contains("Error accepting a client connection: error:") && node.logText.contains("peer did not return a certificate")
        }
        // A plaintext client on the TLS port is cut off; nobody else notices.
        let plain = try RedisConnection(port: tlsPort)
        plain.timeoutSeconds = 5
        #expect((try? plain.raw("PING")) == nil)
        try Wait.until(timeoutSeconds: 10, "the plaintext client is logged") { node.logText.contains("wrong version number") }
        // A TLS client on the plain port gets no TLS server: it fails, the node stays up.
        let tlsOnPlain = try Tool.run(cli, certs.cliArguments(port: node.port) + ["PING"])
        #expect(!tlsOnPlain.output.contains("PONG"))
        #expect(try node.connect().raw("PING") == "+PONG\r\n")
        #expect(try Tool.run(cli, certs.cliArguments(port: tlsPort) + ["PING"]).output == "PONG\n")
    }

    @Test func authClientsOptionalAndNo() throws {
        guard let certs = try TLSCertificates.make(), let cli = try Self.cli() else { return }
        defer { certs.remove() }
        for (mode, withoutCert) in [("optional", true), ("no", true)] {
            let tlsPort = TestPorts.next()
            let node = try ServerProcess.miniredis(certs.serverArguments(tlsPort: tlsPort) + ["--tls-auth-clients", mode])
            defer { withExtendedLifetime(node) {} }
            let r = try Tool.run(cli, ["-p", "\(tlsPort)", "--tls", "--cacert", certs.caCert, "PING"])
            #expect(r.output.contains("PONG") == withoutCert, "tls-auth-clients \(mode): \(r.output)")
            #expect(try Tool.run(cli, certs.cliArguments(port: tlsPort) + ["PING"]).output == "PONG\n")
        }
        // optional still checks a certificate that is given.
        let tlsPort = TestPorts.next()
        let optional = try ServerProcess.miniredis(certs.serverArguments(tlsPort: tlsPort) + ["--tls-auth-clients", "optional"])
        defer { withExtendedLifetime(optional) {} }
        let other = try Tool.run(cli, ["-p", "\(tlsPort)", "--tls", "--cacert", certs.caCert, "--cert", certs.otherClientCert, "--key", certs.otherClientKey, "PING"])
        #expect(!other.output.contains("PONG"))
    }

    @Test func anExpiredServerCertificateIsRefusedByTheClient() throws {
        guard let certs = try TLSCertificates.make(), let cli = try Self.cli() else { return }
        defer { certs.remove() }
        let tlsPort = TestPorts.next()
        let node = try ServerProcess.miniredis(["--tls-port", "\(tlsPort)", "--tls-cert-file", certs.expiredCert, "--tls-key-file", certs.expiredKey,
                                                "--tls-ca-cert-file", certs.caCert])
        let r = try Tool.run(cli, certs.cliArguments(port: tlsPort) + ["PING"])
        #expect(r.output.contains("certificate verify failed"), "\(r.output)")
        #expect(!r.output.contains("PONG"))
        #expect(try node.connect().raw("PING") == "+PONG\r\n")
    }

    @Test func badTLSConfigurationStopsStartup() throws {
        guard let certs = try TLSCertificates.make() else { return }
        defer { certs.remove() }
        let port = TestPorts.next()
        func start(_ args: [String]) throws -> (status: Int32, output: String) {
            try Tool.run(Binaries.miniredis, ["--port", "\(port)"] + args)
        }
        let missing = try start(["--tls-port", "\(port + 1)", "--tls-cert-file", certs.path("nope.crt"), "--tls-key-file", certs.serverKey, "--tls-ca-cert-file", certs.caCert])
        #expect(missing.status == 1)
        #expect(missing.output.contains("Failed to configure TLS") && missing.output.contains("Failed to load certificate: \(certs.path("nope.crt"))"), "\(missing.output)")
        let mismatch = try start(["--tls-port", "\(port + 1)", "--tls-cert-file", certs.serverCert, "--tls-key-file", certs.clientKey, "--tls-ca-cert-file", certs.caCert])
        #expect(mismatch.status == 1)
        #expect(mismatch.output.contains("Failed to configure TLS"), "\(mismatch.output)")
        let noCA = try start(["--tls-port", "\(port + 1)", "--tls-cert-file", certs.serverCert, "--tls-key-file", certs.serverKey])
        #expect(noCA.status == 1)
        #expect(noCA.output.contains("Either tls-ca-cert-file or tls-ca-cert-dir must be specified"), "\(noCA.output)")
        let protocols = try start(["--tls-port", "\(port + 1)", "--tls-protocols", "SSLv3"] + Array(certs.serverArguments(tlsPort: port + 1).dropFirst(2)))
        #expect(protocols.status == 1)
        #expect(protocols.output.contains("Invalid tls-protocols specified"), "\(protocols.output)")
        for (directive, value) in [("tls-cluster", "yes"), ("tls-key-file-pass", "secret"), ("tls-dh-params-file", "dh.pem"), ("tls-auth-clients", "maybe")] {
            let r = try start(["--\(directive)", value])
            #expect(r.status == 1, "\(directive) \(value)")
            #expect(r.output.contains(directive), "\(r.output)")
        }
    }

    @Test func tlsProtocolsAndCiphers() throws {
        guard let certs = try TLSCertificates.make(), let cli = try Self.cli() else { return }
        defer { certs.remove() }
        let tlsPort = TestPorts.next()
        let node = try ServerProcess.miniredis(certs.serverArguments(tlsPort: tlsPort) + ["--tls-protocols", "TLSv1.2", "--tls-ciphers", "ECDHE-RSA-AES256-GCM-SHA384"])
        defer { withExtendedLifetime(node) {} }
        #expect(try Tool.run(cli, certs.cliArguments(port: tlsPort) + ["PING"]).output == "PONG\n")
        // redis-cli limited to a cipher the node does not offer cannot connect.
        let r = try Tool.run(cli, certs.cliArguments(port: tlsPort) + ["--tls-ciphers", "ECDHE-RSA-AES128-GCM-SHA256", "PING"])
        #expect(!r.output.contains("PONG"))
    }

    /// TLS replication: miniredis ↔ redis-server in both directions, and miniredis ↔ miniredis.
    @Test(arguments: [("miniredis", "miniredis"), ("miniredis", "redis-server"), ("redis-server", "miniredis")])
    func replicationOverTLS(master masterKind: String, replica replicaKind: String) throws {
        guard let certs = try TLSCertificates.make() else { return }
        defer { certs.remove() }
        func start(_ kind: String, _ extra: [String]) throws -> ServerProcess? {
            kind == "miniredis" ? try ServerProcess.miniredis(extra) : try ServerProcess.redisServer(extra)
        }
        let masterTLS = TestPorts.next(), replicaTLS = TestPorts.next()
        guard let master = try start(masterKind, certs.serverArguments(tlsPort: masterTLS)) else { return }
        guard let replica = try start(replicaKind, certs.serverArguments(tlsPort: replicaTLS) + ["--tls-replication", "yes", "--replicaof", "127.0.0.1", "\(masterTLS)"]) else { return }
        let m = try master.connect(), r = try replica.connect()
        try ReplicationProbe.waitLinked(r)
        for i in 0..<500 { _ = try m.call("SET", "k\(i)", String(repeating: "v", count: i)) }
        try ReplicationProbe.waitCaughtUp(m, r)
        #expect(try r.call("GET", "k499") == .bulk(String(repeating: "v", count: 499)))
        // The replica is announced on its TLS port, as Redis announces it.
        #expect(try ReplicationProbe.info(m, "slave0")?.contains("port=\(replicaTLS)") == true)
    }

    @Test func redisPyWithSSL() throws {
        guard let certs = try TLSCertificates.make(), let python = try SentinelFailoverTests.pythonWithRedis() else { return }
        defer { certs.remove() }
        let tlsPort = TestPorts.next()
        let node = try ServerProcess.miniredis(certs.serverArguments(tlsPort: tlsPort))
        let script = """
        import sys, redis
        r = redis.Redis(port=int(sys.argv[1]), ssl=True, ssl_ca_certs=sys.argv[2], ssl_certfile=sys.argv[3], ssl_keyfile=sys.argv[4])
        r.set("py", "tls")
        print(r.get("py").decode())
        """
        let path = certs.directory.appendingPathComponent("tls_client.py")
        try script.write(to: path, atomically: true, encoding: .utf8)
        let run = try Tool.run(python, [path.path, "\(tlsPort)", certs.caCert, certs.clientCert, certs.clientKey])
        #expect(run.output == "tls\n", "\(run.output)")
        #expect(try node.connect().raw("GET", "py") == "$3\r\ntls\r\n")
    }

    /// A machine without OpenSSL 3: TLS configured is a clear error at start-up; without TLS the
    /// node runs. (libssl.so.3 and libcrypto.so.3 are shadowed by files that are not libraries.)
    @Test func noOpenSSLIsAClearErrorOnlyWhenTLSIsConfigured() throws {
        guard let certs = try TLSCertificates.make() else { return }
        defer { certs.remove() }
        let fake = certs.directory.appendingPathComponent("fake-libs")
        try FileManager.default.createDirectory(at: fake, withIntermediateDirectories: true)
        for lib in ["libssl.so.3", "libcrypto.so.3"] { try "not a library".write(to: fake.appendingPathComponent(lib), atomically: true, encoding: .utf8) }
        let port = TestPorts.next()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binaries.miniredis)
        p.arguments = ["--port", "\(port)"] + certs.serverArguments(tlsPort: port + 1)
        p.environment = ["LD_LIBRARY_PATH": fake.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 1)
        #expect(output.contains("TLS is configured but OpenSSL 3 is not available: cannot load libcrypto.so.3"), "\(output)")
        // Without TLS the same environment runs the node.
        let plainPort = TestPorts.next()
        let node = try ServerProcess(executable: "/usr/bin/env", arguments: ["LD_LIBRARY_PATH=\(fake.path)", Binaries.miniredis, "--port", "\(plainPort)"], port: plainPort)
        try node.waitUntilReady()
        #expect(try node.connect().raw("PING") == "+PONG\r\n")
    }

    /// Handshakes never block the loop: a client that opens the TLS port and sends nothing, and
    /// one that stops halfway, do not delay anyone else.
    @Test func stalledHandshakesDoNotStallOthers() throws {
        guard let certs = try TLSCertificates.make(), let cli = try Self.cli() else { return }
        defer { certs.remove() }
        let tlsPort = TestPorts.next()
        let node = try ServerProcess.miniredis(certs.serverArguments(tlsPort: tlsPort))
        var idle: [RedisConnection] = []
        for _ in 0..<20 { idle.append(try RedisConnection(port: tlsPort)) }
        // Half a ClientHello (a TLS record header announcing 512 bytes, then nothing).
        let half = try RedisConnection(port: tlsPort)
        try half.send(raw: [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00])
        // (timeout: a blocked loop fails the test instead of hanging it.)
        #expect(try Tool.run("/usr/bin/timeout", ["20", cli] + certs.cliArguments(port: tlsPort) + ["PING"]).output == "PONG\n")
        #expect(try node.connect().raw("PING") == "+PONG\r\n")
        withExtendedLifetime((idle, half)) {}
    }
}
