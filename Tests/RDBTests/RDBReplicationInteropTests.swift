import Foundation
import Testing
@testable import RDB
@testable import RESP
#if canImport(Glibc)
import Glibc
import TestSupport
#endif

/// Full-sync transfer with real Redis at the codec level, both directions: as a replica we read
/// the RDB a redis-server master streams (disk and diskless/EOF-marker modes); as a master we
/// stream our RDB to a redis-server replica, which loads it.
@Suite struct RDBReplicationInteropTests {
    // MARK: redis-server master → our reader

    @Test(arguments: [false, true])
    func readsTheFullSyncPayloadOfARedisMaster(diskless: Bool) throws {
        guard RedisTools.available() else { return }
        let dir = try RedisTools.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let master = try RedisServer.start(dir: dir, extraArgs: [
            "--repl-diskless-sync", diskless ? "yes" : "no", "--repl-diskless-sync-delay", "0",
        ])
        defer { master.stop() }
        let c = try master.client()
        _ = try c.pipeline([
            ["SET", "k", "v"], ["RPUSH", "l", "1", "2", "three"], ["SADD", "s", "1", "2"],
            ["HSET", "h", "f", "v"], ["ZADD", "z", "1.5", "m"], ["SET", "lz", String(repeating: "ab", count: 100)],
            ["SET", "ttl", "x", "PX", "100000000"],
        ].map { $0.map { Array($0.utf8) } })

        let sock = try BlockingSocket.connect(port: master.port)
        defer { close(sock) }
        for cmd in [["PING"], ["REPLCONF", "listening-port", "1"], ["REPLCONF", "capa", "eof", "capa", "psync2"]] {
            try BlockingSocket.sendCommand(sock, cmd)
            let reply = try BlockingSocket.readLine(sock)
            #expect(reply.hasPrefix("+"), "\(cmd): \(reply)")
        }
        try BlockingSocket.sendCommand(sock, ["PSYNC", "?", "-1"])
        let full = try BlockingSocket.readLine(sock).split(separator: " ")
        #expect(full.first == "+FULLRESYNC")
        let replID = full.count > 1 ? String(full[1]) : ""
        let offset = full.count > 2 ? Int64(full[2]) : nil

        // Keep-alive newlines may precede the bulk header.
        var header = ""
        repeat { header = try BlockingSocket.readLine(sock) } while header.isEmpty
        #expect(header.hasPrefix("$"))
        let eofMark: [UInt8]? = header.hasPrefix("$EOF:") ? Array(header.utf8.dropFirst(5)) : nil
        #expect((eofMark != nil) == diskless, "header \(header)")

        var reader = RDBReader(source: FileDescriptorSource(fd: sock))
        var entries: [RDBEntry] = []
        let meta = try reader.read { entries.append($0) }
        #expect(meta.checksumVerified || meta.storedChecksum == 0)
        #expect(meta.replID == replID)
        #expect(meta.replOffset == offset)
        if let eofMark {
            // Diskless: the 40-byte mark follows the RDB; the reader did not consume past the file.
            var tail = reader.leftover
            while tail.count < eofMark.count { tail += try BlockingSocket.readExactly(sock, eofMark.count - tail.count) }
            #expect(Array(tail.prefix(eofMark.count)) == eofMark)
        }
        #expect(entries.count == 7)
        for e in entries {
            #expect(try c.fetch(e.key).map(Normalized.init) == Normalized(e.value), "key \(String(decoding: e.key, as: UTF8.self))")
        }
        #expect(entries.first { $0.key == bytes("ttl") }?.expireAtMs != nil)
    }

    // MARK: our writer → redis-server replica

    @Test func aRedisReplicaLoadsTheRDBWeSendAsMaster() throws {
        guard RedisTools.available() else { return }
        let dir = try RedisTools.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (listener, port) = try BlockingSocket.listen()
        defer { close(listener) }

        let replID = "a1b2c3d4e5a1b2c3d4e5a1b2c3d4e5a1b2c3d4e5"
        let offset: Int64 = 4242
        let entries = RDBRoundTripTests.sampleEntries().filter { $0.expireAtMs.map { $0 > 2_000_000_000_000 } ?? true }
        let rdb = try RDBWriter.encode(entries, header: RDBHeader(replication: .init(id: replID, offset: offset)))

        let replica = try RedisServer.start(dir: dir, extraArgs: ["--replicaof", "127.0.0.1", "\(port)"])
        defer { replica.stop() }
        let conn = try BlockingSocket.accept(listener, deadlineSeconds: 30)
        defer { close(conn) }

        // Answer the handshake like a master: PING, AUTH?, REPLCONF..., then PSYNC.
        var parser = RESPCommandParser()
        var input: [UInt8] = []
        var pos = 0
        handshake: while true {
            guard let command = try parser.next(input, &pos) else {
                input += try BlockingSocket.readSome(conn)
                continue
            }
            let name = String(decoding: command.first ?? [], as: UTF8.self).uppercased()
            switch name {
            case "PING": try BlockingSocket.sendAll(conn, bytes("+PONG\r\n"))
            case "REPLCONF": try BlockingSocket.sendAll(conn, bytes("+OK\r\n"))
            case "PSYNC", "SYNC":
                try BlockingSocket.sendAll(conn, bytes("+FULLRESYNC \(replID) \(offset)\r\n\n$\(rdb.count)\r\n") + rdb)
                break handshake
            default: try BlockingSocket.sendAll(conn, bytes("-ERR unexpected \(name)\r\n"))
            }
        }

        // Wait (generously) until the replica reports the link up, i.e. it loaded the payload.
        let rc = try replica.client()
        let deadline = Date().addingTimeInterval(30)
        var info = ""
        while Date() < deadline {
            info = try rc.command("INFO", "replication").text ?? ""
            if info.contains("master_link_status:up") { break }
            usleep(20_000)
        }
        #expect(info.contains("master_link_status:up"), "\(info)")
        #expect(info.contains("master_replid:\(replID)"), "\(info)")
        #expect(info.contains("master_repl_offset:\(offset)"), "\(info)")
        for e in entries {
            _ = try rc.command("SELECT", "\(e.db)")
            #expect(try rc.fetch(e.key).map(Normalized.init) == Normalized(e.value), "key \(String(decoding: e.key, as: UTF8.self))")
        }
    }
}
