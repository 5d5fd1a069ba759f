import Glibc
import Runtime

extension Server {
    /// Loads the dataset, opens the listeners, and prepares signal handling; logs as Redis does
    /// at start-up so people (and scripts that wait for it) see the familiar lines.
    func boot() throws(SystemError) {
        log.notice("oO0OoO0OoO0Oo miniredis is starting oO0OoO0OoO0Oo")
        log.notice("miniredis version=\(ServerInfo.version), bits=64, pid=\(getpid()), just started")
        for warning in IgnoredDirectives.warnings(config.ignored) { log.warning(warning) }
        if !config.pidfile.isEmpty {
            var text = "\(getpid())\n"
            let fd = open(config.pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            if fd >= 0 {
                text.withUTF8 { _ = FileIO.writeAll(fd, UnsafeRawBufferPointer($0)) }
                close(fd)
            } else {
                log.warning("Failed to write PID file: \(SystemError.text(errno))")
            }
        }
        try start()
        let watcher = try SignalWatcher(loop: loop) { [unowned self] sig in
            self.log.warning("Received \(sig == SIGINT ? "SIGINT" : "SIGTERM") scheduling shutdown...")
            if self.prepareShutdown(save: nil) != nil {
                self.log.warning("SIGTERM received but errors trying to shut down the server, check the logs for more information")
            }
        }
        signalWatcher = watcher
        log.notice("Server initialized")
        tickKeyAccess()
        persistence.loadAtStartup()
        log.notice("Ready to accept connections tcp")
        if config.tls.port > 0 { log.notice("Ready to accept connections tls") }
        replication.startup()
    }

    func run() {
        loop.run()
    }
}
