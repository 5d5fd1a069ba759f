import Foundation
import Glibc
import Synchronization
import Testing
import SentinelCore
import TestSupport

/// kill -9 while the programs rewrite their config files: the sentinel during a stream of
/// SENTINEL MONITOR / SET / REMOVE (each persists the file before it answers), miniredis during
/// CONFIG SET + CONFIG REWRITE loops. Afterwards the file parses, the process restarts from it,
/// and it holds what was acknowledged (plus, at most, the one command in flight).
/// Each test prints its seed; CRASH_SEED=<n> replays it.
@Suite struct ConfigRewriteCrashTests {
    enum Op: Sendable, CustomStringConvertible {
        case monitor(String), set(String, Int), remove(String)
        var description: String {
            switch self {
            case .monitor(let n): "MONITOR \(n)"
            case .set(let n, let v): "SET \(n) down-after-milliseconds \(v)"
            case .remove(let n): "REMOVE \(n)"
            }
        }

        func applied(to model: [String: Int]) -> [String: Int] {
            var m = model
            switch self {
            case .monitor(let n): m[n] = 30000
            case .set(let n, let v): m[n] = v
            case .remove(let n): m[n] = nil
            }
            return m
        }
    }

    /// The command stream's view, shared with the test: acknowledged state and the one in flight.
    final class Stream: Sendable {
        struct State: Sendable {
            var model: [String: Int]
            var inFlight: Op?
            var acked = 0
            var problem: String?
        }
        let state: Mutex<State>
        let finished = Atomic<Bool>(false)
        init(model: [String: Int]) { state = Mutex(State(model: model)) }
    }

