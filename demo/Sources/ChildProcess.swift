import CSystem
import Glibc

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
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in SignalInbox.handled + [SIGPIPE] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv = ([executable] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var cargs = argv + [nil]
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attr, &cargs, environ)
        guard rc == 0 else {
            throw DemoError("cannot start \(executable): \(String(cString: strerror(rc)))")
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
