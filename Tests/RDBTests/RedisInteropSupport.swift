import Foundation
import Testing
@testable import RDB
@testable import RESP
#if canImport(Glibc)
import Glibc
#endif

/// Real redis-server / redis-cli / redis-check-rdb for interop tests.
enum RedisTools {
    static let server = ProcessInfo.processInfo.environment["REDIS_SERVER"] ?? "/usr/bin/redis-server"
    static let cli = ProcessInfo.processInfo.environment["REDIS_CLI"] ?? "/usr/bin/redis-cli"
    static let checkRDB = ProcessInfo.processInfo.environment["REDIS_CHECK_RDB"] ?? "/usr/bin/redis-check-rdb"

    /// True when the tools are installed. When they are not: outside CI the test is skipped with a
    /// printed reason; with `CI` set it fails (CI installs Redis, so absence is a broken setup).
    static func available(_ test: String = #function, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let missing = [server, cli, checkRDB].filter { !FileManager.default.isExecutableFile(atPath: $0) }
        if missing.isEmpty { return true }
        let reason = "\(test): needs \(missing.joined(separator: ", ")) (install redis-server / redis-tools)"
        if ProcessInfo.processInfo.environment["CI"] != nil {
            Issue.record("CI is set but Redis is missing: \(reason)", sourceLocation: sourceLocation)
        } else {
            print("SKIPPED \(reason)")
        }
        return false
    }

    /// Runs a tool to completion; returns exit status and combined output.
    static func run(_ path: String, _ args: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func makeTempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "rdb-interop-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// A redis-server child process on a free port in a temp dir. `stop()` always kills it; tests
/// call it in a `defer`.
final class RedisServer {
    let process = Process()
    let port: Int
    let dir: String

    /// Starts redis-server (retrying on another port if the chosen one was taken) and waits until
    /// `redis-cli PING` answers, with a generous deadline.
    static func start(dir: String, dbfilename: String = "dump.rdb", extraArgs: [String] = []) throws -> RedisServer {
        var lastError = ""
        for _ in 0..<8 {
            let port = Int.random(in: 27001...27999)
            guard portIsFree(port) else { continue }
            let server = RedisServer(port: port, dir: dir)
            try server.launch(dbfilename: dbfilename, extraArgs: extraArgs)
            if try server.waitForPing(deadlineSeconds: 20) { return server }
            server.stop()
            lastError = (try? String(contentsOfFile: dir + "/redis.log", encoding: .utf8)) ?? "(no log)"
            if !lastError.contains("Address already in use") { break }
        }
        throw InteropError("redis-server did not start: \(lastError.suffix(2000))")
    }

    private init(port: Int, dir: String) {
        self.port = port
        self.dir = dir
    }

    private func launch(dbfilename: String, extraArgs: [String]) throws {
        process.executableURL = URL(fileURLWithPath: RedisTools.server)
        process.arguments = ["--port", "\(port)", "--bind", "127.0.0.1", "--dir", dir, "--dbfilename", dbfilename,
                             "--save", "", "--appendonly", "no", "--daemonize", "no",
                             "--logfile", dir + "/redis.log", "--enable-debug-command", "yes"] + extraArgs
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    private func waitForPing(deadlineSeconds: Double) throws -> Bool {
        let deadline = Date().addingTimeInterval(deadlineSeconds)
        while Date() < deadline {
            guard process.isRunning else { return false }
            let r = try RedisTools.run(RedisTools.cli, ["-p", "\(port)", "PING"])
            if r.output.contains("PONG") {
                // Make sure it is our server answering, not another test's on a port we lost.
                let info = try RedisTools.run(RedisTools.cli, ["-p", "\(port)", "INFO", "server"])
                return info.output.contains("process_id:\(process.processIdentifier)\r")
                    || info.output.contains("process_id:\(process.processIdentifier)\n")
            }
            usleep(20_000) // polling interval, not a wait for a condition
        }
        return false
    }

    /// SIGKILL, not SIGTERM: children of the test runner inherit a signal mask that blocks
    /// SIGTERM, so redis-server would never see it. Nothing needs a graceful shutdown here.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    func client() throws -> RESPTestClient { try RESPTestClient(port: port) }

    static func portIsFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return r == 0
    }
}

struct InteropError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A minimal blocking RESP client over TCP, binary-safe, using the project's RESP parser.
final class RESPTestClient {
    let fd: Int32
    private var input: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else {
            close(fd)
            throw InteropError("connect to port \(port) failed: errno \(errno)")
        }
    }

    deinit { close(fd) }

    /// Sends all commands at once, then reads one reply per command.
    func pipeline(_ commands: [[[UInt8]]]) throws -> [RESPValue] {
        var w = RESPWriter()
        for c in commands { w.command(c) }
        var sent = 0
        while sent < w.buffer.count {
            let n = w.buffer.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, 0) }
            guard n > 0 else { throw InteropError("send failed: errno \(errno)") }
            sent += n
        }
        var replies: [RESPValue] = []
        let parser = RESPParser()
        var start = 0
        while replies.count < commands.count {
            if let (value, next) = try parser.parse(input, from: start) {
                replies.append(value)
                start = next
                continue
            }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            guard n > 0 else { throw InteropError("connection closed while reading replies") }
            input.append(contentsOf: chunk[0..<n])
        }
        input.removeFirst(start)
        return replies
    }

    func command(_ args: [UInt8]...) throws -> RESPValue { try pipeline([args])[0] }
    func command(_ args: String...) throws -> RESPValue { try pipeline([args.map { Array($0.utf8) }])[0] }
}

