@testable import SentinelCore

/// Random faults drawn from the cluster's seed: crashes and restarts of data nodes and sentinels,
/// partitions of any shape, clock jumps, changing delay, resets and duplication. After `endMs` the
/// faults stop: partitions heal, everything restarts, the network is calm.
enum FaultPlan {
    static func schedule(_ cluster: Cluster, startMs: Int64, endMs: Int64) {
        var t = startMs
        while t < endMs {
            t += 500 + cluster.rng.below(4_000)
            guard t < endMs else { break }
            let duration = 500 + cluster.rng.below(8_000)
            let kind = cluster.rng.below(10)
            let seedForFault = cluster.rng.next()
            cluster.at(t) { c in inject(c, kind: kind, duration: duration, seed: seedForFault) }
        }
        cluster.at(endMs) { c in
            c.healAll()
            c.options.minDelayMs = 1
            c.options.maxDelayMs = 5
            c.options.resetProbability = 0
            c.options.duplicateProbability = 0
            for i in c.nodes.indices { c.restartNode(i, keepData: true) }
            for j in c.sentinels.indices where !c.sentinels[j].alive { c.startSentinel(j) }
            c.remember("[\(c.now)] FAULTS END")
        }
    }

    static func inject(_ c: Cluster, kind: Int64, duration: Int64, seed: UInt64) {
        var r = SplitMix64(seed: seed)
        switch kind {
        case 0, 1:
            // Crash the node the sentinels believe is master, most of the time.
            let target = c.announcedMasters().first.flatMap { c.host(at: $0) } ?? Int(r.below(Int64(c.nodes.count)))
            let i = r.below(3) == 0 ? Int(r.below(Int64(c.nodes.count))) : target
            guard i < c.nodes.count else { return }
            c.remember("[\(c.now)] FAULT crash node \(i) for \(duration) ms")
            c.crashNode(i)
            // With fencing, nodes persist every acknowledged write (appendfsync always).
            let keep = r.below(2) == 0 || c.options.fencingQuorum > 0
            c.at(c.now + duration) { $0.restartNode(i, keepData: keep) }
        case 2:
            let j = Int(r.below(Int64(c.sentinels.count)))
            c.remember("[\(c.now)] FAULT crash sentinel \(j) for \(duration) ms")
            c.crashSentinel(j)
            c.at(c.now + duration) { cl in if !cl.sentinels[j].alive { cl.startSentinel(j) } }
        case 3, 4:
            // A random two-sided partition.
            var side = Set<Int>()
            for h in 0..<c.hostCount where r.below(2) == 0 { side.insert(h) }
            c.remember("[\(c.now)] FAULT partition \(side.sorted()) for \(duration) ms")
            c.partition(side)
            c.at(c.now + duration) { $0.healAll() }
        case 5:
            // Isolate one host.
            let h = Int(r.below(Int64(c.hostCount)))
            c.remember("[\(c.now)] FAULT isolate host \(h) for \(duration) ms")
            c.partition([h])
            c.at(c.now + duration) { $0.healAll() }
        case 6:
            // Cut single links: partitions that are not a clean split.
            let n = 1 + r.below(4)
            for _ in 0..<n { c.block(Int(r.below(Int64(c.hostCount))), Int(r.below(Int64(c.hostCount)))) }
            c.remember("[\(c.now)] FAULT cut \(n) links for \(duration) ms")
            c.at(c.now + duration) { $0.healAll() }
        case 7:
            let j = Int(r.below(Int64(c.sentinels.count)))
            let jump = r.below(2) == 0 ? -(1_000 + r.below(60_000)) : 3_000 + r.below(60_000)
            c.remember("[\(c.now)] FAULT clock jump of sentinel \(j) by \(jump) ms")
            c.sentinels[j].wallOffsetMs += jump
        case 8:
            c.options.minDelayMs = r.below(20)
            c.options.maxDelayMs = c.options.minDelayMs + r.below(300)
            c.options.resetProbability = r.below(2) == 0 ? 0 : 0.01
            c.options.duplicateProbability = 0.2
            c.remember("[\(c.now)] FAULT delay \(c.options.minDelayMs)-\(c.options.maxDelayMs) ms")
        default:
            c.options.minDelayMs = 1
            c.options.maxDelayMs = 5
            c.options.resetProbability = 0
            c.options.duplicateProbability = 0
        }
    }
}
