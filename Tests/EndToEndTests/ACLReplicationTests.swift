import Foundation
import Testing
import TestSupport

/// Replication through a restricted user, the one Redis documents for replicas
/// (`+psync +replconf +ping`), in both directions between miniredis and redis-server; and a
/// user without PSYNC, whose replica never links, with the denial in the master's ACL LOG.
@Suite struct ACLReplicationTests {
    static let replUser = ["user", "repl", "on", ">replpw", "-@all", "+psync", "+replconf", "+ping"]

    static func replicate(master: ServerProcess, replica: ServerProcess) throws {
        let m = try master.connect(), r = try replica.connect()
        #expect(try r.raw("CONFIG", "SET", "masteruser", "repl") == "+OK\r\n")
        #expect(try r.raw("CONFIG", "SET", "masterauth", "replpw") == "+OK\r\n")
        #expect(try r.raw("REPLICAOF", "127.0.0.1", "\(master.port)") == "+OK\r\n")
        try ReplicationProbe.waitLinked(r)
        #expect(try m.raw("SET", "through", "acl") == "+OK\r\n")
        try ReplicationProbe.waitCaughtUp(m, r)
        #expect(try r.raw("GET", "through") == "$3\r\nacl\r\n")
    }

    @Test func redisServerReplicaOfMiniredisThroughRestrictedUser() throws {
        let master = try ServerProcess.miniredis()
        #expect(try master.connect().raw(["ACL", "SETUSER"] + Self.replUser.dropFirst(1)) == "+OK\r\n")
        guard let replica = try ServerProcess.redisServer() else { return }
        try Self.replicate(master: master, replica: replica)
    }

    @Test func miniredisReplicaOfRedisServerThroughRestrictedUser() throws {
        guard let master = try ServerProcess.redisServer() else { return }
        #expect(try master.connect().raw(["ACL", "SETUSER"] + Self.replUser.dropFirst(1)) == "+OK\r\n")
        let replica = try ServerProcess.miniredis()
        try Self.replicate(master: master, replica: replica)
    }

    @Test func miniredisReplicaOfMiniredisAndAUserWithoutPsync() throws {
        let master = try ServerProcess.miniredis()
        let m = try master.connect()
        #expect(try m.raw(["ACL", "SETUSER"] + Self.replUser.dropFirst(1)) == "+OK\r\n")
        try Self.replicate(master: master, replica: try ServerProcess.miniredis())

        #expect(try m.raw("ACL", "SETUSER", "nosync", "on", ">pw", "-@all", "+replconf", "+ping") == "+OK\r\n")
        let stuck = try ServerProcess.miniredis()
        let s = try stuck.connect()
        #expect(try s.raw("CONFIG", "SET", "masteruser", "nosync") == "+OK\r\n")
        #expect(try s.raw("CONFIG", "SET", "masterauth", "pw") == "+OK\r\n")
        #expect(try s.raw("REPLICAOF", "127.0.0.1", "\(master.port)") == "+OK\r\n")
        try Wait.until(timeoutSeconds: 30, "the master logs the refused PSYNC") {
            let log = try m.call("ACL", "LOG")
            return (log.elements ?? []).contains { e in
                let f = e.pairs ?? []
                return f.contains { $0.0.text == "object" && $0.1.text == "psync" } && f.contains { $0.0.text == "username" && $0.1.text == "nosync" }
            }
        }
        #expect(try ReplicationProbe.info(s, "master_link_status") == "down")
    }
}
