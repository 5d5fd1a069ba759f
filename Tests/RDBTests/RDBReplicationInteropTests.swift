import Foundation
import Testing
@testable import RDB
@testable import RESP
#if canImport(Glibc)
import Glibc
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

        let sock = try TestSocket.connect(port: master.port)
        defer { close(sock) }
        for cmd in [["PING"], ["REPLCONF", "listening-port", "1"], ["REPLCONF", "capa", "eof", "capa", "psync2"]] {
            try TestSocket.sendCommand(sock, cmd)
            let reply = try TestSocket.readLine(sock)
            #expect(reply.hasPrefix("+"), "\(cmd): \(reply)")
        }
        try TestSocket.sendCommand(sock, ["PSYNC", "?", "-1"])
        let full = try TestSocket.readLine(sock).split(separator: " ")
        #expect(full.first == "+FULLRESYNC")
        let replID = full.count > 1 ? String(full[1]) : ""
        let offset = full.count > 2 ? Int64(full[2]) : nil

        // Keep-alive newlines may precede the bulk header.
        var header = ""
        repeat { header = try TestSocket.readLine(sock) } while header.isEmpty
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
            while tail.count < eofMark.count { tail += try TestSocket.readExactly(sock, eofMark.count - tail.count) }
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
        let (listener, port) = try TestSocket.listen()
        defer { close(listener) }

        let replID = "a1b2c3d4e5a1b2c3d4e5a1b2c3d4e5a1b2c3d4e5"
        let offset: Int64 = 4242
        let entries = RDBRoundTripTests.sampleEntries().filter { $0.expireAtMs.map { $0 > 2_000_000_000_000 } ?? true }
        let rdb = try RDBWriter.encode(entries, header: RDBHeader(replication: .init(id: replID, offset: offset)))

        let replica = try RedisServer.start(dir: dir, extraArgs: ["--replicaof", "127.0.0.1", "\(port)"])
        defer { replica.stop() }
        let conn = try TestSocket.accept(listener, deadlineSeconds: 30)
        defer { close(conn) }

        // Answer the handshake like a master: PING, AUTH?, REPLCONF..., then PSYNC.
        var parser = RESPCommandParser()
        var input: [UInt8] = []
        var pos = 0
        handshake: while true {
            guard let command = try parser.next(input, &pos) else {
                input += try TestSocket.readSome(conn)
                continue
            }
            let name = String(decoding: command.first ?? [], as: UTF8.self).uppercased()
            switch name {
            case "PING": try TestSocket.sendAll(conn, bytes("+PONG\r\n"))
            case "REPLCONF": try TestSocket.sendAll(conn, bytes("+OK\r\n"))
            case "PSYNC", "SYNC":
                try TestSocket.sendAll(conn, bytes("+FULLRESYNC \(replID) \(offset)\r\n\n$\(rdb.count)\r\n") + rdb)
                break handshake
            default: try TestSocket.sendAll(conn, bytes("-ERR unexpected \(name)\r\n"))
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

/// Blocking socket helpers with timeouts, so a misbehaving peer fails the test instead of hanging it.
enum TestSocket {
    static func setTimeout(_ fd: Int32, seconds: Int) {
        var tv = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    static func loopback(_ port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return addr
    }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = loopback(port)
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else { close(fd); throw InteropError("connect failed: errno \(errno)") }
        setTimeout(fd, seconds: 30)
        return fd
    }

    /// A listening socket on a free port in the interop range.
    static func listen() throws -> (fd: Int32, port: Int) {
        for _ in 0..<20 {
            let port = Int.random(in: 27001...27999)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var addr = loopback(port)
            let r = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if r == 0 && Glibc.listen(fd, 4) == 0 { return (fd, port) }
            close(fd)
        }
        throw InteropError("no free port to listen on")
    }

    static func accept(_ listener: Int32, deadlineSeconds: Int32) throws -> Int32 {
        var p = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, deadlineSeconds * 1000) == 1 else { throw InteropError("no connection within \(deadlineSeconds) s") }
        let fd = Glibc.accept(listener, nil, nil)
        guard fd >= 0 else { throw InteropError("accept failed: errno \(errno)") }
        setTimeout(fd, seconds: 30)
        return fd
    }

    static func sendAll(_ fd: Int32, _ data: [UInt8]) throws {
        var sent = 0
        while sent < data.count {
            let n = data.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw InteropError("send failed: errno \(errno)") }
            sent += n
        }
    }

    static func sendCommand(_ fd: Int32, _ args: [String]) throws {
        var w = RESPWriter()
        w.command(args)
        try sendAll(fd, w.buffer)
    }

    static func readSome(_ fd: Int32) throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
        guard n > 0 else { throw InteropError("connection closed or timed out") }
        return Array(chunk[0..<n])
    }

    static func readExactly(_ fd: Int32, _ count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        while out.count < count {
            var b: UInt8 = 0
            guard recv(fd, &b, 1, 0) == 1 else { throw InteropError("connection closed or timed out") }
            out.append(b)
        }
        return out
    }

    /// One line without its terminator ("\r\n", or a lone "\n" keep-alive → ""), byte by byte so
    /// nothing after the line is consumed.
    static func readLine(_ fd: Int32) throws -> String {
        var line: [UInt8] = []
        while true {
            let b = try readExactly(fd, 1)[0]
            if b == 10 { break }
            line.append(b)
        }
        if line.last == 13 { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
    }
}
