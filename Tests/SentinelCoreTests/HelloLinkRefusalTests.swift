import Testing
@testable import SentinelCore
@testable import RESP

/// 03-runtime-reconf of Redis's tests/sentinel: a sentinel without the master's new password must
/// show the master as disconnected. redis-sentinel's client library drops the hello connection
/// when SUBSCRIBE is refused; ours closes it too, and reopens it at the paced reconnect.
@Suite struct HelloLinkRefusalTests {
    func flags(_ s: FakeShell) -> String {
        let out = s.machine.handle(.clientCommand(ClientID(1), args: ["SENTINEL", "MASTER", "mymaster"].map { Array($0.utf8) }), now: s.now)
        for case .reply(_, let value) in out {
            let pairs = value.pairs ?? []
            return pairs.first { $0.0.text == "flags" }?.1.text ?? ""
        }
        return ""
    }

    func pubsubConnects(_ s: FakeShell) -> Int {
        s.log.filter { if case .connect(let l) = $0 { l.kind == .pubsub && l.address == s.master } else { false } }.count
    }

    @Test func refusedSubscribeShowsTheMasterDisconnectedUntilItIsAccepted() {
        let s = FreshOffsetTests().shell()
        s.refuseSubscribe = [s.master]
        s.tick(for: 3_000)
        #expect(flags(s).contains("disconnected"), "\(flags(s))")
        // Closed at each refusal, reopened once per ping period (1 s), not at every tick.
        let attempts = pubsubConnects(s)
        #expect((2...4).contains(attempts), "\(attempts) hello connections in 3 s")
        s.refuseSubscribe = []
        s.tick(for: 1_500)
        #expect(flags(s) == "master", "\(flags(s))")
    }
}
