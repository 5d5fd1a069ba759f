import Foundation
import Testing
@testable import RDB
@testable import RESP
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Real redis-server / redis-check-rdb for interop tests, through TestSupport's launcher.
enum RedisTools {
    static var checkRDB: String { Binaries.redis("redis-check-rdb") ?? "/usr/bin/redis-check-rdb" }

    /// True when the tools are installed. When they are not: outside CI the test is skipped with a
    /// printed reason; with `CI` set it fails (CI installs Redis, so absence is a broken setup).
    static func available(_ test: String = #function, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let missing = ["redis-server", "redis-cli", "redis-check-rdb"].filter { Binaries.redis($0) == nil }
        if missing.isEmpty { return true }
        let reason = "\(test): needs \(missing.joined(separator: ", ")) (install redis-server / redis-tools)"
        if ProcessInfo.processInfo.environment["CI"] != nil {
            Issue.record("CI is set but Redis is missing: \(reason)", sourceLocation: sourceLocation)
        } else {
            print("SKIPPED \(reason)")
        }
        return false
    }

    static func run(_ path: String, _ args: [String]) throws -> (status: Int32, output: String) {
        try Tool.run(path, args)
    }

    static func makeTempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "rdb-interop-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// redis-server in `dir` (loading `dbfilename` if it is there), with DEBUG enabled.
enum RedisServer {
    static func start(dir: String, dbfilename: String = "dump.rdb", extraArgs: [String] = []) throws -> ServerProcess {
        guard let server = try ServerProcess.redisServer(["--dbfilename", dbfilename, "--enable-debug-command", "yes"] + extraArgs,
                                                         directory: URL(fileURLWithPath: dir)) else {
            throw RedisConnection.Failure(description: "redis-server is not installed")
        }
        return server
    }
}

extension ServerProcess {
    func stop() { kill() }
    func client() throws -> RedisConnection { try connect() }
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

extension RedisConnection {
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
        default: throw RedisConnection.Failure(description: "unexpected TYPE \(type)")
        }
    }
}
