import Foundation
import Testing
import TestSupport

/// Sentinels over TLS: nodes replicating over tls-replication and announced on their TLS ports,
/// sentinels linking to them (and to each other) over TLS, a kill -9 failover, the old master
/// demoted when it returns; ours and redis-sentinel, over miniredis and redis-server. The test's
/// own probes use the nodes' plain ports. And redis-py's Sentinel class reaching a TLS master.
@Suite struct TLSSentinelTests {
    static func node(_ kind: FailoverFleet.NodeKind, _ certs: TLSCertificates, tlsPort: Int, replicaOf: Int? = nil) throws -> ServerProcess? {
        var extra = certs.serverArguments(tlsPort: tlsPort) + ["--tls-replication", "yes"]
        if let replicaOf { extra += ["--replicaof", "127.0.0.1", "\(replicaOf)"] }
        return try FailoverFleet.startNode(kind, extra: extra)
    }

    static func sentinelLines(_ certs: TLSCertificates, tlsPort: Int) -> [String] {
        ["tls-port \(tlsPort)", "tls-replication yes", "tls-cert-file \(certs.serverCert)", "tls-key-file \(certs.serverKey)",
         "tls-ca-cert-file \(certs.caCert)"]
    }

    static func masterPort(_ sentinel: ServerProcess) -> Int? {
        guard let reply = try? sentinel.connect().call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"), let parts = reply.elements, parts.count == 2 else { return nil }
        return parts[1].text.flatMap { Int($0) }
    }

    static func failover(nodes: FailoverFleet.NodeKind, sentinels kinds: [FailoverFleet.SentinelKind]) throws {
        guard let certs = try TLSCertificates.make() else { return }
        defer { certs.remove() }
        let masterTLS = TestPorts.next(), replicaTLS = TestPorts.next()
        guard let master = try node(nodes, certs, tlsPort: masterTLS), let replica = try node(nodes, certs, tlsPort: replicaTLS, replicaOf: masterTLS) else { return }
        try ReplicationProbe.waitLinked(try replica.connect())
        var sentinels: [ServerProcess] = []
        for kind in kinds {
            guard let s = try FailoverFleet.startSentinel(kind, masterPort: masterTLS, downAfterMs: 1000, quorum: kinds.count == 1 ? 1 : 2,
                                                          extraLines: sentinelLines(certs, tlsPort: TestPorts.next())) else { return }
            sentinels.append(s)
        }
        let logs = { sentinels.map(\.logText).joined(separator: "\n---\n") }
        try Wait.until(timeoutSeconds: 60, "the sentinels see the replica (on its TLS port) and each other\n\(logs())") {
            try sentinels.allSatisfy { s in
                let f = Dictionary(((try s.connect().call("SENTINEL", "MASTER", "mymaster")).pairs ?? []).map { ($0.0.text ?? "", $0.1.text ?? "") }, uniquingKeysWith: { a, _ in a })
                let replicas = (try s.connect().call("SENTINEL", "REPLICAS", "mymaster")).elements ?? []
                let replicaPort = replicas.first?.pairs?.first { $0.0.text == "port" }?.1.text
                return f["num-slaves"] == "1" && f["num-other-sentinels"] == "\(sentinels.count - 1)" && replicaPort == "\(replicaTLS)"
            }
        }
        _ = try master.connect().call("SET", "before", "failover")
        try ReplicationProbe.waitCaughtUp(try master.connect(), try replica.connect())
        master.kill()
        try Wait.until(timeoutSeconds: 60, "every sentinel names the replica's TLS port\n\(logs())") {
            sentinels.allSatisfy { masterPort($0) == replicaTLS }
        }
        #expect(try replica.connect().call("GET", "before") == .bulk("failover"))
        try master.restart()
        try Wait.untilSurvivingCuts(timeoutSeconds: 90, "the old master replicates from the promoted one over TLS\n\(logs())") {
            let c = try master.connect()
            return try ReplicationProbe.info(c, "master_port") == "\(replicaTLS)" && ReplicationProbe.info(c, "master_link_status") == "up"
        }
    }

    @Test func oursOverMiniredis() throws { try Self.failover(nodes: .miniredis, sentinels: [.ours]) }
    @Test func oursOverRedisServer() throws { try Self.failover(nodes: .redisServer, sentinels: [.ours]) }
    @Test func redisSentinelOverMiniredis() throws { try Self.failover(nodes: .miniredis, sentinels: [.redis]) }
    /// Peers over TLS too: two of ours and one redis-sentinel agree and fail over.
    @Test func mixedSentinelsOverTLS() throws { try Self.failover(nodes: .miniredis, sentinels: [.ours, .ours, .redis]) }

    @Test func redisPySentinelReachesATLSMaster() throws {
        guard let certs = try TLSCertificates.make(), let python = try SentinelFailoverTests.pythonWithRedis() else { return }
        defer { certs.remove() }
        let masterTLS = TestPorts.next()
        guard let master = try Self.node(.miniredis, certs, tlsPort: masterTLS),
              let sentinel = try FailoverFleet.startSentinel(.ours, masterPort: masterTLS, downAfterMs: 1000, quorum: 1,
                                                            extraLines: Self.sentinelLines(certs, tlsPort: TestPorts.next())) else { return }
        let script = """
        import sys
        from redis.sentinel import Sentinel
        s = Sentinel([("127.0.0.1", int(sys.argv[1]))], socket_timeout=3,
                     ssl=True, ssl_ca_certs=sys.argv[2], ssl_certfile=sys.argv[3], ssl_keyfile=sys.argv[4])
        m = s.master_for("mymaster", socket_timeout=3)
        m.set("py", "through-sentinel-over-tls")
        print(s.discover_master("mymaster")[1], m.get("py").decode())
        """
        let path = certs.directory.appendingPathComponent("sentinel_tls.py")
        try script.write(to: path, atomically: true, encoding: .utf8)
        let run = try Tool.run(python, [path.path, "\(sentinel.port)", certs.caCert, certs.clientCert, certs.clientKey])
        #expect(run.output == "\(masterTLS) through-sentinel-over-tls\n", "\(run.output)")
        #expect(try master.connect().raw("GET", "py") == "$25\r\nthrough-sentinel-over-tls\r\n")
    }
}
