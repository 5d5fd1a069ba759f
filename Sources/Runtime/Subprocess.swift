import CSystem
import Glibc

/// Starting child processes (sentinel scripts, the demo's servers) with posix_spawn.
public enum Subprocess {
    /// Spawns `path` with `arguments`. The parent blocks some signals for its signalfd; the
    /// child must not inherit that, so it gets an empty mask and default handlers for
    /// `defaultSignals` (and SIGPIPE, which the parent ignores). With `outputPath`, standard
    /// output and error are appended there and standard input is /dev/null.
    /// Returns the pid, or the errno of the failure.
    public static func spawn(_ path: String, _ arguments: [String], outputPath: String? = nil,
                             defaultSignals: [Int32] = [SIGTERM, SIGINT, SIGHUP]) -> Result<pid_t, SystemError> {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in defaultSignals + [SIGPIPE] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let outputPath {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        let argv = ([path] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var cargs = argv + [nil]
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attr, &cargs, environ)
        guard rc == 0 else { return .failure(SystemError("posix_spawn \(path)", code: rc)) }
        return .success(pid)
    }
}
