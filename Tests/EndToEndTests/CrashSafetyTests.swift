import Foundation
import Glibc
import Synchronization
import Testing
import RESP
import SentinelCore
import TestSupport

/// kill -9 at random (seeded) moments of the data node's persistence: during SAVE and BGSAVE of a
/// few hundred thousand keys, and during AOF writes with appendfsync always under concurrent
/// pipelining writers. After each kill the files on disk are whole (the previous version or the
/// new one), the node restarts from them, and every write acknowledged before the kill is there.
/// Each test prints its seed; CRASH_SEED=<n> replays it.
@Suite struct CrashSafetyTests {
    // MARK: RDB

    static func tempFiles(_ dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasPrefix("temp-") && $0.hasSuffix(".rdb") }
    }

    static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : -1
    }

    static func inode(_ path: String) -> UInt64? {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_ino) : nil
    }

    /// Six rounds, SAVE and BGSAVE alternating, each killed once its temporary file reached a
    /// random fraction of the expected size (from 1: just after the save completed). The node
    /// restarted from the directory holds the generation of the previous complete file or of
    /// the new one, whole; the partial temporary files left behind are never loaded, and a BGSAVE
    /// child dies with its parent.
    @Test func rdbKilledDuringSaveOrBgsaveIsTheOldFileOrTheNewOne() throws {
        var g = SplitMix64(seed: CrashSeed.make("rdbKilledDuringSaveOrBgsave"))
        let server = try ServerProcess.miniredis(["--enable-debug-command", "yes"])
        let dir = server.directory
        let rdb = dir.appendingPathComponent("dump.rdb").path
        let checker = Binaries.redis("redis-check-rdb")
        // Generation 0 is "no file": an empty node.
        var sizeOfGeneration: [Int: Int64] = [0: 0]
        var durable = 0
        var expectedBytes = 7_000_000
        for round in 1...6 {
            let c = try server.connect()
            c.timeoutSeconds = 60
            if try c.call("DBSIZE") == .integer(0) {
                #expect(try c.call("DEBUG", "POPULATE", "300000") == .simpleString(Array("OK".utf8)))
            }
            try c.call("SET", "gen", "\(round)")
            try c.call("SET", "round:\(round)", "\(round)")
            sizeOfGeneration[round] = try c.call("DBSIZE").integerValue
            let background = round % 2 == 0
            // The first round dies mid-write before any file exists (only a partial temp file is
            // left), the second just after its save completed (so later rounds have a previous
            // file to keep), the others anywhere from the start of the write to after its end.
            let fraction = Double(round == 1 ? g.between(5, 90) : round == 2 ? 100 : g.between(0, 130)) / 100
            let before = Set(Self.tempFiles(dir))
            let inodeBefore = Self.inode(rdb)
            try c.send(background ? ["BGSAVE"] : ["SAVE"])
            let target = Int(Double(expectedBytes) * fraction)
            var child: pid_t?
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                if Self.inode(rdb) != inodeBefore { break }
                if let temp = Self.tempFiles(dir).first(where: { !before.contains($0) }) {
                    child = pid_t(temp.dropFirst(5).dropLast(4))
                    if fraction < 1 && Self.fileSize(dir.appendingPathComponent(temp).path) >= target { break }
                }
                usleep(300)
            }
            if background && child == nil {
                // Completed before we saw its file: the log names the child.
                child = server.logText.split(separator: "\n").last { $0.contains("Background saving started by pid") }
                    .flatMap { $0.split(separator: " ").dropFirst(8).first.flatMap { pid_t($0) } }
            }
            Glibc.kill(server.pid, SIGKILL)
            let inodeAtKill = Self.inode(rdb)
            server.kill()
            // Restarted at once, as a supervisor would: a BGSAVE child that outlived its parent
            // held the port (the restart failed to bind) and later renamed its file over
            // dump.rdb behind the new process's back.
            try server.restart()
            if background, let child {
                try Wait.until(timeoutSeconds: 10, "the BGSAVE child \(child) dies with its parent") { !ProcessProbe.isAlive(child) }
            }
            #expect(Self.inode(rdb) == inodeAtKill, "round \(round): dump.rdb was replaced after the node was killed")
            let leftovers = Self.tempFiles(dir).filter { !before.contains($0) }
            if FileManager.default.fileExists(atPath: rdb), let checker {
                let (status, output) = try Tool.run(checker, [rdb])
                #expect(status == 0, "round \(round): redis-check-rdb refused dump.rdb after the kill:\n\(output)")
            }
            let r = try server.connect()
            r.timeoutSeconds = 60
            let gen = Int(try r.call("GET", "gen").text ?? "0") ?? -1
            print("rdb round \(round): \(background ? "BGSAVE" : "SAVE") killed at \(Int(fraction * 100))% of \(expectedBytes) bytes; loaded generation \(gen); partial temp files left: \(leftovers)")
            #expect(gen == durable || gen == round,
                    "round \(round) (\(background ? "BGSAVE" : "SAVE") killed at \(fraction)): loaded generation \(gen), expected \(durable) or \(round)")
            #expect(try r.call("DBSIZE").integerValue == sizeOfGeneration[gen], "round \(round): generation \(gen) loaded with the wrong number of keys")
            if gen > 0 {
                #expect(try r.call("GET", "key:123456") == .bulk("value:123456"))
                #expect(try r.call("GET", "round:\(gen)") == .bulk("\(gen)"))
            } else {
                // Nothing complete was ever written: the partial temp file was not taken for one.
                #expect(!FileManager.default.fileExists(atPath: rdb))
                #expect(!leftovers.isEmpty || fraction >= 1)
            }
            durable = gen
            let bytes = Self.fileSize(rdb)
            if bytes > 0 { expectedBytes = bytes }
        }
    }

    // MARK: AOF

    /// What each writer sent and had acknowledged, shared between the writer threads and the test.
    final class Ledger: Sendable {
        struct Entry: Sendable {
            var ackedIncr: Int64 = 0
            var ackedPush = 0, sentPush = 0
            var ackedSet = 0, sentSet = 0
            var ackedPair: Int64 = 0
            var problem: String?
        }
        let entries: Mutex<[Entry]>
        let acked = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
        init(writers: Int) { entries = Mutex(Array(repeating: Entry(), count: writers)) }
        func update(_ w: Int, _ f: (inout Entry) -> Void) { entries.withLock { f(&$0[w]) } }
        var snapshot: [Entry] { entries.withLock { $0 } }
    }

    enum Expect { case incr, push(Int), set(Int), ok, queued, exec }

    /// One writer: batches of INCR, RPUSH of the next element, SET of the next value and
    /// sometimes MULTI INCR a INCR b EXEC, pipelined, until the connection dies.
    static func writer(port: Int, index w: Int, firstPush: Int, firstSet: Int, seed: UInt64, ledger: Ledger) {
        defer { ledger.finished.add(1, ordering: .sequentiallyConsistent) }
        guard let c = try? RedisConnection(port: port) else { return }
        c.timeoutSeconds = 30
        var rng = SplitMix64(seed: seed)
        var push = firstPush, set = firstSet
        let p = "w\(w)"
        while true {
            var batch: [UInt8] = []
            var expect: [Expect] = []
            for _ in 0..<rng.between(1, 16) {
                batch += RESPWriter.encode(command: ["INCR", "\(p):n"]); expect.append(.incr)
                batch += RESPWriter.encode(command: ["RPUSH", "\(p):l", "\(push)"]); expect.append(.push(push)); push += 1
                batch += RESPWriter.encode(command: ["SET", "\(p):s", "\(set)"]); expect.append(.set(set)); set += 1
                if rng.below(4) == 0 {
                    batch += RESPWriter.encode(command: ["MULTI"]) + RESPWriter.encode(command: ["INCR", "\(p):a"])
                        + RESPWriter.encode(command: ["INCR", "\(p):b"]) + RESPWriter.encode(command: ["EXEC"])
                    expect += [.ok, .queued, .queued, .exec]
                }
            }
            ledger.update(w) { $0.sentPush = push - 1; $0.sentSet = set - 1 }
            guard (try? c.send(raw: batch)) != nil else { return }
            for e in expect {
                guard let v = try? c.read() else { return }
                var problem: String?
                switch e {
                case .incr:
                    if let n = v.integerValue { ledger.update(w) { $0.ackedIncr = n } } else { problem = "INCR replied \(v)" }
                case .push(let element):
                    // RPUSH replies with the new length: the list is 1...element.
                    if v.integerValue == Int64(element) { ledger.update(w) { $0.ackedPush = element } } else { problem = "RPUSH \(element) replied \(v)" }
                case .set(let value):
                    if v.text == "OK" { ledger.update(w) { $0.ackedSet = value } } else { problem = "SET replied \(v)" }
                case .ok, .queued:
                    if v.isError { problem = "MULTI/INCR replied \(v)" }
                case .exec:
                    let pair = v.elements?.compactMap(\.integerValue) ?? []
                    if pair.count == 2 && pair[0] == pair[1] { ledger.update(w) { $0.ackedPair = pair[0] } } else { problem = "EXEC replied \(v)" }
                }
                if let problem {
                    ledger.update(w) { $0.problem = problem }
                    return
                }
                ledger.acked.add(1, ordering: .relaxed)
            }
        }
    }

    /// Four writers pipeline on their own connections; the node is killed -9 once a random number
    /// of replies has been read, restarted from its AOF, and checked: every acknowledged write is
    /// there (counters at least the last acked value, lists exactly 1...n with n at least the last
    /// acked element, transactions whole). Four rounds, each continuing from what was recovered.
    @Test func aofAcknowledgedWritesSurviveKill9() throws {
        var g = SplitMix64(seed: CrashSeed.make("aofAcknowledgedWritesSurviveKill9"))
        let server = try ServerProcess.miniredis(["--appendonly", "yes", "--appendfsync", "always"])
        let writers = 4
        var firstPush = Array(repeating: 1, count: writers)
        var firstSet = Array(repeating: 1, count: writers)
        for round in 1...4 {
            let ledger = Ledger(writers: writers)
            for w in 0..<writers {
                let (port, push, set, seed) = (server.port, firstPush[w], firstSet[w], g.next())
                Thread { Self.writer(port: port, index: w, firstPush: push, firstSet: set, seed: seed, ledger: ledger) }.start()
            }
            let killAt = g.between(200, 6000)
            try Wait.until(timeoutSeconds: 60, "the writers have \(killAt) replies") {
                ledger.acked.load(ordering: .relaxed) >= killAt || ledger.finished.load(ordering: .sequentiallyConsistent) == writers
            }
            server.kill()
            try Wait.until(timeoutSeconds: 60, "the writers notice the kill") { ledger.finished.load(ordering: .sequentiallyConsistent) == writers }
            try server.restart()
            let c = try server.connect()
            let entries = ledger.snapshot
            print("aof round \(round): killed after \(ledger.acked.load(ordering: .relaxed)) acknowledged replies")
            for (w, e) in entries.enumerated() {
                #expect(e.problem == nil, "writer \(w): \(e.problem ?? "")")
                let n = Int64(try c.call("GET", "w\(w):n").text ?? "0") ?? -1
                #expect(n >= e.ackedIncr, "round \(round) writer \(w): counter \(n) < acknowledged \(e.ackedIncr)")
                let list = try c.call("LRANGE", "w\(w):l", "0", "-1").elements?.compactMap { $0.text.flatMap { Int($0) } } ?? []
                #expect(list.elementsEqual(1...max(list.count, 1)) || list.isEmpty, "round \(round) writer \(w): the list is not 1...n in order")
                #expect(list.count >= e.ackedPush && list.count <= max(e.sentPush, firstPush[w] - 1),
                        "round \(round) writer \(w): list has \(list.count) elements, acknowledged \(e.ackedPush), sent \(e.sentPush)")
                let s = Int(try c.call("GET", "w\(w):s").text ?? "0") ?? -1
                #expect(s >= e.ackedSet && s <= max(e.sentSet, firstSet[w] - 1), "round \(round) writer \(w): value \(s), acknowledged \(e.ackedSet)")
                let a = Int64(try c.call("GET", "w\(w):a").text ?? "0") ?? -1
                let b = Int64(try c.call("GET", "w\(w):b").text ?? "0") ?? -1
                #expect(a == b, "round \(round) writer \(w): a transaction was applied in part (\(a) vs \(b))")
                #expect(a >= e.ackedPair, "round \(round) writer \(w): transaction counter \(a) < acknowledged \(e.ackedPair)")
                firstPush[w] = list.count + 1
                firstSet[w] = s + 1
            }
        }
    }

    /// A reply sent from a writable event must not overtake the AOF. The node's output to client
    /// A is blocked (a large GET it has not read); while another client keeps the node busy, A
    /// reads and sends INCR, so A is readable and writable in the same loop turn; client B's
    /// DEBUG SLEEP then holds the turn open. A gets its ":1" during B's sleep; the node is killed
    /// then: the INCR must be in the AOF. (This lost the acknowledged INCR before the fix in
    /// Server.writeToClient.) Arranging it depends on socket buffer sizes, so the size is
    /// calibrated and a few attempts are made; the test says when it could not arrange it.
    @Test func replyFromAWritableEventWaitsForTheAOF() throws {
        let server = try ServerProcess.miniredis(["--appendonly", "yes", "--appendfsync", "always", "--enable-debug-command", "yes"])
        func omem(_ name: String) throws -> Int? {
            let list = try server.connect().call("CLIENT", "LIST").text ?? ""
            guard let line = list.split(separator: "\n").first(where: { $0.contains(" name=\(name) ") }),
                  let field = line.split(separator: " ").first(where: { $0.hasPrefix("omem=") }) else { return nil }
            return Int(field.dropFirst(5))
        }
        /// Sends GET big on a fresh connection named `name` and waits until the node's output to
        /// it is blocked and stable; returns the connection and the pending bytes.
        func blockedReader(_ name: String) throws -> (RedisConnection, Int) {
            let a = try server.connect()
            #expect(try a.call("CLIENT", "SETNAME", name) == .simpleString(Array("OK".utf8)))
            try a.send(["GET", "big"])
            var last = -1, pending = 0
            try Wait.until(timeoutSeconds: 20, "the output to \(name) is blocked") {
                let now = try omem(name) ?? 0
                defer { last = now }
                pending = now
                return now > 0 && now == last
            }
            return (a, pending)
        }
        let ctl = try server.connect()
        let probeSize = 16 << 20
        try ctl.call("SET", "big", String(repeating: "x", count: probeSize))
        let (probe, probePending) = try blockedReader("probe")
        let inFlight = probeSize - probePending
        _ = probe
        var arranged = false
        for (attempt, factor) in [1.5, 1.3, 1.7].enumerated() {
            let size = Int(Double(inFlight) * factor)
            try server.connect().call("SET", "big", String(repeating: "x", count: size))
            try server.connect().call("DEL", "counter")
            let b = try server.connect()
            #expect(try b.call("PING") == .simpleString(Array("PONG".utf8)))
            let (a, _) = try blockedReader("a\(attempt)")
            let busy = try server.connect()
            try busy.send(["DEBUG", "SLEEP", "1"])
            // Wait until the node is inside the sleep: a PING goes unanswered.
            try Wait.until(timeoutSeconds: 10, "the node is busy") {
                let p = try server.connect()
                try p.send(["PING"])
                return !RawSocket.readable(p.fd, timeoutMs: 100)
            }
            _ = RawSocket.drain(a.fd)
            try a.send(["INCR", "counter"])
            try b.send(["DEBUG", "SLEEP", "3"])
            var received: [UInt8] = []
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline && !(received.count >= 4 && Array(received.suffix(4)) == Array(":1\r\n".utf8)) {
                if RawSocket.readable(a.fd, timeoutMs: 100), let more = RawSocket.drain(a.fd) { received += more }
            }
            let acked = received.count >= 4 && Array(received.suffix(4)) == Array(":1\r\n".utf8)
            let duringSleep = acked && !RawSocket.readable(b.fd, timeoutMs: 0)
            server.kill()
            try server.restart()
            if duringSleep {
                arranged = true
                #expect(try server.connect().call("GET", "counter") == .bulk("1"), "an INCR acknowledged from a writable event was lost by kill -9")
                break
            }
            print("replyFromAWritableEventWaitsForTheAOF: attempt \(attempt) not arranged (acked \(acked)), retrying")
        }
        if !arranged { print("replyFromAWritableEventWaitsForTheAOF: could not arrange the interleaving on this machine; nothing checked") }
    }
}
