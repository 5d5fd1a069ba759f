import Foundation
import Glibc
import Testing
import RESP
import TestSupport

/// unixsocket, unixsocketperm, tcp-backlog and port 0, on miniredis and redis-server started
/// with the same flags: redis-cli -s reaches both, the socket has the mode asked for, clients
/// are named as Redis names them, and the file goes at shutdown.
@Suite struct UnixSocketTests {
    static func facts(_ exe: String, _ extra: [String]) throws -> [String] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("unix-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("node.sock").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["--port", "0", "--unixsocket", path, "--unixsocketperm", "700", "--save", "", "--tcp-backlog", "128"] + extra
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        guard let cli = try Binaries.requireRedis("redis-cli") else { return [] }
        var pong = ""
        try Wait.until(timeoutSeconds: 20, "\(exe) answers on \(path)") {
            pong = (try? Tool.run(cli, ["-s", path, "PING"]).output) ?? ""
            return pong == "PONG\n"
        }
        var st = stat()
        #expect(stat(path, &st) == 0)
        var out = [String(st.st_mode & 0o777, radix: 8)]
        let info = try Tool.run(cli, ["-s", path, "CLIENT", "INFO"]).output
        let fields = Dictionary(info.split(separator: " ").compactMap { f -> (String, String)? in
            let kv = f.split(separator: "=", maxSplits: 1)
            return kv.count == 2 ? (String(kv[0]), String(kv[1])) : nil
        }, uniquingKeysWith: { a, _ in a })
        out.append("addr=\(fields["addr"] ?? "")" == "addr=\(path):0" ? "addr ok" : "addr \(fields["addr"] ?? "")")
        out.append("laddr=\(fields["laddr"] ?? "")" == "laddr=\(path):0" ? "laddr ok" : "laddr \(fields["laddr"] ?? "")")
        out.append("flags=\(fields["flags"] ?? "")")
        for name in ["unixsocketperm", "tcp-backlog"] {
            out.append(try Tool.run(cli, ["-s", path, "CONFIG", "GET", name]).output)
        }
        out.append(try Tool.run(cli, ["-s", path, "CONFIG", "SET", "unixsocket", "/tmp/other.sock"]).output)
        _ = try Tool.run(cli, ["-s", path, "SHUTDOWN", "NOSAVE"])
        try Wait.until(timeoutSeconds: 20, "\(exe) exits") { !p.isRunning }
        out.append(FileManager.default.fileExists(atPath: path) ? "socket file left" : "socket file removed")
        return out
    }

    @Test func unixSocketAsRedis() throws {
        let ours = try Self.facts(Binaries.miniredis, [])
        guard let redis = try Binaries.requireRedis("redis-server") else { return }
        #expect(ours.first == "700" && ours.contains("addr ok") && ours.contains("laddr ok") && ours.contains("flags=U"), "\(ours)")
        #expect(ours.last == "socket file removed")
        #expect(ours == (try Self.facts(redis, [])))
    }

    @Test func nowhereToListenIsRefused() throws {
        let (status, output) = try Tool.run(Binaries.miniredis, ["--port", "0", "--save", ""])
        #expect(status != 0)
        #expect(output.contains("Configured to not listen anywhere, exiting."), "\(output)")
    }
}
