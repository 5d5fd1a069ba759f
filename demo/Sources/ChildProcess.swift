import CSystem
import Glibc
import Runtime

/// A server started with posix_spawn, its output in a log file. The demo blocks SIGINT/SIGTERM/
/// SIGHUP for its signalfd; the child gets an empty mask and default handlers so it can be
/// stopped normally. Children stay in the demo's process group: a Ctrl-C in the terminal
/// reaches them too, so even a demo that failed to clean up would not leave them running.
final class ChildProcess {
    let name: String
    let executable: String
    let arguments: [String]
    let logPath: String
    let directory: String
    private(set) var pid: pid_t = 0
    private(set) var exitDescription: String?

    init(name: String, executable: String, arguments: [String], directory: String) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.directory = directory
        self.logPath = directory + "/" + name + ".log"
    }

    /// Started, then ended by itself or by a signal (not merely never started).
    var hasExited: Bool {
        _ = isRunning
        return exitDescription != nil
    }

    var isRunning: Bool {
        guard pid > 0 else { return false }
        reap(block: false)
        return pid > 0
    }

    func start() throws {
        guard pid == 0 else { return }
        let child: pid_t
        switch Subprocess.spawn(executable, arguments, outputPath: logPath, defaultSignals: SignalInbox.handled) {
        case .success(let p): child = p
        case .failure(let error): throw DemoError("cannot start \(executable): \(error.reason)")
        }
        pid = child
        exitDescription = nil
    }

    func signal(_ sig: Int32) {
        if pid > 0 { kill(pid, sig) }
    }

    /// Collects the exit status if the process ended; with `block`, waits for it.
    func reap(block: Bool) {
        guard pid > 0 else { return }
        var status: Int32 = 0
        let r = waitpid(pid, &status, block ? 0 : WNOHANG)
        if r == pid || (r < 0 && errno == ECHILD) {
            let sig = status & 0x7f
            exitDescription = sig == 0 ? "exited with status \((status >> 8) & 0xff)" : "killed by signal \(sig)"
            pid = 0
        }
    }

    /// SIGKILL and wait, for the demo's "crash".
    func killHard() {
        signal(SIGKILL)
        reap(block: true)
    }

    /// The last lines of the log, for failure messages.
    func logTail(lines: Int = 8) -> String {
        guard let f = fopen(logPath, "r") else { return "" }
        defer { fclose(f) }
        var all: [String] = []
        var line: UnsafeMutablePointer<CChar>?
        var cap = 0
        while getline(&line, &cap, f) > 0, let l = line { all.append(String(cString: l)) }
        free(line)
        return all.suffix(lines).joined()
    }
}
