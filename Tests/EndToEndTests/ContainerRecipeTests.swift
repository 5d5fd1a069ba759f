import Foundation
import Glibc
import Testing
import TestSupport

/// What can be checked of the container recipes without a container engine (none runs here):
/// the entrypoint starts each role outside a container, keeps a sentinel's state across a
/// restart, refuses bad settings; the compose file parses and its addresses are consistent.
/// (The static binaries on a bare libc are checked by .ci/containers, which needs a release
/// build.)
@Suite struct ContainerRecipeTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var entrypoint: String { repository.appendingPathComponent("docker/entrypoint.sh").path }

    /// Runs the entrypoint with `env` as a server process on `port`, in its own data directory.
    static func start(_ env: [String: String], port: Int, directory: URL? = nil) throws -> ServerProcess {
        let dir = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("entrypoint-\(port)-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // ServerProcess runs an executable with arguments; `env` sets the variables for the script.
        let args = ["BIN_DIR=\(Binaries.buildDirectory.path)", "DATA_DIR=\(dir.path)", "PORT=\(port)"]
            + env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + ["/bin/sh", entrypoint]
        let s = try ServerProcess(executable: "/usr/bin/env", arguments: args, port: port, directory: dir)
        try s.waitUntilReady()
        return s
    }

    @Test func entrypointStartsAFleetAndKeepsTheSentinelsState() throws {
        let masterPort = TestPorts.next(), replicaPort = TestPorts.next(), sentinelPort = TestPorts.next()
        let master = try Self.start(["ROLE": "master", "ANNOUNCE_IP": "127.0.0.1"], port: masterPort)
        let replica = try Self.start(["ROLE": "replica", "ANNOUNCE_IP": "127.0.0.1", "MASTER_HOST": "127.0.0.1", "MASTER_PORT": "\(masterPort)"], port: replicaPort)
        try ReplicationProbe.waitLinked(replica.connect())
        let sentinelEnv = ["ROLE": "sentinel", "ANNOUNCE_IP": "127.0.0.1", "MASTER_HOST": "127.0.0.1",
                           "MASTER_PORT": "\(masterPort)", "QUORUM": "1", "DOWN_AFTER_MS": "1000"]
        let sentinel = try Self.start(sentinelEnv, port: sentinelPort)
        try Wait.until(timeoutSeconds: 30, "the sentinel found the replica\n\(sentinel.logText)") {
            (try sentinel.connect().call("INFO", "sentinel").text ?? "").contains("address=127.0.0.1:\(masterPort),slaves=1,sentinels=1")
        }
        let conf = sentinel.directory.appendingPathComponent("sentinel.conf")
        let id = try #require(try sentinel.connect().call("SENTINEL", "MYID").text)
        // Restarted with the same data directory, as a container with its volume: same id, and
        // the file the sentinel wrote is kept, not generated again.
        sentinel.kill()
        try sentinel.restart()
        #expect(try sentinel.connect().call("SENTINEL", "MYID").text == id)
        let text = try String(contentsOf: conf, encoding: .utf8)
        #expect(text.components(separatedBy: "sentinel monitor mymaster").count == 2, "\(text)")
        #expect(text.contains("sentinel announce-ip 127.0.0.1"), "\(text)")
        #expect(text.contains("sentinel myid \(id)"), "\(text)")
        #expect(try master.connect().call("ROLE").elements?.first?.text == "master")
    }

    @Test(arguments: [
        (["ROLE": "leader"], "ROLE must be master, replica or sentinel (got 'leader')"),
        (["ROLE": "replica"], "ROLE=replica needs MASTER_HOST"),
        (["ROLE": "sentinel"], "ROLE=sentinel needs MASTER_HOST"),
        (["ROLE": "master", "DATA_DIR": "/nonexistent/data"], "DATA_DIR /nonexistent/data is not a writable directory"),
    ])
    func entrypointRefusesBadSettings(env: [String: String], message: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("entrypoint-bad-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["BIN_DIR=\(Binaries.buildDirectory.path)", "DATA_DIR=\(dir.path)"]
            + env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + ["/bin/sh", Self.entrypoint]
        let (status, output) = try Tool.run("/usr/bin/env", args)
        #expect(status == 64, "\(output)")
        #expect(output.contains("entrypoint: \(message)"), "\(output)")
    }

    /// The compose file parses (PyYAML, as no compose engine is installed here), names the six
    /// processes, and every announced address is the published one a client outside can reach.
    @Test func composeFileDescribesAReachableFleet() throws {
        // The python3 on PATH, the one .ci/run installs Python packages for.
        let python = "/usr/bin/env"
        let check = """
        import json, sys
        try:
            import yaml
        except ImportError:
            print("NO-YAML"); sys.exit(0)
        d = yaml.safe_load(open(sys.argv[1]))
        print(json.dumps(d["services"]))
        """
        let (status, output) = try Tool.run(python, ["python3", "-c", check, Self.repository.appendingPathComponent("docker/compose.yaml").path])
        #expect(status == 0, "\(output)")
        if output.hasPrefix("NO-YAML") { return try Self.missing("PyYAML (pip install pyyaml)") }
        let services = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String: Any]], "\(output)")
        #expect(services.keys.sorted() == ["node1", "node2", "node3", "sentinel1", "sentinel2", "sentinel3"])
        var volumes = Set<String>()
        for (name, service) in services {
            let env = try #require(service["environment"] as? [String: String], "\(name) has no environment")
            let ports = try #require(service["ports"] as? [String], "\(name) publishes no port")
            #expect(ports == ["\(env["PORT"]!):\(env["PORT"]!)"], "\(name): published \(ports), listens on \(env["PORT"]!)")
            #expect(env["ANNOUNCE_PORT"] == env["PORT"], "\(name) announces another port than it publishes")
            #expect(env["ANNOUNCE_IP"]?.hasPrefix("${HOST_IP") == true, "\(name) must announce HOST_IP")
            if env["ROLE"] != "master" {
                #expect(env["MASTER_PORT"] == "6379", "\(name) does not point at the master's published port")
            }
            let vols = try #require(service["volumes"] as? [String], "\(name) has no volume")
            volumes.formUnion(vols.map { String($0.split(separator: ":")[0]) })
        }
        #expect(volumes.count == 6, "each process has its own volume: \(volumes)")
        #expect(services.values.filter { ($0["environment"] as? [String: String])?["ROLE"] == "master" }.count == 1)
    }

    static func missing(_ what: String) throws {
        let reason = "\(what) is not available"
        if ProcessInfo.processInfo.environment["CI"] != nil { throw RedisConnection.Failure(description: "CI must run this test, but \(reason)") }
        print("SKIPPED: \(reason)")
    }
}
