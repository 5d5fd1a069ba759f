import CSystem
import Glibc
import SentinelCore

/// Runs notification and client-reconfig scripts as child processes. The queue, limits and
/// retries are the machine's; this only starts a process, kills it past its run time, and
/// reports how it ended.
final class ScriptRunner {
    unowned let server: SentinelServer
    private var running: [(pid: pid_t, id: ScriptID, deadlineMs: Int64)] = []

    init(server: SentinelServer) { self.server = server }

    func run(_ job: ScriptJob) {
        var pid: pid_t = 0
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // The sentinel blocks SIGTERM/SIGINT for its signalfd; the script gets a clean mask.
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([job.path] + job.args).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var cargs = argv + [nil]
        let rc = posix_spawn(&pid, job.path, nil, &attr, &cargs, environ)
        guard rc == 0 else {
            server.log.warning("-script-error \(job.path): cannot start: \(SystemError.text(rc))")
            server.deliver(.scriptFinished(job.id, exitStatus: nil))
            return
        }
        running.append((pid, job.id, EventLoop.monotonicMs() + job.maxRuntimeMs))
    }

    /// Reaps finished scripts and kills overdue ones; called from the timer.
    func poll() {
        guard !running.isEmpty else { return }
        let now = EventLoop.monotonicMs()
        var finished: [(ScriptID, Int32?)] = []
        running.removeAll { entry in
            var status: Int32 = 0
            let r = waitpid(entry.pid, &status, WNOHANG)
            if r == entry.pid {
                let exited = (status & 0x7f) == 0
                finished.append((entry.id, exited ? (status >> 8) & 0xff : nil))
                return true
            }
            if now > entry.deadlineMs {
                kill(entry.pid, SIGKILL)
                waitpid(entry.pid, &status, 0)
                finished.append((entry.id, nil))
                return true
            }
            return false
        }
        for (id, status) in finished { server.deliver(.scriptFinished(id, exitStatus: status)) }
    }
}
