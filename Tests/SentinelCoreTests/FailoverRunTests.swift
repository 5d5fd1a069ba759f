import Testing
@testable import SentinelCore

/// FailoverRun's transition table: every legal step is accepted with the right bookkeeping, and an
/// illegal one stops the process.
@Suite struct FailoverRunTests {
    static let promoted = Address(host: "10.0.0.2", port: 6379)

    @Test func aRunWalksThePhasesInOrder() {
        var run = FailoverRun(epoch: 7, forced: false, electionStartMs: 150, now: 100)
        #expect(run.phase.name == "wait_start" && run.phaseSinceMs == 100 && run.electedAtMs == nil)
        run.advance(to: .waitStart(electionStartMs: 400), now: 300)
        #expect(run.phaseSinceMs == 100, "staying in a phase keeps its start")
        run.advance(to: .selectSlave(freshInfo: nil), now: 500)
        #expect(run.electedAtMs == 500 && run.phaseSinceMs == 500)
        run.advance(to: .selectSlave(freshInfo: .init(requestedMs: 600, firstSeq: 3)), now: 600)
        #expect(run.freshInfo?.firstSeq == 3 && run.phaseSinceMs == 500)
        run.advance(to: .sendSlaveofNoOne(promoted: Self.promoted, switchover: nil), now: 700)
        #expect(run.promoted == Self.promoted && !run.promotionConfirmed)
        run.advance(to: .waitPromotion(promoted: Self.promoted, switchover: nil), now: 800)
        run.advance(to: .reconfSlaves(promoted: Self.promoted), now: 900)
        #expect(run.promotionConfirmed && run.phase.name == "reconf_slaves" && run.phaseSinceMs == 900)
        run.advance(to: .updateConfig(promoted: Self.promoted), now: 1_000)
        #expect(run.phase.name == "update_config" && run.epoch == 7 && run.electedAtMs == 500)
    }

    @Test func theGateUsesTheFailoverTimeoutOfTheMoment() {
        #expect(NextFailoverGate.twoTimeoutsAfter(attemptMs: 1_000).earliestStartMs(failoverTimeoutMs: 500) == 2_000)
        #expect(NextFailoverGate.notBefore(1_234).earliestStartMs(failoverTimeoutMs: 500) == 1_234)
    }

    @Test func skippingAPhaseTraps() async {
        await #expect(processExitsWith: .failure) {
            var run = FailoverRun(epoch: 1, forced: false, electionStartMs: 0, now: 0)
            run.advance(to: .sendSlaveofNoOne(promoted: Address(host: "h", port: 1), switchover: nil), now: 1)
        }
    }

    @Test func goingBackTraps() async {
        await #expect(processExitsWith: .failure) {
            var run = FailoverRun(epoch: 1, forced: false, electionStartMs: 0, now: 0)
            run.advance(to: .selectSlave(freshInfo: nil), now: 1)
            run.advance(to: .waitStart(electionStartMs: 2), now: 2)
        }
    }
}
