import Foundation
import Glibc
import Testing
import SentinelCore
import TestSupport

/// Running our sentinel for real: passwords on the data nodes, scripts, read-only config files,
/// and garbage on its port.
@Suite struct SentinelOperationsTests {
    @Test func authPassReachesPasswordProtectedDataNodesAndScriptsRun() throws {
        let pass = "n0de-secret"
        let master = try ServerProcess.miniredis(["--requirepass", pass, "--repl-diskless-sync-delay", "0"])
        let replicas = try (0..<2).map { _ in
            try ServerProcess.miniredis(["--requirepass", pass, "--masterauth", pass, "--replicaof", "127.0.0.1", "\(master.port)"])
        }
        for r in replicas {
            let c = try r.connect()
            try c.call("AUTH", pass)
            try ReplicationProbe.waitLinked(c)
        }
        // Scripts write their arguments to a file, one line per call.
        let dir = master.directory
        let out = dir.appendingPathComponent("calls.txt").path
        let script = dir.appendingPathComponent("record.sh")
        try "#!/bin/sh\necho \"$0 $*\" >> \(out)\n".write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        var sentinels: [ServerProcess] = []
        for _ in 0..<3 {
            let port = TestPorts.next()
            let conf = """
            port \(port)
            sentinel monitor mymaster 127.0.0.1 \(master.port) 2
            sentinel down-after-milliseconds mymaster 1000
            sentinel failover-timeout mymaster 10000
            sentinel auth-pass mymaster \(pass)
            sentinel notification-script mymaster \(script.path)
            sentinel client-reconfig-script mymaster \(script.path)
            """
            sentinels.append(try SentinelServerTests.startSentinel(config: conf))
        }
        try Wait.until(timeoutSeconds: 30, "sentinels see the replicas through AUTH") {
            try sentinels.allSatisfy { s in
                let pairs = try s.connect().call("SENTINEL", "MASTER", "mymaster").pairs ?? []
                let f = Dictionary(pairs.map { ($0.0.text ?? "", $0.1.text ?? "") }, uniquingKeysWith: { a, _ in a })
                return f["num-slaves"] == "2" && f["num-other-sentinels"] == "2" && !(f["flags"] ?? "").contains("disconnected")
            }
        }
        master.kill()
        try Wait.until(timeoutSeconds: 30, "the failover ran and the reconfig script was called") {
            let calls = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            return calls.contains("mymaster leader start 127.0.0.1 \(master.port) 127.0.0.1")
        }
        let calls = try String(contentsOfFile: out, encoding: .utf8)
        // Warning-level events reach the notification script as `<event> <payload>`.
        #expect(calls.contains("+sdown master mymaster 127.0.0.1 \(master.port)") || calls.contains("+odown master mymaster"))
    }

    @Test func readOnlyConfigNeedsAStateFileAndThenWorks() throws {
        let port = TestPorts.next()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ro-\(port)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let conf = dir.appendingPathComponent("sentinel.conf")
        try "port \(port)\nsentinel monitor mymaster 127.0.0.1 1 2\n".write(to: conf, atomically: true, encoding: .utf8)
        chmod(conf.path, 0o444)
        // As root, access(W_OK) succeeds on a 0444 file; make the directory's file immutable
        // in effect by checking the refusal only when the file really is not writable.
        if access(conf.path, W_OK) != 0 {
            let (status, output) = try Tool.run(Binaries.sentinel, [conf.path])
            #expect(status != 0)
            #expect(output.contains("state-file"))
        }
        let state = dir.appendingPathComponent("state.conf")
        try "port \(port)\nsentinel monitor mymaster 127.0.0.1 1 2\nsentinel state-file \(state.path)\n".write(to: conf, atomically: false, encoding: .utf8)
        let s = try ServerProcess(executable: Binaries.sentinel, arguments: [conf.path], port: port, directory: dir)
        try s.waitUntilReady()
        let myid = try s.connect().call("SENTINEL", "MYID").text ?? ""
        try Wait.until(timeoutSeconds: 10, "the state file holds the sentinel's id") {
            ((try? String(contentsOf: state, encoding: .utf8)) ?? "").contains("sentinel myid \(myid)")
        }
        // The config file is untouched; a restart reads the state back (same id).
        #expect(try String(contentsOf: conf, encoding: .utf8) == "port \(port)\nsentinel monitor mymaster 127.0.0.1 1 2\nsentinel state-file \(state.path)\n")
        try s.restart()
        #expect(try s.connect().call("SENTINEL", "MYID").text == myid)
    }

    @Test func garbageOnTheSentinelPortHarmsNobody() throws {
        let s = try SentinelServerTests.startSentinel(config: "sentinel monitor mymaster 127.0.0.1 1 2\n")
        var g = SplitMix64(seed: 42)
        var junk: [RedisConnection] = []
        for _ in 0..<30 {
            let c = try s.connect()
            try? c.send(raw: (0..<Int(g.below(3000) + 1)).map { _ in UInt8(truncatingIfNeeded: g.next()) })
            junk.append(c)
        }
        try? s.connect().send(raw: "*99999999999\r\n")
        try? s.connect().send(raw: "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 1 -5 abc\r\n")
        let c = try s.connect()
        #expect(try c.raw("PING") == "+PONG\r\n")
        #expect(try c.call("SENTINEL", "MASTERS").elements?.count == 1)
        #expect(try c.call("INFO", "sentinel").text?.contains("sentinel_masters:1") == true)
    }
}
