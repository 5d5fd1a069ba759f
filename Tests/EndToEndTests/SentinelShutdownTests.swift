import Foundation
import Testing
import TestSupport

/// SHUTDOWN's arguments, side by side with redis-sentinel: a typo, ABORT with nothing to abort or
/// an illegal combination is answered with Redis's error and the sentinel keeps running; only a
/// valid form stops it.
@Suite struct SentinelShutdownTests {
    static let refused: [[String]] = [["ABORT"], ["typo"], ["NOSAVE", "SAVE"], ["ABORT", "NOW"], ["NOW", "ABORT"], ["SAVE", "ABORT"], ["FORCE", "bogus"]]

    @Test(arguments: [FailoverFleet.SentinelKind.ours, .redis])
    func badShutdownFormsAreRefusedAndTheSentinelKeepsRunning(kind: FailoverFleet.SentinelKind) throws {
        guard let sentinel = try FailoverFleet.startSentinel(kind, masterPort: TestPorts.next(), downAfterMs: 5000, quorum: 1) else { return }
        var replies: [String] = []
        for args in Self.refused {
            let c = try sentinel.connect()
            let reply = try c.raw(["SHUTDOWN"] + args)
            replies.append(reply)
            #expect(try c.call("PING").text == "PONG", "\(kind): SHUTDOWN \(args) stopped the sentinel")
        }
        #expect(replies == ["-ERR No shutdown in progress.\r\n"] + Array(repeating: "-ERR syntax error\r\n", count: Self.refused.count - 1),
                "\(kind): \(replies)")
        // A valid form stops it.
        let c = try sentinel.connect()
        try c.send(["SHUTDOWN", "SAVE", "SAVE", "NOW"])
        try Wait.until(timeoutSeconds: 30, "\(kind) exits after SHUTDOWN SAVE SAVE NOW") { !sentinel.process.isRunning }
    }
}
