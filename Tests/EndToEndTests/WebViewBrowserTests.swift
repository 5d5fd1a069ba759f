import Foundation
import Testing
import TestSupport

/// The web view in a real browser (Debian's headless chromium) across a failover: the page,
/// left open on one sentinel, shows the new master soon after the switch, driven by the event
/// stream. The page logs the first time it rendered each master address (read back from its
/// DOM) to the console, which chromium writes to stderr as it happens; a fresh --dump-dom then
/// checks the DOM itself, and a screenshot is kept.
@Suite struct WebViewBrowserTests {
    static let artifacts = SentinelServerTests.root.appendingPathComponent(".build/test-artifacts/WebViewBrowserTests")

    /// "sentinel-view: rendered mymaster at 127.0.0.1:6380 first at 1700000000000" → the time.
    static func firstRendered(_ lines: [String], address: String) -> Int64? {
        let prefix = "sentinel-view: rendered mymaster at \(address) first at "
        return lines.first { $0.hasPrefix(prefix) }.flatMap { Int64($0.dropFirst(prefix.count)) }
    }

    @Test func pageShowsTheNewMasterSoonAfterTheSwitch() throws {
        guard let browser = try Chromium.require() else { return }
        guard let fleet = try FailoverFleet(nodes: .miniredis, sentinels: [.ours, .ours, .ours], downAfterMs: 1000) else { return }
        try fleet.waitDiscovery()
        let http = fleet.metricsPorts[0]
        let url = "http://127.0.0.1:\(http)/"
        let oldAddress = "127.0.0.1:\(fleet.master.port)"

        let page = try Chromium(executable: browser, url: url)
        defer { page.stop() }
        try Wait.until(timeoutSeconds: 90, "the page renders the master and opens its stream\n\(page.log)") {
            Self.firstRendered(page.consoleLines, address: oldAddress) != nil && page.consoleLines.contains("sentinel-view: stream open")
        }

        fleet.master.kill()
        let newPort = try fleet.waitNewMaster(other: fleet.master.port)
        let newAddress = "127.0.0.1:\(newPort)"
        var renderedAt: Int64?
        try Wait.until(timeoutSeconds: 30, "the open page renders the new master \(newAddress)\n\(page.consoleLines.joined(separator: "\n"))") {
            renderedAt = Self.firstRendered(page.consoleLines, address: newAddress)
            return renderedAt != nil
        }
        // The switch as this sentinel published it (wall clock, same host as the browser).
        let state = try RawHTTP.request(port: http, path: "/api/state")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(state.body.utf8)) as? [String: Any])
        let events = try #require(json["events"] as? [[String: Any]])
        let switched = try #require((events.first { ($0["channel"] as? String) == "+switch-master" }?["time"] as? NSNumber)?.int64Value,
                                    "no +switch-master in \(events)")
        let delayMs = try #require(renderedAt) - switched
        print("web view: +switch-master at \(switched), page showed \(newAddress) at \(renderedAt!): \(delayMs) ms later")
        #expect(delayMs >= 0 && delayMs < 2000, "the page showed the new master \(delayMs) ms after the switch")
        // No script error, no request the page's Content-Security-Policy refused, no failed fetch.
        let console = page.consoleLines
        #expect(!console.contains { $0.contains("Uncaught") || $0.contains("Refused to") || $0.contains("unreachable") },
                "\(console.joined(separator: "\n"))")

        // The DOM itself, as a fresh page renders it.
        let dom = try Chromium.run(browser, ["--dump-dom"], url: url)
        #expect(dom.contains("data-role=\"master-address\">\(newAddress)<"), "\(dom.prefix(3000))")
        #expect(dom.contains("data-channel=\"+switch-master\""))

        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        let shot = Self.artifacts.appendingPathComponent("failover.png")
        try? FileManager.default.removeItem(at: shot)
        _ = try Chromium.run(browser, ["--screenshot=\(shot.path)", "--window-size=1280,900", "--hide-scrollbars"], url: url)
        #expect(FileManager.default.fileExists(atPath: shot.path))
        print("web view screenshot: \(shot.path)")
    }
}