    /// Master name → down-after-milliseconds, as the sentinel reports them.
    static func masters(_ s: ServerProcess) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for m in try s.connect().call("SENTINEL", "MASTERS").elements ?? [] {
            let f = Dictionary((m.pairs ?? []).map { ($0.0.text ?? "", $0.1.text ?? "") }, uniquingKeysWith: { a, _ in a })
            if let name = f["name"], let d = f["down-after-milliseconds"].flatMap({ Int($0) }) { out[name] = d }
        }
        return out
    }

    static func sentinelStream(port: Int, deadPort: Int, round: Int, seed: UInt64, stream: Stream) {
        defer { stream.finished.store(true, ordering: .sequentiallyConsistent) }
        guard let c = try? RedisConnection(port: port) else { return }
        var rng = SplitMix64(seed: seed)
        var next = 0
        while true {
            let names = stream.state.withLock { $0.model.keys.sorted() }
            let pick = rng.below(10)
            let op: Op
            if names.count < 3 || (pick < 4 && names.count < 20) {
                op = .monitor("r\(round)m\(next)")
                next += 1
            } else if pick < 8 {
                op = .set(names[rng.between(0, names.count - 1)], rng.between(1000, 99999))
            } else {
                op = .remove(names[rng.between(0, names.count - 1)])
            }
            let args: [String]
            switch op {
            case .monitor(let n): args = ["SENTINEL", "MONITOR", n, "127.0.0.1", "\(deadPort)", "2"]
            case .set(let n, let v): args = ["SENTINEL", "SET", n, "down-after-milliseconds", "\(v)"]
            case .remove(let n): args = ["SENTINEL", "REMOVE", n]
            }
            stream.state.withLock { $0.inFlight = op }
            guard let reply = try? c.call(args) else { return }
            guard reply.text == "OK" else {
                stream.state.withLock { $0.problem = "\(op) replied \(reply)" }
                return
            }
            stream.state.withLock {
                $0.model = op.applied(to: $0.model)
                $0.inFlight = nil
                $0.acked += 1
            }
        }
    }

    @Test func sentinelKilledWhilePersistingKeepsWhatItAcknowledged() throws {
        var g = SplitMix64(seed: CrashSeed.make("sentinelKilledWhilePersisting"))
        let deadPort = TestPorts.next()
        let s = try SentinelServerTests.startSentinel(config: "# kept: a comment of the operator's\nsentinel monitor base 127.0.0.1 \(deadPort) 2\n")
        let conf = s.directory.appendingPathComponent("sentinel.conf").path
        var model = try Self.masters(s)
        #expect(model == ["base": 30000])
        for round in 1...3 {
            let stream = Stream(model: model)
            let (port, seed) = (s.port, g.next())
            Thread { Self.sentinelStream(port: port, deadPort: deadPort, round: round, seed: seed, stream: stream) }.start()
            let killAt = g.between(5, 80)
            try Wait.until(timeoutSeconds: 60, "\(killAt) acknowledged commands") {
                stream.state.withLock { $0.acked } >= killAt || stream.finished.load(ordering: .sequentiallyConsistent)
            }
            s.kill()
            try Wait.until(timeoutSeconds: 30, "the stream notices the kill") { stream.finished.load(ordering: .sequentiallyConsistent) }
            let state = stream.state.withLock { $0 }
            #expect(state.problem == nil, "\(state.problem ?? "")")
            // The file parses: the sentinel starts from it.
            try s.restart()
            let actual = try Self.masters(s)
            let allowed = [state.model] + (state.inFlight.map { [$0.applied(to: state.model)] } ?? [])
            print("sentinel config round \(round): killed after \(state.acked) acknowledged commands, in flight: \(state.inFlight.map(String.init(describing:)) ?? "none"), \(actual.count) masters")
            #expect(allowed.contains(actual), "round \(round): after the kill the sentinel has \(actual), acknowledged \(state.model), in flight \(String(describing: state.inFlight))")
            #expect(try String(contentsOfFile: conf, encoding: .utf8).contains("# kept: a comment of the operator's"))
            model = actual
        }
    }

    /// CONFIG SET replica-priority v then CONFIG REWRITE, in a loop, killed at a random moment:
    /// the node restarts from its file with the last rewritten value or the one in flight.
    @Test func miniredisKilledDuringConfigRewriteRestartsFromAWholeFile() throws {
        var g = SplitMix64(seed: CrashSeed.make("miniredisKilledDuringConfigRewrite"))
        let node = try ServerProcess.miniredisFromFile(["# kept: a comment of the operator's", "save \"\"", "replica-priority 100"])
        let conf = node.directory.appendingPathComponent("redis.conf").path
        var durable = 100
        for round in 1...3 {
            final class Loop: Sendable {
                let rewritten: Atomic<Int>
                let inFlight = Atomic<Int>(-1)
                let count = Atomic<Int>(0)
                let finished = Atomic<Bool>(false)
                let problem = Mutex<String?>(nil)
                init(_ v: Int) { rewritten = Atomic(v) }
            }
            let loop = Loop(durable)
            let (port, seed) = (node.port, g.next())
            Thread {
                defer { loop.finished.store(true, ordering: .sequentiallyConsistent) }
                guard let c = try? RedisConnection(port: port) else { return }
                var rng = SplitMix64(seed: seed)
                while true {
                    let v = rng.between(1, 100_000)
                    loop.inFlight.store(v, ordering: .sequentiallyConsistent)
                    guard let set = try? c.call("CONFIG", "SET", "replica-priority", "\(v)"),
                          let rewrite = try? c.call("CONFIG", "REWRITE") else { return }
                    guard set.text == "OK", rewrite.text == "OK" else {
                        loop.problem.withLock { $0 = "CONFIG SET replied \(set), CONFIG REWRITE replied \(rewrite)" }
                        return
                    }
                    loop.rewritten.store(v, ordering: .sequentiallyConsistent)
                    loop.count.add(1, ordering: .sequentiallyConsistent)
                }
            }.start()
            let killAt = g.between(5, 60)
            try Wait.until(timeoutSeconds: 60, "\(killAt) rewrites") {
                loop.count.load(ordering: .sequentiallyConsistent) >= killAt || loop.finished.load(ordering: .sequentiallyConsistent)
            }
            node.kill()
            try Wait.until(timeoutSeconds: 30, "the loop notices the kill") { loop.finished.load(ordering: .sequentiallyConsistent) }
            #expect(loop.problem.withLock { $0 } == nil, "\(loop.problem.withLock { $0 } ?? "")")
            try node.restart()
            let value = Int(try node.connect().call("CONFIG", "GET", "replica-priority").elements?.last?.text ?? "") ?? -1
            let (acked, inFlight) = (loop.rewritten.load(ordering: .sequentiallyConsistent), loop.inFlight.load(ordering: .sequentiallyConsistent))
            print("miniredis config round \(round): killed after \(loop.count.load(ordering: .sequentiallyConsistent)) rewrites; file has \(value), last rewritten \(acked), in flight \(inFlight)")
            #expect(value == acked || value == inFlight, "round \(round): replica-priority \(value) after the kill; last rewritten \(acked), in flight \(inFlight)")
            #expect(try String(contentsOfFile: conf, encoding: .utf8).contains("# kept: a comment of the operator's"))
            durable = value
        }
    }
}
