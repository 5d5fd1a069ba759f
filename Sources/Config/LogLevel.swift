/// Redis's log levels, in order; a line is written when its level is at least the configured one.
public enum LogLevel: Int, Comparable, Sendable, CaseIterable, CustomStringConvertible {
    case debug = 0, verbose, notice, warning, nothing

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }

    public init?(name: String) {
        switch name.lowercased() {
        case "debug": self = .debug
        case "verbose": self = .verbose
        case "notice": self = .notice
        case "warning": self = .warning
        case "nothing": self = .nothing
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .debug: "debug"
        case .verbose: "verbose"
        case .notice: "notice"
        case .warning: "warning"
        case .nothing: "nothing"
        }
    }

    public var description: String { name }

    /// The character Redis prints for the level: `.` debug, `-` verbose, `*` notice, `#` warning.
    public var marker: Character { mark }

    public var mark: Character {
        switch self {
        case .debug: "."
        case .verbose: "-"
        case .notice: "*"
        case .warning, .nothing: "#"
        }
    }
}
