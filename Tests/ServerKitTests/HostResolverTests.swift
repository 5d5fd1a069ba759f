import Foundation
import Glibc
import Testing
import Runtime

/// Host names resolved off the loop: a lookup never waits for the resolver, literals answer at
/// once, answers are cached, failures retried after their TTL.
@Suite struct HostResolverTests {
    @Test func aSlowResolverNeverBlocksTheCaller() throws {
        let r = HostResolver(failureTTLMs: 50, resolve: { host in
            usleep(300_000)  // a DNS server that takes 300 ms
            return host == "good.example" ? "10.1.2.3" : nil
        })
        #expect(r.lookup("127.0.0.1") == .address("127.0.0.1"))
        #expect(r.lookup("::1") == .address("::1"))
        let start = EventLoop.monotonicMs()
        #expect(r.lookup("good.example") == .pending)
        #expect(r.lookup("bad.example") == .pending)
        #expect(EventLoop.monotonicMs() - start < 100, "lookups waited for the resolver")
        try waitFor { r.lookup("good.example") == .address("10.1.2.3") }
        try waitFor { r.lookup("bad.example") == .failed }
    }

    @Test func theRealResolverFindsLocalhost() throws {
        let r = HostResolver()
        try waitFor { if case .address = r.lookup("localhost") { return true } else { return false } }
    }

    func waitFor(_ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if condition() { return }
            usleep(10_000)
        }
        Issue.record("condition not met within 20 s")
    }
}
