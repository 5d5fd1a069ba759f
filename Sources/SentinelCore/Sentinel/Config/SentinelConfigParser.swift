import RESP
import Config
/// A sentinel.conf problem: which line (1-based) and why.
public struct SentinelConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
    public var description: String { "sentinel.conf line \(line): \(reason)" }
}

/// Parses the sentinel.conf directives of REFERENCE §2 into the machine's starting state. Pure: the
/// shell reads the file and passes the lines.
public enum SentinelConfigParser {
    /// The parsed sentinel state plus the server directives the shell owns (bind, dir, logfile,
    /// requirepass, ...), in file order, as split arguments.
    public struct Result: Sendable {
        public var config: SentinelConfig
        public var serverDirectives: [(line: Int, args: [String])]
    }

    public static func parse(_ text: String) throws(SentinelConfigError) -> Result {
        try parse(lines: ConfigFile.splitLines(text))
    }

    public static func parse(lines: [String]) throws(SentinelConfigError) -> Result {
        try parse(lines: lines, split: nil)
    }

    /// `split`, when given, holds each line's arguments as `ArgumentSplitter.split` gives them
    /// (the rewriter has them already and parses every file it writes back).
    static func parse(lines: [String], split: [[String]?]?) throws(SentinelConfigError) -> Result {
        var config = SentinelConfig()
        var masterIndex: [String: Int] = [:]
        var server: [(line: Int, args: [String])] = []
        // As redis-sentinel 7.2: `sentinel` lines are applied after the whole file is read, first the
        // global ones a monitor may depend on, then every `monitor`, then the per-master ones, so a
        // file may name a master's options before its `monitor` line (Redis's own test suite
        // starts from such a file).
        // Not in Redis: a monitor by hostname also loads when resolve-hostnames was yes at its
        // place in the file and turned off further down (the rewriter writes a hostname monitor
        // that way after SENTINEL CONFIG SET resolve-hostnames no, so the state loads back).
        var queues: [[(line: Int, args: [String], hostnameAllowed: Bool)]] = [[], [], []]
        var resolveSoFar = false
        for (i, raw) in lines.enumerated() {
            let number = i + 1
            let trimmed = raw.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed == "\r" { continue }
            guard let args = split.map({ $0[i] }) ?? ArgumentSplitter.split(raw) else {
                throw SentinelConfigError(line: number, reason: "Unbalanced quotes in configuration line")
            }
            guard let first = args.first else { continue }
            switch first.lowercased() {
            case "sentinel":
                let rest = Array(args.dropFirst())
                guard let option = rest.first?.lowercased() else {
                    throw SentinelConfigError(line: number, reason: "Missing sentinel directive")
                }
                if option == "resolve-hostnames", rest.count == 2 { resolveSoFar = rest[1].lowercased() == "yes" }
                let queue = option == "monitor" ? 1 : preMonitorOptions.contains(option) ? 0 : 2
                queues[queue].append((number, rest, resolveSoFar))
            case "port":
                guard args.count == 2, let p = Int(args[1]), (0...65535).contains(p) else {
                    throw SentinelConfigError(line: number, reason: "Invalid port")
                }
                config.port = p
                server.append((number, args))
            case "loglevel":
                guard args.count == 2, let level = logLevel(args[1]) else {
                    throw SentinelConfigError(line: number, reason: "Invalid log level. Must be one of debug, verbose, notice, warning, nothing")
                }
                config.logLevel = level
                server.append((number, args))
            default:
                guard args.count >= 2 else {
                    throw SentinelConfigError(line: number, reason: "Bad directive or wrong number of arguments")
                }
                server.append((number, args))
            }
        }
        for entry in queues.joined() {
            try sentinelDirective(entry.args, into: &config, masterIndex: &masterIndex, line: entry.line, hostnameAllowed: entry.hostnameAllowed)
        }
        return Result(config: config, serverDirectives: server)
    }

    /// The `sentinel` options redis-sentinel loads before any `monitor` line.
    static let preMonitorOptions: Set<String> = [
        "announce-ip", "announce-port", "deny-scripts-reconfig", "sentinel-user", "sentinel-pass",
        "current-epoch", "myid", "resolve-hostnames", "announce-hostnames",
    ]

