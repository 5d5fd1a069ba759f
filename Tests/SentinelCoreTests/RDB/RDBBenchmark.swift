import Foundation
import Testing
@testable import SentinelCore

/// Speed of the codec on 1M string keys with 16-byte values (the shape of REFERENCE.md's
/// measurement of redis-server: SAVE 0.49 s, 28.9 MB). Runs only with RDB_BENCH=1, best in
/// release mode: `bench/rdb-codec`.
@Suite struct RDBBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["RDB_BENCH"] != nil

    @Test(.enabled(if: RDBBenchmark.enabled)) func millionKeys() throws {
        let n = 1_000_000
        let keys = (0..<n).map { bytes("key:\($0)") }
        let values = (0..<n).map { i -> [UInt8] in
            var v = bytes("value:\(i)")
            v += [UInt8](repeating: UInt8(ascii: "x"), count: 16 - v.count)
            return v
        }
        let path = NSTemporaryDirectory() + "rdb-bench-\(getpid()).rdb"
        defer { unlink(path) }

        let t0 = Date()
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var w = RDBWriter(sink: FileDescriptorSink(fd: fd))
        try w.selectDB(0, keyCount: n, expiresCount: 0)
        for i in 0..<n { try w.write(key: keys[i], value: .string(values[i])) }
        try w.finish()
        close(fd)
        let writeSeconds = Date().timeIntervalSince(t0)

        let t1 = Date()
        let rfd = open(path, O_RDONLY)
        var r = RDBReader(source: FileDescriptorSource(fd: rfd))
        var count = 0
        _ = try r.read { _ in count += 1 }
        close(rfd)
        let readSeconds = Date().timeIntervalSince(t1)

        let t2 = Date()
        let rfd2 = open(path, O_RDONLY)
        var r2 = RDBReader(source: FileDescriptorSource(fd: rfd2))
        var table: [[UInt8]: RDBValue] = [:]
        table.reserveCapacity(n)
        _ = try r2.read { table[$0.key] = $0.value }
        close(rfd2)
        let loadSeconds = Date().timeIntervalSince(t2)

        #expect(count == n)
        #expect(table.count == n)
        print(String(format: "RDB bench: 1M keys, %.1f MB: write %.3f s, read %.3f s, read into a dictionary %.3f s",
                     Double(w.bytesWritten) / 1e6, writeSeconds, readSeconds, loadSeconds))
    }
}
