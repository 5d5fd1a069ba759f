import RESP
/// SENTINEL CONFIG GET pattern [pattern ...] / SET param value [param value ...] for the global
/// parameters, as Redis 7.2's sentinelConfigGetCommand/sentinelConfigSetCommand.
extension Sentinel {
    static let configParameters = [
        "resolve-hostnames", "announce-hostnames", "announce-ip", "announce-port",
        "sentinel-user", "sentinel-pass", "loglevel",
    ]

    func configValue(_ name: String) -> String {
        switch name {
        case "resolve-hostnames": return resolveHostnames ? "yes" : "no"
        case "announce-hostnames": return announceHostnames ? "yes" : "no"
        case "announce-ip": return announceIP ?? ""
        case "announce-port": return String(announcePort ?? 0)
        case "sentinel-user": return sentinelUser ?? ""
        case "sentinel-pass": return sentinelPass ?? ""
        case "loglevel": return logLevel.description
        default: return ""
        }
    }

    /// `args` follow CONFIG: GET with one or more patterns, SET with parameter/value pairs (Redis
    /// 7.2; 7.0 took exactly one of each). The subcommand table already required two words.
    mutating func configCommand(_ args: [String], now: MonotonicMs) -> RESPValue {
        let sub = args[0].lowercased()
        if sub == "get" && args.count >= 2 { return configGet(Array(args.dropFirst())) }
        if sub == "set" && args.count >= 3 { return configSet(Array(args.dropFirst())) }
        return .err("ERR Only SENTINEL CONFIG GET <param> [<param> <param> ...]/ SET <param> <value> [<param> <value> ...] are supported.")
    }

    /// Every parameter some pattern matches, once: the patterns in their order, and for each the
    /// parameters it adds in the table's order.
    func configGet(_ patterns: [String]) -> RESPValue {
        var seen = Set<String>()
        var pairs: [(RESPValue, RESPValue)] = []
        for pattern in patterns {
            for name in Self.configParameters where !seen.contains(name) && Glob.match(pattern, name, caseInsensitive: true) {
                seen.insert(name)
                pairs.append((.bulk(name), .bulk(configValue(name))))
            }
        }
        return .map(pairs)
    }

    /// All pairs are checked first, in order, with Redis's errors (unknown parameter, one named
    /// twice, one without a value, a bad value); then all are applied and the state persisted.
    mutating func configSet(_ args: [String]) -> RESPValue {
        var named = Set<String>()
        var copy = self
        var i = 0
        while i < args.count {
            let option = args[i]
            let name = option.lowercased()
            guard Self.configParameters.contains(name) else { return .err("ERR Invalid argument '\(option)' to SENTINEL CONFIG SET") }
            guard named.insert(name).inserted else { return .err("ERR Duplicate argument '\(option)' to SENTINEL CONFIG SET") }
            guard i + 1 < args.count else { return .err("ERR Missing argument '\(option)' value") }
            if !copy.setConfig(name, args[i + 1]) {
                return .err("ERR Invalid value '\(args[i + 1])' to SENTINEL CONFIG SET '\(option)'")
            }
            i += 2
        }
        let sentinelAuthChanged = named.contains("sentinel-user") || named.contains("sentinel-pass")
        (resolveHostnames, announceHostnames, announceIP, announcePort, sentinelUser, sentinelPass, logLevel) =
            (copy.resolveHostnames, copy.announceHostnames, copy.announceIP, copy.announcePort,
             copy.sentinelUser, copy.sentinelPass, copy.logLevel)
        if sentinelAuthChanged {
            // Redis drops every sentinel link after setting either one, changed or not, so the
            // peers are met again with the new credentials.
            for m in masters.indices {
                for p in paths(of: m) where p.isSentinel { closeLink(p, .command) }
            }
        }
        needsPersist = true
        return .ok
    }

    /// Applies one parameter (its name known and lowercased); false for a value Redis refuses.
    mutating func setConfig(_ name: String, _ value: String) -> Bool {
        func yesNo() -> Bool? { value.lowercased() == "yes" ? true : value.lowercased() == "no" ? false : nil }
        switch name {
        case "resolve-hostnames": guard let b = yesNo() else { return false }; resolveHostnames = b
        case "announce-hostnames": guard let b = yesNo() else { return false }; announceHostnames = b
        case "announce-ip":
            // Redis takes any text; a space, comma or newline would break the hello messages we
            // publish (comma-separated fields), so those are refused.
            guard !value.contains(where: { $0 == " " || $0 == "," || $0.isNewline }) else { return false }
            announceIP = value.isEmpty ? nil : value
        case "announce-port":
            guard let p = Int64(strict: value), (0...65535).contains(p) else { return false }
            announcePort = p == 0 ? nil : Int(p)
        case "sentinel-user": sentinelUser = value.isEmpty ? nil : value
        case "sentinel-pass": sentinelPass = value.isEmpty ? nil : value
        case "loglevel":
            guard let level = SentinelConfigParser.logLevel(value) else { return false }
            logLevel = level
        default:
            return false
        }
        return true
    }
}
