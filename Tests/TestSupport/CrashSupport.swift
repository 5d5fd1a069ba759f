import Foundation
import Glibc
import SentinelCore

/// The seed of a randomized test: printed so a failure can be replayed, and read from
/// CRASH_SEED when set (which replays every randomized test with that seed).
public enum CrashSeed {
    public static func make(_ name: String) -> UInt64 {
        let seed = ProcessInfo.processInfo.environment["CRASH_SEED"].flatMap { UInt64($0) }
            ?? UInt64.random(in: 1...UInt64(UInt32.max))
        print("\(name): seed \(seed) (replay with CRASH_SEED=\(seed))")
        return seed
    }
}

extension SplitMix64 {
    /// A uniform value in lo...hi.
    public mutating func between(_ lo: Int, _ hi: Int) -> Int { lo + Int(below(Int64(hi - lo + 1))) }
}

/// What /proc says about a process.
public enum ProcessProbe {
    /// True while `pid` exists and is not a zombie.
    public static func isAlive(_ pid: pid_t) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return false }
        return !status.contains("State:\tZ") && !status.contains("State:\tX")
    }

    /// The resident set size in bytes (VmRSS), or nil when the process is gone.
    public static func rss(_ pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return nil }
        return kb * 1024
    }
}

/// Raw socket helpers for tests that must control exactly when bytes are read.
public enum RawSocket {
    /// Waits up to `timeoutMs` for `fd` to be readable.
    public static func readable(_ fd: Int32, timeoutMs: Int32) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, timeoutMs) > 0
    }

    /// Reads whatever is available now without waiting; nil on EOF or error.
    public static func drain(_ fd: Int32) -> [UInt8]? {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n > 0 { out.append(contentsOf: chunk[0..<n]); continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return out }
            return n == 0 && !out.isEmpty ? out : nil
        }
    }

    /// Sends what the socket takes now without waiting; the number of bytes sent (0 when full),
    /// or nil when the connection is gone.
    public static func sendSome(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Int? {
        guard !bytes.isEmpty else { return 0 }
        let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
        if n >= 0 { return n }
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : nil
    }
}

extension ServerProcess {
    public var pid: pid_t { process.processIdentifier }

    /// The miniredis config file a node was started with (for nodes started from a file).
    public static func miniredisFromFile(_ lines: [String], port: Int? = nil) throws -> ServerProcess {
        let p = port ?? TestPorts.next()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-conf-\(p)-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let conf = dir.appendingPathComponent("redis.conf")
        try (["port \(p)"] + lines).joined(separator: "\n").appending("\n").write(to: conf, atomically: true, encoding: .utf8)
        let s = try ServerProcess(executable: Binaries.miniredis, arguments: [conf.path], port: p, directory: dir)
        try s.waitUntilReady()
        return s
    }
}
