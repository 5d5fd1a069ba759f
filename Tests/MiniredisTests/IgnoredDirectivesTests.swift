import Testing
@testable import miniredis

/// Each directive miniredis accepts without acting on it has its reason (or is a listed encoding
/// hint), so none falls through to a bare "not implemented".
@Suite struct IgnoredDirectivesTests {
    @Test func everyIgnoredDirectiveHasAReason() {
        let missing = ConfigTable.ignoredDefaults.keys.filter { IgnoredDirectives.reasons[$0] == nil }.sorted()
        #expect(missing.isEmpty, "no reason for \(missing)")
        let stale = IgnoredDirectives.reasons.keys.filter { ConfigTable.ignoredDefaults[$0] == nil }.sorted()
        #expect(stale.isEmpty, "reasons for directives that are no longer ignored: \(stale)")
    }

    @Test func onlyNonDefaultValuesWarnAndHintsNever() {
        var values = ConfigTable.ignoredDefaults
        #expect(IgnoredDirectives.warnings(values).isEmpty)
        values["maxmemory-clients"] = "100mb"
        values["set-max-intset-entries"] = "64"
        values["activerehashing"] = "NO"
        #expect(IgnoredDirectives.warnings(values) == [
            "WARNING: 'activerehashing NO' has no effect in miniredis: a tuning knob of redis-server's internals, which miniredis does not share.",
            "WARNING: 'maxmemory-clients 100mb' has no effect in miniredis: clients are never closed to free memory; only keys are evicted.",
        ])
    }
}
