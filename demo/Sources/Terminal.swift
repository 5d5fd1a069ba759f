import Foundation
import Glibc

/// Output to stdout in one of two styles. On a terminal: permanent lines scroll above a live
/// panel that is redrawn in place (ANSI cursor movement), each frame in one write so it does not
/// flicker. Otherwise (a pipe, a file, a test): plain lines only, as things happen.
final class Terminal {
    let live: Bool
    let columns: Int
    let rows: Int
    private var panelHeight = 0
    private var lastPanel: [String] = []

    init(forcePlain: Bool) {
        live = !forcePlain && isatty(1) == 1
        // Swift cannot call the variadic ioctl(TIOCGWINSZ); demo/failover exports the size
        // from `stty size`. Without it, the classic 80×24.
        let env = ProcessInfo.processInfo.environment
        columns = env["COLUMNS"].flatMap { Int($0) }.map { max(60, $0) } ?? 80
        rows = env["LINES"].flatMap { Int($0) }.map { max(16, $0) } ?? 24
        if live { write("\u{1B}[?25l") }  // hide the cursor while the panel moves
    }

    /// A line that stays: steps and results.
    func line(_ text: String = "") {
        if live {
            write(erasePanel() + text + "\u{1B}[K\n" + draw(lastPanel))
        } else {
            write(text + "\n")
        }
    }

    /// A line for the plain style only: on a terminal the panel already shows it.
    func note(_ text: String) {
        if !live { write(text + "\n") }
    }

    /// Redraws the live panel (no-op in the plain style).
    func panel(_ lines: [String]) {
        guard live else { return }
        lastPanel = lines
        write(erasePanel() + draw(lines))
    }

    /// Leaves the current panel on screen as ordinary output, and the cursor visible.
    func freeze() {
        guard live else { return }
        panelHeight = 0
        lastPanel = []
        write("\u{1B}[?25h")
    }

    func fit(_ text: String) -> String {
        text.count < columns ? text : String(text.prefix(columns - 2)) + "…"
    }

    private func erasePanel() -> String {
        guard panelHeight > 0 else { return "" }
        defer { panelHeight = 0 }
        return "\r\u{1B}[\(panelHeight)A\u{1B}[J"
    }

    private func draw(_ lines: [String]) -> String {
        panelHeight = lines.count
        return lines.map { clip($0) + "\u{1B}[K\n" }.joined()
    }

    /// The line cut to the terminal's width, escape sequences not counted: a line that wrapped
    /// would take two rows and the next redraw would start one row too low.
    private func clip(_ line: String) -> String {
        var out = ""
        var visible = 0
        var inEscape = false
        for ch in line {
            if inEscape {
                out.append(ch)
                if ch.isLetter { inEscape = false }
            } else if ch == "\u{1B}" {
                out.append(ch)
                inEscape = true
            } else if visible < columns - 1 {
                out.append(ch)
                visible += 1
            }
        }
        return out + (line.contains("\u{1B}") ? "\u{1B}[0m" : "")
    }

    private func write(_ text: String) {
        var bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(1, $0.baseAddress! + off, $0.count - off) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }  // stdout closed: nothing more to show, the demo still cleans up
            off += n
        }
    }
}

/// ANSI styles for the live panel only (plain output stays free of escape codes).
enum Style {
    static func bold(_ s: String) -> String { "\u{1B}[1m\(s)\u{1B}[0m" }
    static func green(_ s: String) -> String { "\u{1B}[32m\(s)\u{1B}[0m" }
    static func red(_ s: String) -> String { "\u{1B}[31m\(s)\u{1B}[0m" }
    static func yellow(_ s: String) -> String { "\u{1B}[33m\(s)\u{1B}[0m" }
    static func dim(_ s: String) -> String { "\u{1B}[2m\(s)\u{1B}[0m" }
}

extension String {
    /// Left-aligned in `width` columns (never cut: tables are laid out to fit 80 columns).
    func padded(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
