import Foundation
import Glibc

/// The processes of the demo: data nodes (miniredis) and sentinels, each in its own folder of
/// one temporary directory, on ports the kernel chose.
final class Fleet {
    struct Node {
        let name: String
        let port: Int
        let process: ChildProcess
    }

    let masterName = "mymaster"
    let options: Options
    let directory: String
    private(set) var nodes: [Node] = []
    private(set) var sentinels: [Node] = []
    let miniredis: String
    let sentinel: String

    init(options: Options, binDir: String) throws {
        self.options = options
        miniredis = binDir + "/miniredis"
        sentinel = binDir + "/sentinel"
        for exe in [miniredis, sentinel] where access(exe, X_OK) != 0 {
            throw DemoError("\(exe) is missing: build first (swift build -c release) or pass --bin-dir")
        }
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/failover-demo.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw DemoError("cannot create a temporary directory in \(base): \(String(cString: strerror(errno)))")
        }
        directory = String(cString: made)

        let count = 1 + options.replicas + options.sentinels
        let ports = try options.basePort.map { try FreePorts.consecutive(from: $0, count) } ?? FreePorts.pick(count)
        for i in 0...options.replicas {
            nodes.append(try makeNode(name: "node\(i + 1)", port: ports[i], replicaOf: i == 0 ? nil : ports[0]))
        }
        for i in 0..<options.sentinels {
            sentinels.append(try makeSentinel(name: "s\(i + 1)", port: ports[1 + options.replicas + i], masterPort: ports[0]))
        }
    }

    private func folder(_ name: String) throws -> String {
        let path = directory + "/" + name
        guard mkdir(path, 0o755) == 0 else { throw DemoError("mkdir \(path): \(String(cString: strerror(errno)))") }
        return path
    }

    private func makeNode(name: String, port: Int, replicaOf: Int?) throws -> Node {
        let dir = try folder(name)
        // No snapshots (the demo is about replication, and a restarted master must come back
        // empty and be resynchronised); no 5 s wait before a diskless full sync.
        var args = ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--dir", dir,
                    "--repl-diskless-sync-delay", "0"]
        if let m = replicaOf { args += ["--replicaof", "127.0.0.1", "\(m)"] }
        return Node(name: name, port: port, process: ChildProcess(name: name, executable: miniredis, arguments: args, directory: dir))
    }

    private func makeSentinel(name: String, port: Int, masterPort: Int) throws -> Node {
        let dir = try folder(name)
        let conf = dir + "/sentinel.conf"
        let text = """
        port \(port)
        bind 127.0.0.1
        dir \(dir)
        sentinel monitor \(masterName) 127.0.0.1 \(masterPort) \(options.effectiveQuorum)
        sentinel down-after-milliseconds \(masterName) \(options.downAfterMs)
        sentinel failover-timeout \(masterName) 10000
        sentinel parallel-syncs \(masterName) 1

        """
        guard FileManager.default.createFile(atPath: conf, contents: Data(text.utf8)) else {
            throw DemoError("cannot write \(conf)")
        }
        return Node(name: name, port: port, process: ChildProcess(name: name, executable: sentinel, arguments: [conf], directory: dir))
    }

    var all: [Node] { nodes + sentinels }

    /// SIGTERM to everyone still running, a short grace period, then SIGKILL; every child is
    /// reaped, so nothing is left behind, not even a zombie.
    func stopAll() {
        let running = all.map(\.process).filter(\.isRunning)
        running.forEach { $0.signal(SIGTERM) }
        let deadline = Clock.nowMs() + 3000
        while Clock.nowMs() < deadline && running.contains(where: \.isRunning) { usleep(20_000) }
        for p in running where p.isRunning { p.killHard() }
    }

    func removeDirectory() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
