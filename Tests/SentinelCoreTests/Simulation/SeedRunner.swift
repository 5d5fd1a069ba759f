@testable import SentinelCore

/// Runs one seed: a calm start, a fault phase, then a liveness phase that must converge.
enum SeedRunner {
    /// Faults stop at this simulated time.
    static let faultEndMs: Int64 = 40_000
    /// Liveness bound: after faults stop, every sentinel must agree on one master and every replica
    /// must follow it within this time (see docs/simulation.md for why this value).
    static let livenessBoundMs: Int64 = 90_000

    struct Outcome {
        var seed: UInt64
        var convergedAfterMs: Int64?
        var violations: [String]
        var report: String
        var elections: Int
        /// Everything the sentinels published, one line each: `time s<sentinel> <channel> <message>`.
        var trace: [String]
        var failed: Bool { convergedAfterMs == nil || !violations.isEmpty }
    }

    /// The deployment varies with the seed: 3 or 5 sentinels, 2 to 4 data nodes, quorum from 1 to a
    /// majority, down-after 1 or 3 s, at most one replica with priority 0.
    static func options(seed: UInt64) -> SimOptions {
        var r = SplitMix64(seed: seed ^ 0x5EED_0F_C1A5_7E12)
        var o = SimOptions()
        o.sentinels = r.below(3) == 0 ? 5 : 3
        o.dataNodes = 2 + Int(r.below(3))
        o.quorum = 1 + Int(r.below(Int64(o.sentinels / 2 + 1)))
        o.downAfterMs = r.below(4) == 0 ? 3_000 : 1_000
        o.priorities = (0..<o.dataNodes).map { _ in [100, 100, 50, 10][Int(r.below(4))] }
        if o.dataNodes > 2 && r.below(3) == 0 { o.priorities[Int(r.below(Int64(o.dataNodes)))] = 0 }
        return o
    }

    /// The same shapes with write fencing on every data node: a lease of half down-after that a
    /// majority of the sentinels must hold.
    static func fencedOptions(seed: UInt64) -> SimOptions {
        var o = options(seed: seed)
        o.dataNodes = max(o.dataNodes, 3)
        while o.priorities.count < o.dataNodes { o.priorities.append(100) }
        o.fencingLeaseMs = o.downAfterMs / 2
        o.fencingQuorum = o.sentinels / 2 + 1
        return o
    }

    /// `defaultShape` replays seeds found before the shape varied with the seed (3 + 3, quorum 2).
    static func run(seed: UInt64, defaultShape: Bool = false, fenced: Bool = false) -> Outcome {
        let c = Cluster(seed: seed, options: fenced ? fencedOptions(seed: seed) : defaultShape ? SimOptions() : options(seed: seed))
        FaultPlan.schedule(c, startMs: 5_000, endMs: faultEndMs)
        c.run(untilMs: faultEndMs, until: { !$0.checker.violations.isEmpty })
        var converged: Int64?
        if c.checker.violations.isEmpty {
            c.run(untilMs: faultEndMs + livenessBoundMs, until: { $0.converged() || !$0.checker.violations.isEmpty })
            if c.converged() { converged = c.now - faultEndMs }
        }
        let shape = "\(c.options.sentinels) sentinels, \(c.options.dataNodes) data nodes, quorum \(c.options.quorum), "
            + (fenced ? "fencing lease \(c.options.fencingLeaseMs) ms quorum \(c.options.fencingQuorum), " : "")
            + "down-after \(c.options.downAfterMs) ms, priorities \(c.options.priorities)"
        let headline = c.checker.violations.first.map { "\($0) [\(shape)]" }
            ?? (converged == nil ? "no convergence within \(livenessBoundMs) ms after faults stopped; views \(c.announcedMasters()), nodes \(c.nodes.map { "\($0.address) alive=\($0.alive) role=\($0.role) up=\($0.linkUp)" }) [\(shape)]" : "ok")
        return Outcome(seed: seed, convergedAfterMs: converged, violations: c.checker.violations,
                       report: c.report(headline), elections: c.checker.elections,
                       trace: c.published.map { "\($0.timeMs) s\($0.sentinel) \($0.channel) \($0.message)" })
    }
}