extension RESPValue {
    var bulk: [UInt8]? { if case .bulkString(let b) = self { b } else { nil } }
    var int: Int64? { if case .integer(let i) = self { i } else { nil } }
    var text: String? {
        switch self {
        case .simpleString(let b), .bulkString(let b), .error(let b): String(decoding: b, as: UTF8.self)
        default: nil
        }
    }
    var items: [RESPValue] { if case .array(let a) = self { a } else { [] } }
}

/// Order-insensitive form of a value, for comparing what Redis holds with what a file holds
/// (Redis re-encodes sets, hashes and sorted sets, so their order is not preserved).
enum Normalized: Equatable, CustomStringConvertible {
    case string([UInt8]), list([[UInt8]]), set([[UInt8]]), hash([[UInt8]]), zset([[UInt8]])

    init(_ v: RDBValue) {
        switch v {
        case .string(let s): self = .string(s)
        case .list(let l): self = .list(l)
        case .set(let s): self = .set(s.sorted { $0.lexicographicallyPrecedes($1) })
        case .hash(let h): self = .hash(h.map { $0.0 + [0xff, 0xfe] + $0.1 }.sorted { $0.lexicographicallyPrecedes($1) })
        case .sortedSet(let z):
            // + 0.0 turns -0.0 into 0.0: Redis does not keep the sign of a zero score.
            self = .zset(z.map { $0.0 + [0xff, 0xfe] + Array("\($0.1 + 0.0)".utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
        }
    }

    var description: String {
        switch self {
        case .string(let s): "string(\(s.count) bytes)"
        case .list(let l): "list(\(l.count))"
        case .set(let s): "set(\(s.count))"
        case .hash(let h): "hash(\(h.count))"
        case .zset(let z): "zset(\(z.count))"
        }
    }
}

extension RESPTestClient {
    /// Reads a key back from Redis into the neutral model (nil if the key does not exist).
    func fetch(_ key: [UInt8]) throws -> RDBValue? {
        let type = try command(bytes("TYPE"), key).text ?? ""
        switch type {
        case "none": return nil
        case "string": return .string(try command(bytes("GET"), key).bulk ?? [])
        case "list": return .list(try command(bytes("LRANGE"), key, bytes("0"), bytes("-1")).items.map { $0.bulk ?? [] })
        case "set": return .set(try command(bytes("SMEMBERS"), key).items.map { $0.bulk ?? [] })
        case "hash":
            let flat = try command(bytes("HGETALL"), key).items.map { $0.bulk ?? [] }
            return .hash(stride(from: 0, to: flat.count - 1, by: 2).map { (flat[$0], flat[$0 + 1]) })
        case "zset":
            let flat = try command(bytes("ZRANGE"), key, bytes("0"), bytes("-1"), bytes("WITHSCORES")).items.map { $0.bulk ?? [] }
            return .sortedSet(stride(from: 0, to: flat.count - 1, by: 2).map {
                (flat[$0], Double(String(decoding: flat[$0 + 1], as: UTF8.self)) ?? .nan)
            })
        default: throw InteropError("unexpected TYPE \(type)")
        }
    }
}
