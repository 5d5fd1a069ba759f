import Glibc
import Config
import Config

/// Writes log lines in Redis's format, `pid:role dd Mon yyyy hh:mm:ss.mmm <mark> message`, to
/// standard output or a file. Tests capture lines with `sink`.
public final class Logger {
    public var level: LogLevel
    /// M master, S replica, C child process, X sentinel.
    public var role: Character
    /// Where lines go (1: standard output).
    public private(set) var fd: Int32 = 1
    public var sink: ((LogLevel, String) -> Void)?

    public init(level: LogLevel = .notice, role: Character = "M", path: String? = nil) {
        self.level = level
        self.role = role
        if let path, !path.isEmpty { _ = setFile(path) }
    }

    /// Switches to a log file (appending); false when it cannot be opened.
    @discardableResult
    public func setFile(_ path: String) -> Bool {
        guard !path.isEmpty else { fd = 1; return true }
        let f = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard f >= 0 else { return false }
        if fd > 2 { close(fd) }
        fd = f
        return true
    }

    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }
    public func verbose(_ message: @autoclosure () -> String) { log(.verbose, message()) }
    public func notice(_ message: @autoclosure () -> String) { log(.notice, message()) }
    public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }

    public func log(_ lineLevel: LogLevel, _ message: @autoclosure () -> String) {
        guard lineLevel >= level, level != .nothing else { return }
        let text = message()
        if let sink { sink(lineLevel, text); return }
        var line = "\(getpid()):\(role) \(Logger.timestamp()) \(lineLevel.mark) \(text)\n"
        line.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { break }
                off += n
            }
        }
    }

    /// `21 Nov 2026 12:00:00.123`, local time, as Redis prints it.
    public static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = ts.tv_sec
        var tmv = tm()
        localtime_r(&t, &tmv)
        var buf = [CChar](repeating: 0, count: 64)
        strftime(&buf, buf.count, "%d %b %Y %H:%M:%S", &tmv)
        let ms = Int(ts.tv_nsec / 1_000_000)
        let msText = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return CString.string(buf) + "." + msText
    }
}
