import Runtime

/// The slow log (SLOWLOG) and the latency monitor (LATENCY): what took long, as Redis records
/// it. Commands are timed only while one of them is on (slowlog-log-slower-than >= 0, the
/// default, or latency-monitor-threshold > 0): two monotonic clock reads per command.
struct SlowLog {
    struct Entry {
        let id: Int64
        let unixSeconds: Int64
        let durationUs: Int64
        let args: [[UInt8]]
        let peer: String
        let name: [UInt8]
    }

    /// Newest first.
    private(set) var entries: [Entry] = []
    private var nextID: Int64 = 0

    static let maxArgs = 32
    static let maxArgBytes = 128

    mutating func add(args: [[UInt8]], durationUs: Int64, unixSeconds: Int64, peer: String, name: [UInt8], maxLength: Int) {
        guard maxLength > 0 else { return }
        entries.insert(Entry(id: nextID, unixSeconds: unixSeconds, durationUs: durationUs, args: Self.trimmed(Self.redacted(args)), peer: peer, name: name), at: 0)
        nextID += 1
        trim(to: maxLength)
    }

    mutating func trim(to maxLength: Int) {
        if entries.count > maxLength { entries.removeLast(entries.count - maxLength) }
    }

    mutating func reset() { entries.removeAll() }

    /// At most 32 arguments (the last says how many more there were) of at most 128 bytes each
    /// (with how many more bytes), as Redis keeps them.
    static func trimmed(_ args: [[UInt8]]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        let kept = min(args.count, maxArgs)
        for i in 0..<kept {
            if kept < args.count && i == kept - 1 {
                out.append(Array("... (\(args.count - kept + 1) more arguments)".utf8))
            } else if args[i].count > maxArgBytes {
                out.append(Array(args[i].prefix(maxArgBytes)) + Array("... (\(args[i].count - maxArgBytes) more bytes)".utf8))
            } else {
                out.append(args[i])
            }
        }
        return out
    }

    /// Passwords never reach the log: AUTH's arguments, HELLO's AUTH pair, and the values of
    /// CONFIG SET requirepass/masterauth become "(redacted)", as Redis 7 redacts them.
    static func redacted(_ args: [[UInt8]]) -> [[UInt8]] {
        let hidden = Array("(redacted)".utf8)
        var a = args
        switch args.first?.lowercasedASCII {
        case "auth":
            for i in 1..<a.count { a[i] = hidden }
        case "hello":
            var i = 2
            while i < a.count {
                if a[i].lowercasedASCII == "auth" && i + 2 < a.count {
                    a[i + 1] = hidden
                    a[i + 2] = hidden
                    i += 3
                } else {
                    i += 1
                }
            }
        case "config" where a.count >= 4 && a[1].lowercasedASCII == "set":
            for i in stride(from: 2, to: a.count - 1, by: 2) where ["requirepass", "masterauth"].contains(a[i].lowercasedASCII) {
                a[i + 1] = hidden
            }
        default: break
        }
        return a
    }
}

/// LATENCY's samples: per event, the latest 160 seconds in which it exceeded the threshold
/// (several in one second keep the highest), and the all-time highest.
struct LatencyMonitor {
    struct Series {
        var samples: [(unixSeconds: Int64, ms: Int64)] = []
        var maxMs: Int64 = 0
    }

    static let historyLength = 160
    private(set) var events: [String: Series] = [:]

    mutating func add(_ event: String, ms: Int64, unixSeconds: Int64) {
        var s = events[event] ?? Series()
        if let last = s.samples.last, last.unixSeconds == unixSeconds {
            s.samples[s.samples.count - 1].ms = max(last.ms, ms)
        } else {
            s.samples.append((unixSeconds, ms))
            if s.samples.count > Self.historyLength { s.samples.removeFirst() }
        }
        s.maxMs = max(s.maxMs, ms)
        events[event] = s
    }

    /// Forgets the named events (all when none is named); returns how many series went.
    mutating func reset(_ names: [String]) -> Int {
        if names.isEmpty {
            defer { events.removeAll() }
            return events.count
        }
        var n = 0
        for name in Set(names) where events.removeValue(forKey: name) != nil { n += 1 }
        return n
    }
}

extension Server {
    /// Whether commands are timed at all (cached in `timesCommands` when the config changes).
    static func timesCommands(_ config: ServerConfig) -> Bool { config.slowlogLogSlowerThan >= 0 || config.latencyMonitorThreshold > 0 }

    /// Calls a command, timing it for the slow log and the latency monitor when they are on.
    @inline(__always)
    func timedCall(_ spec: CommandSpec, _ c: Client, _ args: [[UInt8]]) {
        guard timesCommands else {
            withStat(spec) { $0.calls += 1 }
            return call(spec, c, args)
        }
        let start = EventLoop.monotonicUs()
        call(spec, c, args)
        let durationUs = EventLoop.monotonicUs() - start
        withStat(spec) { s in
            s.calls += 1
            s.usec += durationUs
        }
        // EXEC's commands are logged one by one; EXEC itself is not (Redis's skip_slowlog).
        guard !spec.flags.contains(.skipSlowlog) else { return }
        recordDuration(spec, c, args, durationUs)
    }

    func recordDuration(_ spec: CommandSpec, _ c: Client, _ args: [[UInt8]], _ durationUs: Int64) {
        let threshold = config.slowlogLogSlowerThan
        if threshold >= 0 && durationUs >= threshold {
            slowLog.add(args: args, durationUs: durationUs, unixSeconds: unixMs / 1000, peer: "\(c.address):\(c.port)",
                        name: c.session.name, maxLength: config.slowlogMaxLen)
        }
        let ms = durationUs / 1000
        if config.latencyMonitorThreshold > 0 && ms >= config.latencyMonitorThreshold {
            latency.add(spec.flags.contains(.fast) ? "fast-command" : "command", ms: ms, unixSeconds: unixMs / 1000)
        }
    }
}
