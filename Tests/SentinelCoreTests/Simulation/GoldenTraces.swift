#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Golden traces: what the machine published in the simulation, per seed, as a 64-bit FNV-1a hash
/// of the trace text, kept in `Tests/SentinelCoreTests/Golden`. A refactoring that claims to keep
/// behaviour unchanged must keep these byte-identical; a deliberate change of behaviour rewrites
/// them (`GOLDEN_REWRITE=1 swift test --filter "SimulationTests|DeterminismTests"`) and says so in
/// its commit. `SIM_TRACE_DIR=dir` also writes each seed's whole trace to `dir/<kind>-<seed>.txt`,
/// so two builds can be diffed line by line.
enum GoldenTraces {
    static let directory: String = {
        let file = #filePath
        // .../Tests/SentinelCoreTests/Simulation/GoldenTraces.swift → .../Tests/SentinelCoreTests/Golden
        var parts = file.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)
        return parts.joined(separator: "/") + "/Golden"
    }()

    static var rewriting: Bool { getenv("GOLDEN_REWRITE") != nil }

    /// FNV-1a, 64 bits: stable across processes and platforms (Swift's Hasher is seeded per process).
    static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }

    static func read(_ name: String) -> String? {
        guard let f = fopen(directory + "/" + name, "r") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            bytes += buf[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func write(_ name: String, _ text: String) {
        write(path: directory + "/" + name, text)
    }

    static func write(path: String, _ text: String) {
        guard let f = fopen(path, "w") else { return }
        _ = text.utf8CString.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count - 1, f) }
        fclose(f)
    }

    /// `seed lines hash` per line, as the golden file holds them.
    static func table(_ name: String) -> [UInt64: String] {
        guard let text = read(name) else { return [:] }
        var out: [UInt64: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            if fields.count == 3, let seed = UInt64(fields[0]) { out[seed] = String(line) }
        }
        return out
    }

    static func entry(seed: UInt64, trace: [String]) -> String {
        let h = String(fnv1a(trace.joined(separator: "\n")), radix: 16)
        return "\(seed) \(trace.count) \(String(repeating: "0", count: 16 - h.count) + h)"
    }

    static func dumpIfAsked(kind: String, seed: UInt64, trace: [String]) {
        guard let dir = getenv("SIM_TRACE_DIR").map({ String(cString: $0) }) else { return }
        write(path: "\(dir)/\(kind)-\(seed).txt", trace.joined(separator: "\n") + "\n")
    }
}
