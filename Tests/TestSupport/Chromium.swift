import Foundation
import Glibc
import Synchronization

/// Debian's chromium, headless, for the web view test: a long-lived page whose console lines are
/// collected as they come (the page logs what it rendered), plus one-shot DOM dumps and
/// screenshots. No remote-debugging port: everything goes through the command line and stderr.
public final class Chromium {
    public static let paths = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]

    /// The browser, or nil (printing SKIPPED) when it is not installed outside CI; under CI
    /// (CI=true) a missing browser fails the test, as the Redis interop tests do.
    public static func require() throws -> String? {
        if let p = paths.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return p }
        let reason = "chromium is not installed (apt-get install chromium)"
        if ProcessInfo.processInfo.environment["CI"] != nil {
            throw RedisConnection.Failure(description: "CI must run the browser test, but \(reason)")
        }
        print("SKIPPED: \(reason)")
        return nil
    }

    /// Flags every run needs: new headless mode, no sandbox (tests may run as root in a
    /// container), no GPU, /tmp rather than a container's small /dev/shm, a profile of its own.
    static func baseArguments(profile: URL) -> [String] {
        ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
         "--disable-background-networking", "--disable-sync", "--user-data-dir=\(profile.path)"]
    }

    /// Text written from the pipe's handler thread, read by the test's: shared through a Mutex.
    private final class Shared: Sendable {
        let text = Mutex("")
        let done = Mutex(false)
    }

    let process = Process()
    private let output = Shared()
    private let profile: URL

    /// Opens `url` and keeps it open (until `stop` or deinit), collecting console lines.
    public init(executable: String, url: String) throws {
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString.prefix(8))")
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Self.baseArguments(profile: profile) + ["--enable-logging=stderr", "--v=0", "--window-size=1280,900", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [output] h in
            let text = String(decoding: h.availableData, as: UTF8.self)
            output.text.withLock { $0 += text }
        }
        try process.run()
    }

    /// The page's console messages so far (the text inside the quotes of each CONSOLE line).
    public var consoleLines: [String] {
        output.text.withLock { $0 }.split(separator: "\n").compactMap { line in
            guard line.contains(":CONSOLE"), let open = line.firstIndex(of: "\""), let close = line.lastIndex(of: "\""), open < close else { return nil }
            return String(line[line.index(after: open)..<close])
        }
    }

    public var log: String { output.text.withLock { $0 } }

    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: profile)
    }

    /// One headless run with `extra` (e.g. --dump-dom, --screenshot=...): returns its stdout.
    public static func run(_ executable: String, _ extra: [String], url: String) throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: profile) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = baseArguments(profile: profile) + extra + [url]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        // A browser that hangs must fail the test, not stall it: killed after a minute (the
        // flag keeps a pid reused after the exit from being hit).
        let pid = p.processIdentifier
        let finished = Shared()
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) {
            finished.done.withLock { done in if !done { kill(pid, SIGKILL) } }
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        finished.done.withLock { $0 = true }
        return String(decoding: data, as: UTF8.self)
    }
}
