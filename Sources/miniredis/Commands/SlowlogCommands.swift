import RESP

/// SLOWLOG GET/LEN/RESET/HELP and LATENCY LATEST/HISTORY/RESET/DOCTOR/HELP, in Redis's shapes.
enum SlowlogCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("slowlog", -2, [.admin, .loading, .stale], group: "server", "A container for slow log commands.", .server(slowlog)),
        CommandSpec("latency", -2, [.admin, .noscript, .loading, .stale], group: "server", "A container for latency diagnostics commands.", .server(latency)),
    ]

    /// Redis 7's subcommand tables: a known subcommand with the wrong number of words is an
    /// arity error naming it ("slowlog|len"); an unknown one says to try HELP. nil: go on.
    static func subcommandError(_ a: [[UInt8]], _ command: String, arities: [String: Int]) -> String? {
        let sub = a[1].lowercasedASCII
        guard let arity = arities[sub] else { return Errors.unknownSubcommand(a[1], command) }
        let ok = arity > 0 ? a.count == arity : a.count >= -arity
        return ok ? nil : Errors.arity("\(command)|\(sub)")
    }

    static func slowlog(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        if let e = subcommandError(a, "slowlog", arities: ["help": 2, "reset": 2, "len": 2, "get": -2]) { return ctx.reply.error(e) }
        let sub = a[1].lowercasedASCII
        switch (sub, a.count) {
        case ("help", 2):
            ctx.reply.helpLines([
                "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GET [<count>]",
                "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                "    Entries are made of:",
                "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                "    client name",
                "LEN",
                "    Return the length of the slowlog.",
                "RESET",
                "    Reset the slowlog.",
                "HELP",
                "    Print this help.",
            ])
        case ("reset", 2):
            s.slowLog.reset()
            ctx.reply.ok()
        case ("len", 2):
            ctx.reply.integer(s.slowLog.entries.count)
        case ("get", 2), ("get", 3):
            var count = 10
            if a.count == 3 {
                guard let n = Numbers.int64(a[2]), n >= -1 else {
                    return ctx.reply.error("ERR count should be greater than or equal to -1")
                }
                count = n == -1 ? s.slowLog.entries.count : Int(min(n, Int64(Int32.max)))
            }
            let entries = s.slowLog.entries.prefix(count)
            ctx.reply.arrayHeader(entries.count)
            for e in entries {
                ctx.reply.arrayHeader(6)
                ctx.reply.integer(e.id)
                ctx.reply.integer(e.unixSeconds)
                ctx.reply.integer(e.durationUs)
                ctx.reply.arrayHeader(e.args.count)
                for arg in e.args { ctx.reply.bulk(arg) }
                ctx.reply.bulk(e.peer)
                ctx.reply.bulk(e.name)
            }
        default:
            ctx.reply.error(Errors.syntax)
        }
    }

    static func latency(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        let arities = ["help": 2, "latest": 2, "history": 3, "reset": -2, "doctor": 2, "graph": 3, "histogram": -2]
        if let e = subcommandError(a, "latency", arities: arities) { return ctx.reply.error(e) }
        let sub = a[1].lowercasedASCII
        switch (sub, a.count) {
        case ("help", 2):
            ctx.reply.helpLines([
                "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "DOCTOR",
                "    Return a human readable latency analysis report.",
                "GRAPH <event>",
                "    Return an ASCII latency graph for the <event> class.",
                "HISTORY <event>",
                "    Return time-latency samples for the <event> class.",
                "LATEST",
                "    Return the latest latency samples for all events.",
                "RESET [<event> ...]",
                "    Reset latency data of one or more <event> classes.",
                "    (default: reset all data for all event classes)",
                "HISTOGRAM [COMMAND ...]",
                "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
                "    If no commands are specified then all histograms are replied.",
                "HELP",
                "    Print this help.",
            ])
        case ("latest", 2):
            let events = s.latency.events.sorted { $0.key < $1.key }
            ctx.reply.arrayHeader(events.count)
            for (name, series) in events {
                let last = series.samples.last!
                ctx.reply.arrayHeader(4)
                ctx.reply.bulk(name)
                ctx.reply.integer(last.unixSeconds)
                ctx.reply.integer(last.ms)
                ctx.reply.integer(series.maxMs)
            }
        case ("history", 3):
            let samples = s.latency.events[a[2].utf8Text]?.samples ?? []
            ctx.reply.arrayHeader(samples.count)
            for sample in samples {
                ctx.reply.arrayHeader(2)
                ctx.reply.integer(sample.unixSeconds)
                ctx.reply.integer(sample.ms)
            }
        case ("reset", _):
            ctx.reply.integer(s.latency.reset(a.dropFirst(2).map(\.utf8Text)))
        case ("doctor", 2):
            ctx.reply.verbatim(Array(doctor(s).utf8))
        case ("graph", 3), ("histogram", _):
            // Refused rather than faked: there is no ASCII graph and no per-command histogram.
            ctx.reply.error("ERR LATENCY \(sub.uppercased()) is not supported by miniredis (LATEST, HISTORY, RESET and DOCTOR are)")
        default:
            ctx.reply.error(Errors.syntax)
        }
    }

    static func doctor(_ s: Server) -> String {
        if s.config.latencyMonitorThreshold == 0 && s.latency.events.isEmpty {
            return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n"
        }
        if s.latency.events.isEmpty {
            return "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sleep tonight.\n"
        }
        var text = "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n"
        for (i, (name, series)) in s.latency.events.sorted(by: { $0.key < $1.key }).enumerated() {
            let avg = series.samples.map(\.ms).reduce(0, +) / Int64(max(1, series.samples.count))
            text += "\(i + 1). \(name): \(series.samples.count) latency spikes (average \(avg)ms, worst \(series.maxMs)ms).\n"
        }
        text += "\nminiredis runs every command on one thread: a slow command delays every client. SLOWLOG GET names the commands.\n"
        return text
    }
}
