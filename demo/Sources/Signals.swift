import CSystem
import Glibc

/// SIGINT, SIGTERM and SIGHUP are blocked from the first line of the program, before any thread
/// exists, so every thread inherits the mask and no signal can kill the demo behind the back of
/// its teardown. They queue on a signalfd that the waits poll alongside the event sockets, so a
/// Ctrl-C interrupts any wait at once. Children get a clean mask and default handlers
/// (see ChildProcess).
struct SignalInbox {
    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    let fd: Int32

    init() throws {
        var mask = sigset_t()
        sigemptyset(&mask)
        for s in Self.handled { sigaddset(&mask, s) }
        pthread_sigmask(SIG_BLOCK, &mask, nil)
        // A vanished peer shows up as EPIPE on write instead of killing the demo.
        signal(SIGPIPE, SIG_IGN)
        fd = signalfd(-1, &mask, Int32(SFD_NONBLOCK) | Int32(SFD_CLOEXEC))
        guard fd >= 0 else { throw DemoError("signalfd: \(String(cString: strerror(errno)))") }
    }

    /// The first pending signal, if any.
    func pending() -> Int32? {
        var info = signalfd_siginfo()
        if read(fd, &info, MemoryLayout<signalfd_siginfo>.size) == MemoryLayout<signalfd_siginfo>.size {
            return Int32(info.ssi_signo)
        }
        return nil
    }

    func check() throws(Interrupted) {
        if let s = pending() { throw Interrupted(signal: s) }
    }
}
