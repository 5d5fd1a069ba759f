import Foundation
import Testing
@testable import RDB
import SentinelCore

/// Speed of the codec. Runs only with RDB_BENCH=1, best in release mode: `bench/rdb-codec`.
/// - 1M string keys with 16-byte values (the shape of REFERENCE.md's redis-server measurement:
///   SAVE 0.49 s, 28.9 MB);
/// - every file named in RDB_BENCH_FILES (space-separated; the script passes dumps redis-server
///   wrote): read into memory, then written back, timed, so our SAVE of the same data compares
///   directly with redis-server's.
@Suite(.serialized) struct RDBBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["RDB_BENCH"] != nil

    /// 16-byte values are stored raw; 40-byte random ones make every LZF attempt fail (the
    /// worst case for the compressor's per-string overhead).
    @Test(.enabled(if: RDBBenchmark.enabled), arguments: [16, 40])
    func millionKeys(valueSize: Int) throws {
        let n = 1_000_000
        let keys = (0..<n).map { bytes("key:\($0)") }
        var rng = SplitMix64(seed: 1)
        let values = (0..<n).map { i -> [UInt8] in
            var v = bytes("value:\(i)")
            v += valueSize <= 16 ? [UInt8](repeating: UInt8(ascii: "x"), count: valueSize - v.count)
                                 : randomBytes(valueSize - v.count, &rng)
            return v
        }
        let path = NSTemporaryDirectory() + "rdb-bench-\(getpid()).rdb"
        defer { unlink(path) }

        let t0 = Date()
        let size = try RDBFile.save(to: path) { w in
            try w.selectDB(0, keyCount: n, expiresCount: 0)
            for i in 0..<n { try w.write(key: keys[i], value: .string(values[i])) }
        }
        let writeSeconds = Date().timeIntervalSince(t0)

        let t1 = Date()
        var count = 0
        _ = try RDBFile.load(from: path) { _ in count += 1 }
        let readSeconds = Date().timeIntervalSince(t1)

        let t2 = Date()
        var table: [[UInt8]: RDBValue] = [:]
        table.reserveCapacity(n)
        _ = try RDBFile.load(from: path) { table[$0.key] = $0.value }
        let loadSeconds = Date().timeIntervalSince(t2)

        #expect(count == n)
        #expect(table.count == n)
        print(String(format: "RDB bench: 1M keys x %d B, %.1f MB: save (incl. fsync) %.3f s, read %.3f s, read into a dictionary %.3f s",
                     valueSize, Double(size) / 1e6, writeSeconds, readSeconds, loadSeconds))
    }

    @Test(.enabled(if: RDBBenchmark.enabled)) func redisWrittenFiles() throws {
        let files = (ProcessInfo.processInfo.environment["RDB_BENCH_FILES"] ?? "").split(separator: " ").map(String.init)
        for file in files {
            let t0 = Date()
            var entries: [RDBEntry] = []
            let meta = try RDBFile.load(from: file) { entries.append($0) }
            let readSeconds = Date().timeIntervalSince(t0)
            let out = file + ".ours"
            defer { unlink(out) }
            let t1 = Date()
            let size = try RDBFile.save(to: out) { w in
                for e in entries { try w.write(e) }
            }
            let writeSeconds = Date().timeIntervalSince(t1)
            print(String(format: "RDB bench: %@: %d keys; read %.3f s; our save of the same data %.3f s, %.1f MB",
                         (file as NSString).lastPathComponent, meta.keysRead, readSeconds, writeSeconds, Double(size) / 1e6))
        }
    }
}
