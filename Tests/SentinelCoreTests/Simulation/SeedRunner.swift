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
        var failed: Bool { convergedAfterMs == nil || !violations.isEmpty }
    }

    static func run(seed: UInt64) -> Outcome {
        let c = Cluster(seed: seed)
        FaultPlan.schedule(c, startMs: 5_000, endMs: faultEndMs)
        c.run(untilMs: faultEndMs, until: { !$0.checker.violations.isEmpty })
        var converged: Int64?
        if c.checker.violations.isEmpty {
            c.run(untilMs: faultEndMs + livenessBoundMs, until: { $0.converged() || !$0.checker.violations.isEmpty })
            if c.converged() { converged = c.now - faultEndMs }
        }
        let headline = c.checker.violations.first
            ?? (converged == nil ? "no convergence within \(livenessBoundMs) ms after faults stopped; views \(c.announcedMasters()), nodes \(c.nodes.map { "\($0.address) alive=\($0.alive) role=\($0.role) up=\($0.linkUp)" })" : "ok")
        return Outcome(seed: seed, convergedAfterMs: converged, violations: c.checker.violations,
                       report: c.report(headline), elections: c.checker.elections)
    }
}
