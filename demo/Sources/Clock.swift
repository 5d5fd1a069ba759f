import Glibc

/// Monotonic milliseconds: measured times must not jump when the wall clock is adjusted.
enum Clock {
    static func nowMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// "1.234 s" style seconds with millisecond precision, without Foundation's formatter.
    static func seconds(_ ms: Int64) -> String {
        let sign = ms < 0 ? "-" : ""
        let m = ms.magnitude
        let frac = String(m % 1000)
        return "\(sign)\(m / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac)"
    }
}

/// A failed step. `description` is the message the user sees, so it says what was expected.
struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Ctrl-C (or SIGTERM/SIGHUP) arrived: not a failure of the system under test.
struct Interrupted: Error {
    let signal: Int32
}
