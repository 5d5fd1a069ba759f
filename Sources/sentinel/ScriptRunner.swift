import CSystem
import Glibc
import SentinelCore
import Runtime

/// Runs notification and client-reconfig scripts as child processes. The queue, limits and
/// retries are the machine's; this only starts a process, kills it past its run time, and
/// reports how it ended.
final class ScriptRunner {
    unowned let server: SentinelServer
    private var running: [(pid: pid_t, id: ScriptID, deadlineMs: Int64)] = []

    init(server: SentinelServer) { self.server = server }

    func run(_ job: ScriptJob) {
        switch Subprocess.spawn(job.path, job.args) {
        case .success(let pid):
            running.append((pid, job.id, EventLoop.monotonicMs() + job.maxRuntimeMs))
        case .failure(let error):
            // Reported as Redis's child reports an exec that failed: exit status 2, an error
            // (never retried), not a time-out (exit status nil).
            server.log.warning("-script-error \(job.path): cannot start: \(error.reason)")
            server.deliver(.scriptFinished(job.id, exitStatus: 2))
        }
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