    /// `masterIndex`: lowercased master name → index in `c.masters`, kept by `monitor`, so a file of
    /// n masters parses in O(n) (every persist parses the file again).
    static func sentinelDirective(_ a: [String], into c: inout SentinelConfig, masterIndex: inout [String: Int],
                                  line: Int, hostnameAllowed: Bool = false) throws(SentinelConfigError) {
        func fail(_ reason: String) -> SentinelConfigError { SentinelConfigError(line: line, reason: reason) }
        guard let option = a.first?.lowercased() else { throw fail("Missing sentinel directive") }
        func arity(_ n: Int) throws(SentinelConfigError) {
            guard a.count == n else { throw fail("Wrong number of arguments for 'sentinel \(option)'") }
        }
        func master() throws(SentinelConfigError) -> Int {
            guard a.count >= 2, let i = masterIndex[a[1].lowercased()] else {
                throw fail("No such master with specified name.")
            }
            return i
        }
        func positive(_ s: String) throws(SentinelConfigError) -> Int64 {
            guard let v = Int64(s), v > 0, v <= SentinelLimits.maxDurationMs else {
                throw fail("Invalid value '\(s)' for 'sentinel \(option)'")
            }
            return v
        }
        func epoch(_ s: String) throws(SentinelConfigError) -> UInt64 {
            guard let v = Hello.parseEpoch(s, limit: SentinelLimits.maxEpoch) else { throw fail("Invalid epoch '\(s)'") }
            return v
        }
        func port(_ s: String) throws(SentinelConfigError) -> Int {
            guard let p = Hello.parsePort(s) else { throw fail("Invalid port '\(s)'") }
            return p
        }
        func yesNo(_ s: String) throws(SentinelConfigError) -> Bool {
            switch s.lowercased() {
            case "yes": return true
            case "no": return false
            default: throw fail("Argument must be either yes or no")
            }
        }
        switch option {
        case "monitor":
            try arity(5)
            guard let quorum = Int(a[4]), quorum > 0 else { throw fail("Quorum must be 1 or greater.") }
            guard masterIndex[a[1].lowercased()] == nil else {
                throw fail("Duplicated master name.")
            }
            guard c.resolveHostnames || hostnameAllowed || isIPAddress(a[2]) else { throw fail("Invalid IP address or hostname specified") }
            c.masters.append(MasterConfig(name: a[1], address: Address(host: a[2], port: try port(a[3])), quorum: quorum))
            masterIndex[a[1].lowercased()] = c.masters.count - 1
        case "down-after-milliseconds":
            try arity(3); c.masters[try master()].downAfterMs = try positive(a[2])
        case "failover-timeout":
            try arity(3); c.masters[try master()].failoverTimeoutMs = try positive(a[2])
        case "parallel-syncs":
            try arity(3)
            let v = try positive(a[2])
            guard v <= Int64(Int32.max) else { throw fail("Invalid parallel-syncs") }
            c.masters[try master()].parallelSyncs = Int(v)
        case "master-reboot-down-after-period":
            try arity(3)
            guard let v = Int64(a[2]), v >= 0, v <= SentinelLimits.maxDurationMs else {
                throw fail("Invalid master-reboot-down-after-period")
            }
            c.masters[try master()].masterRebootDownAfterPeriodMs = v
        case "notification-script":
            try arity(3); c.masters[try master()].notificationScript = a[2]
        case "client-reconfig-script":
            try arity(3); c.masters[try master()].clientReconfigScript = a[2]
        case "auth-pass":
            try arity(3); c.masters[try master()].authPass = a[2]
        case "auth-user":
            try arity(3); c.masters[try master()].authUser = a[2]
        case "rename-command":
            try arity(4)
            let m = try master()
            // As redis-sentinel: a command renamed twice for one master is an error, not the last wins.
            guard !c.masters[m].renamedCommands.keys.contains(where: { $0.caseInsensitiveEquals(a[2]) }) else {
                throw fail("Same command renamed multiple times with rename-command.")
            }
            c.masters[m].renamedCommands[a[2]] = a[3]
        case "config-epoch":
            try arity(3); c.masters[try master()].configEpoch = try epoch(a[2])
        case "leader-epoch":
            try arity(3); c.masters[try master()].leaderEpoch = try epoch(a[2])
        case "known-replica", "known-slave":
            try arity(4)
            let m = try master()
            let address = Address(host: a[2], port: try port(a[3]))
            if !c.masters[m].knownReplicas.contains(address) { c.masters[m].knownReplicas.append(address) }
        case "known-sentinel":
            try arity(5)
            let m = try master()
            guard Hello.isRunID(a[4]) else { throw fail("Malformed Sentinel id in known-sentinel option.") }
            c.masters[m].knownSentinels.append(KnownSentinel(address: Address(host: a[2], port: try port(a[3])), runID: a[4]))
        case "myid":
            try arity(2)
            guard Hello.isRunID(a[1]) else { throw fail("Malformed Sentinel id in myid option.") }
            c.myID = a[1].lowercased()
        case "current-epoch":
            try arity(2); c.currentEpoch = try epoch(a[1])
        case "announce-ip":
            try arity(2); c.announceIP = a[1].isEmpty ? nil : a[1]
        case "announce-port":
            try arity(2)
            guard let p = Int(a[1]), (0...65535).contains(p) else { throw fail("Invalid port '\(a[1])'") }
            c.announcePort = p == 0 ? nil : p
        case "deny-scripts-reconfig":
            try arity(2); c.denyScriptsReconfig = try yesNo(a[1])
        case "resolve-hostnames":
            try arity(2); c.resolveHostnames = try yesNo(a[1])
        case "announce-hostnames":
            try arity(2); c.announceHostnames = try yesNo(a[1])
        case "sentinel-user":
            try arity(2); c.sentinelUser = a[1]
        case "sentinel-pass":
            try arity(2); c.sentinelPass = a[1]
        default:
            throw fail("Unrecognized sentinel configuration statement.")
        }
    }

    /// Redis 7's five levels, in any case ("nothing" silences the log).
    static func logLevel(_ s: String) -> LogLevel? { LogLevel(name: s) }

    /// A literal IPv4 or IPv6 address (no resolution: the machine does none).
    public static func isIPAddress(_ s: String) -> Bool {
        // On the bytes: the rewriter asks this of every master at every persist.
        let bytes = s.utf8
        if bytes.contains(UInt8(ascii: ":")) {
            return bytes.count <= 45 && bytes.allSatisfy { b in
                (48...57).contains(b) || (97...102).contains(b | 0x20) || b == 58 || b == 46
            }
        }
        var parts = 0, value = 0, digits = 0
        for b in bytes {
            if b == 46 {
                guard digits > 0 else { return false }
                parts += 1
                (value, digits) = (0, 0)
            } else if (48...57).contains(b) {
                value = value * 10 + Int(b - 48)
                digits += 1
                guard digits <= 3, value <= 255 else { return false }
            } else {
                return false
            }
        }
        return digits > 0 && parts == 3
    }
}
