import Testing
@testable import SentinelCore

@Suite struct DeterminismTests {
    /// A seed replays exactly: same events, same times, same order.
    @Test func sameSeedGivesTheSameRun() {
        func trace(_ seed: UInt64) -> [String] {
            let c = Cluster(seed: seed)
            FaultPlan.schedule(c, startMs: 5_000, endMs: 25_000)
            c.run(untilMs: 40_000)
            return c.published.map { "\($0.timeMs) s\($0.sentinel) \($0.channel) \($0.message)" }
        }
        let a = trace(77), b = trace(77)
        #expect(!a.isEmpty)
        #expect(a == b)
        #expect(a != trace(78))
    }

    /// The machine alone: same seed and events, same actions.
    @Test func machineIsAPureFunctionOfSeedAndEvents() {
        func run() -> [String] {
            var s = Sentinel(config: SentinelFixtures.config(), seed: 9, now: 0)
            var out: [String] = []
            for t in stride(from: Int64(0), to: 5_000, by: 100) {
                out += s.handle(.tick(wallClockMs: 1_000_000 + t), now: t).map(\.description)
            }
            return out
        }
        let actions = run()
        #expect(actions == run())
        // And the same as recorded (Golden/determinism-actions.txt): a refactoring keeps it.
        let text = actions.joined(separator: "\n") + "\n"
        if GoldenTraces.rewriting {
            GoldenTraces.write("determinism-actions.txt", text)
        } else {
            #expect(GoldenTraces.read("determinism-actions.txt") == text)
        }
    }
}
