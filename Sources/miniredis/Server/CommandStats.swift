/// INFO commandstats and errorstats: per command, calls, time, rejections (refused before
/// running: arity, NOAUTH, OOM, READONLY...) and failures (ran and replied an error); per error
/// code, how many error replies carried it.
struct CommandStat {
    var calls: Int64 = 0
    var usec: Int64 = 0
    var rejected: Int64 = 0
    var failed: Int64 = 0
}

enum ErrorStats {
    /// The error code (the text up to its first space), up to 16 bytes in two words.
    static func pack<Bytes: Sequence<UInt8>>(_ text: Bytes) -> (UInt64, UInt64) {
        var words: (UInt64, UInt64) = (0, 0)
        var i = 0
        for b in text {
            if b == 32 || i == 16 { break }
            if i < 8 { words.0 |= UInt64(b) << (8 * UInt64(i)) } else { words.1 |= UInt64(b) << (8 * UInt64(i - 8)) }
            i += 1
        }
        return words
    }

    static func unpack(_ words: (UInt64, UInt64)) -> String {
        var bytes: [UInt8] = []
        for i in 0..<16 {
            let b = UInt8(truncatingIfNeeded: (i < 8 ? words.0 : words.1) >> (8 * UInt64(i % 8)))
            if b == 0 { break }
            bytes.append(b)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Server {
    @inline(__always)
    func withStat(_ spec: CommandSpec, _ body: (inout CommandStat) -> Void) {
        if spec.id >= commandStats.count {
            commandStats.append(contentsOf: repeatElement(CommandStat(), count: spec.id + 1 - commandStats.count))
        }
        body(&commandStats[spec.id])
    }

    /// A command refused before it ran, with the error it got.
    func countRejection(_ spec: CommandSpec?, _ error: String) {
        if let spec { withStat(spec) { $0.rejected += 1 } }
        countError(ErrorStats.pack(error.utf8), 1)
    }

    func countError(_ code: (UInt64, UInt64), _ n: Int) {
        stats.totalErrorReplies += Int64(n)
        errorStats[ErrorStats.unpack(code), default: 0] += Int64(n)
    }

    var commandStatLines: [String] {
        var seen = Set<String>()
        return commands.all.compactMap { spec -> (String, CommandStat)? in
            guard spec.id < commandStats.count, seen.insert(spec.name).inserted else { return nil }
            let s = commandStats[spec.id]
            return s.calls + s.rejected + s.failed > 0 ? (spec.name, s) : nil
        }
        .sorted { $0.0 < $1.0 }
        .map { name, s in
            let perCall = s.calls > 0 ? Double(s.usec) / Double(s.calls) : 0
            return "cmdstat_\(name):calls=\(s.calls),usec=\(s.usec),usec_per_call=\(ServerInfo.format2(perCall)),rejected_calls=\(s.rejected),failed_calls=\(s.failed)"
        }
    }

    var errorStatLines: [String] {
        errorStats.keys.sorted().map { "errorstat_\($0):count=\(errorStats[$0]!)" }
    }
}
