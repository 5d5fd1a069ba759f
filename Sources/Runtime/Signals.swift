import CSystem
import Glibc

/// Delivers SIGTERM and SIGINT through the event loop (a signalfd), so shutdown runs as an
/// ordinary event on the loop's thread instead of inside an async signal handler. SIGPIPE is
/// ignored: a peer that goes away shows up as EPIPE on write, handled like any closed link.
public final class SignalWatcher: EventHandler {
    private let fd: Int32
    private let onSignal: (Int32) -> Void

    public init(loop: EventLoop, signals: [Int32] = [SIGTERM, SIGINT], _ onSignal: @escaping (Int32) -> Void) throws(SystemError) {
        signal(SIGPIPE, SIG_IGN)
        var mask = sigset_t()
        sigemptyset(&mask)
        for s in signals { sigaddset(&mask, s) }
        // Blocked in this thread so the signals queue on the descriptor instead of killing us;
        // child processes get a clean mask (see Subprocess).
        pthread_sigmask(SIG_BLOCK, &mask, nil)
        fd = signalfd(-1, &mask, Int32(SFD_NONBLOCK) | Int32(SFD_CLOEXEC))
        guard fd >= 0 else { throw SystemError("signalfd") }
        self.onSignal = onSignal
        try loop.register(fd, self)
    }

    public func readable() {
        var info = signalfd_siginfo()
        while Glibc.read(fd, &info, MemoryLayout<signalfd_siginfo>.size) == MemoryLayout<signalfd_siginfo>.size {
            onSignal(Int32(info.ssi_signo))
        }
    }

    public func writable() {}
}
