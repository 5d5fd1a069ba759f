import RESP
import Runtime

/// MONITOR: every command the server runs, as it runs it, to each monitoring client, in
/// Redis's line format (`+<seconds>.<micros> [<db> <peer>] "arg" ...`). Admin commands are not
/// shown and passwords appear as "(redacted)", as Redis shows them.
enum MonitorCommand {
    static let specs: [CommandSpec] = [
        CommandSpec("monitor", 1, [.admin, .noscript, .loading, .stale], group: "server", "Listens for all requests received by the server in real-time.", replies: .varies, .server(monitor)),
    ]

    static func monitor(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        if c.multiQueue != nil { return ctx.reply.error("ERR MONITOR isn't allowed for DENY BLOCKING client") }
        // Already monitoring (or a replica): ignored without a reply, as Redis ignores it.
        guard !c.isMonitor, c.kind == .normal else { return }
        c.isMonitor = true
        s.monitors.append(c)
        ctx.reply.ok()
    }

    /// sdscatrepr: a quoted string with C escapes, other non-printable bytes as \xHH.
    static func quoted(_ bytes: [UInt8], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            switch b {
            case UInt8(ascii: "\\"): out.append(contentsOf: Array("\\\\".utf8))
            case UInt8(ascii: "\""): out.append(contentsOf: Array("\\\"".utf8))
            case 10: out.append(contentsOf: Array("\\n".utf8))
            case 13: out.append(contentsOf: Array("\\r".utf8))
            case 9: out.append(contentsOf: Array("\\t".utf8))
            case 7: out.append(contentsOf: Array("\\a".utf8))
            case 8: out.append(contentsOf: Array("\\b".utf8))
            case 32...126: out.append(b)
            default:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(b >> 4)], hex[Int(b & 15)]])
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension Server {
    /// Shows a command to the monitors (called after it ran).
    func feedMonitors(_ spec: CommandSpec, _ c: Client, _ args: [[UInt8]]) {
        guard !spec.flags.contains(.admin), !persistence.loading else { return }
        let us = EventLoop.wallClockUs()
        let micros = String(us % 1_000_000)
        let peer = c.address.hasPrefix("/") ? "unix:\(c.address)" : "\(c.address):\(c.port)"
        var line = Array("+\(us / 1_000_000).\(String(repeating: "0", count: 6 - micros.count))\(micros) [\(c.dbIndex) \(peer)] ".utf8)
        for (i, arg) in SlowLog.redacted(args).enumerated() {
            if i > 0 { line.append(32) }
            MonitorCommand.quoted(arg, into: &line)
        }
        line.append(contentsOf: [13, 10])
        for m in monitors where m !== c && !m.closed {
            m.reply.raw(line)
            m.scheduleWrite()
        }
    }
}
