import Foundation
import Testing
import TestSupport

/// docs/grafana-sentinel.json is valid JSON, takes its Prometheus datasource from a variable,
/// and queries only metrics the sentinel exports (the families a live /metrics declares).
@Suite struct GrafanaDashboardTests {
    static let dashboard = SentinelServerTests.root.appendingPathComponent("docs/grafana-sentinel.json")

    /// Every string under a key named `expr`, `query` or `definition`, at any depth.
    static func queries(_ v: Any) -> [String] {
        if let d = v as? [String: Any] {
            return d.flatMap { k, v -> [String] in
                if ["expr", "query", "definition"].contains(k), let s = v as? String { return [s] }
                return queries(v)
            }
        }
        if let a = v as? [Any] { return a.flatMap(queries) }
        return []
    }

    static func metricNames(in query: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: "\\bsentinel_[a-z_]+")
        let ns = query as NSString
        return Set(regex.matches(in: query, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) })
    }

    @Test func dashboardQueriesOnlyExportedMetrics() throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.dashboard))
        let root = try #require(json as? [String: Any])
        let variables = try #require((root["templating"] as? [String: Any])?["list"] as? [[String: Any]])
        #expect(variables.contains { $0["type"] as? String == "datasource" && $0["query"] as? String == "prometheus" && $0["name"] as? String == "datasource" })
        let panels = try #require(root["panels"] as? [[String: Any]])
        for p in panels where p["type"] as? String != "row" {
            #expect((p["datasource"] as? [String: Any])?["uid"] as? String == "${datasource}", "panel \(p["title"] ?? "?") has a fixed datasource")
        }
        let used = Self.queries(root).reduce(into: Set<String>()) { $0.formUnion(Self.metricNames(in: $1)) }
        #expect(used.count >= 20)

        let master = try ServerProcess.miniredis()
        let httpPort = TestPorts.next()
        let s = try SentinelServerTests.startSentinel(config: """
            bind 127.0.0.1
            metrics-port \(httpPort)
            sentinel monitor mymaster 127.0.0.1 \(master.port) 1

            """)
        let body = try RawHTTP.request(port: httpPort, path: "/metrics").body
        let exported = Set(body.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) })
        #expect(exported.isSuperset(of: ["sentinel_master_status", "sentinel_master_failovers_total", "sentinel_tilt"]))
        let missing = used.subtracting(exported)
        #expect(missing.isEmpty, "the dashboard queries metrics the sentinel does not export: \(missing.sorted())")
        _ = s
    }
}
