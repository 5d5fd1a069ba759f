import RESP
/// SENTINEL CONFIG GET pattern / SET param value [param value ...] for the global parameters.
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

    mutating func configCommand(_ args: [String], now: MonotonicMs) -> RESPValue {
        guard let sub = args.first?.lowercased() else { return .wrongArity("sentinel|config") }
        switch sub {
        case "get":
            guard args.count == 2 else { return .wrongArity("sentinel|config|get") }
            return .map(Self.configParameters.filter { Glob.match(args[1], $0, caseInsensitive: true) }
                .map { (.bulk($0), .bulk(configValue($0))) })
        case "set":
            guard args.count >= 3, args.count % 2 == 1 else { return .wrongArity("sentinel|config|set") }
            var copy = self
            for i in stride(from: 1, to: args.count, by: 2) {
                if let error = copy.setConfig(args[i].lowercased(), args[i + 1]) { return error }
            }
            let sentinelAuthChanged = copy.sentinelUser != sentinelUser || copy.sentinelPass != sentinelPass
            (resolveHostnames, announceHostnames, announceIP, announcePort, sentinelUser, sentinelPass, logLevel) =
                (copy.resolveHostnames, copy.announceHostnames, copy.announceIP, copy.announcePort,
                 copy.sentinelUser, copy.sentinelPass, copy.logLevel)
            if sentinelAuthChanged {
                for m in masters.indices {
                    for p in paths(of: m) where p.isSentinel { closeLink(p, .command) }
                }
            }
            needsPersist = true
            return .ok
        default:
            return .err("ERR Only SENTINEL CONFIG GET <param> / SET <param> <value> are supported.")
        }
    }

    /// Applies one parameter; returns an error reply for a bad name or value.
    mutating func setConfig(_ name: String, _ value: String) -> RESPValue? {
        func yesNo() -> Bool? { value.lowercased() == "yes" ? true : value.lowercased() == "no" ? false : nil }
        let bad = RESPValue.err("ERR Invalid value '\(value)' for SENTINEL CONFIG SET '\(name)'")
        switch name {
        case "resolve-hostnames": guard let b = yesNo() else { return bad }; resolveHostnames = b
        case "announce-hostnames": guard let b = yesNo() else { return bad }; announceHostnames = b
        case "announce-ip":
            guard !value.contains(where: { $0 == " " || $0 == "," || $0.isNewline }) else { return bad }
            announceIP = value.isEmpty ? nil : value
        case "announce-port":
            guard let p = Int(value), (0...65535).contains(p) else { return bad }
            announcePort = p == 0 ? nil : p
        case "sentinel-user": sentinelUser = value.isEmpty ? nil : value
        case "sentinel-pass": sentinelPass = value.isEmpty ? nil : value
        case "loglevel":
            guard let level = SentinelConfigParser.logLevel(value) else { return bad }
            logLevel = level
        default:
            return .err("ERR Invalid argument '\(name)' to SENTINEL CONFIG SET")
        }
        return nil
    }
}
