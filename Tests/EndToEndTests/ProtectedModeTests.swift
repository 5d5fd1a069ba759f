import Foundation
import Glibc
import Testing
import RESP
import TestSupport

/// Protected mode: a server listening on every interface with no password answers a client from
/// another address with Redis's -DENIED text and closes; loopback clients, a password, or
/// protected-mode no let clients in. The sentinel has it off by default, as redis-sentinel.
@Suite struct ProtectedModeTests {
    /// An IPv4 address of this host that is not loopback, or nil (the test then skips).
    static func externalAddress() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        var p: UnsafeMutablePointer<ifaddrs>? = first
        while let ifa = p {
            defer { p = ifa.pointee.ifa_next }
            guard let sa = ifa.pointee.ifa_addr, sa.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard getnameinfo(sa, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else { continue }
            let text = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !text.hasPrefix("127.") { return text }
        }
        return nil
    }

    static let denied = "-\(RedisCompat.protectedModeDenied)\r\n"

    /// What a client from `host` gets for PING, and whether the server then closed the connection.
    static func ping(_ port: Int, from host: String) throws -> (reply: String, closed: Bool) {
        let c = try RedisConnection(port: port, host: host)
        let reply = try c.raw("PING")
        return (reply, try c.isClosedByPeer(timeoutSeconds: 0.5))
    }

    @Test func dataNodeDeniesOtherHostsWithoutAPassword() throws {
        guard let external = Self.externalAddress() else {
            print("SKIPPED: no non-loopback IPv4 address on this host")
            return
        }
        let open = try ServerProcess.miniredis(["--bind", "0.0.0.0"])
        let (reply, closed) = try Self.ping(open.port, from: external)
        #expect(reply == Self.denied)
        #expect(closed)
        #expect(try Self.ping(open.port, from: "127.0.0.1").reply == "+PONG\r\n")
        // A password lifts it (the client must then authenticate), and so does protected-mode no.
        let secured = try ServerProcess.miniredis(["--bind", "0.0.0.0", "--requirepass", "s3cret"])
        #expect(try Self.ping(secured.port, from: external).reply == "-NOAUTH Authentication required.\r\n")
        let unprotected = try ServerProcess.miniredis(["--bind", "0.0.0.0", "--protected-mode", "no"])
        #expect(try Self.ping(unprotected.port, from: external).reply == "+PONG\r\n")
        // CONFIG SET protected-mode no from loopback, as the message suggests, lets the next one in.
        #expect(try open.connect().call("CONFIG", "SET", "protected-mode", "no").text == "OK")
        #expect(try Self.ping(open.port, from: external).reply == "+PONG\r\n")
        // redis-server says the same (7.0 words point 4 with a typo, "Setup a an").
        if let real = try ServerProcess.redisServer(["--bind", "0.0.0.0"]) {
            let (redisReply, redisClosed) = try Self.ping(real.port, from: external)
            #expect(redisReply.replacingOccurrences(of: "4) Setup a an authentication", with: "4) Set up an authentication") == Self.denied)
            #expect(redisClosed)
        }
    }

    @Test func sentinelIsOpenByDefaultAndDeniesWhenProtected() throws {
        guard let external = Self.externalAddress() else {
            print("SKIPPED: no non-loopback IPv4 address on this host")
            return
        }
        let monitor = "sentinel monitor mymaster 127.0.0.1 1 2\n"
        let open = try SentinelServerTests.startSentinel(config: "bind 0.0.0.0\n" + monitor)
        #expect(try Self.ping(open.port, from: external).reply == "+PONG\r\n")
        let protected = try SentinelServerTests.startSentinel(config: "bind 0.0.0.0\nprotected-mode yes\n" + monitor)
        let (reply, closed) = try Self.ping(protected.port, from: external)
        #expect(reply == Self.denied)
        #expect(closed)
        #expect(try Self.ping(protected.port, from: "127.0.0.1").reply == "+PONG\r\n")
        let secured = try SentinelServerTests.startSentinel(config: "bind 0.0.0.0\nprotected-mode yes\nrequirepass s3cret\n" + monitor)
        #expect(try Self.ping(secured.port, from: external).reply == "-NOAUTH Authentication required.\r\n")
        // redis-sentinel with protected-mode yes sends the data node's text too.
        if let exe = try Binaries.requireRedis("redis-sentinel") {
            let port = TestPorts.next()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("protected-\(port)-\(UUID().uuidString.prefix(6))")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let conf = dir.appendingPathComponent("sentinel.conf")
            try "port \(port)\nbind 0.0.0.0\nprotected-mode yes\n\(monitor)".write(to: conf, atomically: true, encoding: .utf8)
            let real = try ServerProcess(executable: exe, arguments: [conf.path], port: port, directory: dir)
            try real.waitUntilReady()
            let (redisReply, redisClosed) = try Self.ping(port, from: external)
            #expect(redisReply.replacingOccurrences(of: "4) Setup a an authentication", with: "4) Set up an authentication") == Self.denied)
            #expect(redisClosed)
        }
    }
}

extension RedisConnection {
    /// isClosedByPeer with a shorter wait.
    func isClosedByPeer(timeoutSeconds seconds: Double) throws -> Bool {
        let saved = timeoutSeconds
        timeoutSeconds = seconds
        defer { timeoutSeconds = saved }
        return try isClosedByPeer()
    }
}
