import CSystem
import Glibc
import Runtime

/// RDB snapshots (SAVE, BGSAVE, save rules, load at start-up) and the append-only file.
final class Persistence {
    unowned let server: Server
    var totalForks: Int64 = 0
    /// True after a failed background save with stop-writes-on-bgsave-error yes.
    /// Asked before every write: the cheap stored flag comes first, so the common case does not
    /// reach through `server` into the configuration.
    var refusesWrites: Bool { !lastBgsaveOK && server.config.stopWritesOnBgsaveError && !server.config.save.isEmpty }
    var lastBgsaveOK = true
    /// The forked child writing a snapshot, if any.
    var childPID: pid_t?
    var childStartedMs: Int64 = 0
    var childDirtyAtStart: Int64 = 0
    /// Whether the running child writes dump.rdb (BGSAVE) or streams to replicas (diskless).
    var childIsSave = true
    /// Called when a background child ends (true when it succeeded); replication waits on it.
    var onChildExit: ((Bool) -> Void)?
    var lastBgsaveDurationSec = -1
    var loading = false
    let aof: AppendOnlyFile

    init(server: Server) {
        self.server = server
        self.aof = AppendOnlyFile(server: server)
    }

    var rdbPath: String { server.config.dbfilename }

    // MARK: Start-up

    func loadAtStartup() {
        loading = true
        defer { loading = false }
        let start = EventLoop.monotonicMs()
        if server.config.appendonly {
            do {
                try aof.loadOrCreate()
                server.log.notice("DB loaded from append only file: \(Double(EventLoop.monotonicMs() - start) / 1000) seconds")
            } catch {
                server.log.warning("Fatal error loading the DB from the append only file: \(error). Exiting.")
                exit(1)
            }
            return
        }
        guard FileIO.exists(rdbPath) else { return }
        do {
            let meta = try server.loadSnapshotServing(path: rdbPath)
            server.replication.adoptSnapshotMetadata(meta)
            server.log.notice("DB loaded from disk: \(Double(EventLoop.monotonicMs() - start) / 1000) seconds")
        } catch {
            server.log.warning("Fatal error loading the DB, check server logs. Exiting. (\(rdbPath): \(error))")
            exit(1)
        }
    }

    // MARK: SAVE and BGSAVE

    /// Saves in the foreground; returns an error text on failure.
    func saveSync() -> String? {
        if childPID != nil { return "Background save already in progress" }
        do {
            let start = EventLoop.monotonicMs()
            let bytes = try server.saveSnapshot(to: rdbPath, replication: server.replication.snapshotReplicationInfo())
            server.dirty = 0
            server.lastSaveUnix = server.unixMs / 1000
            lastBgsaveOK = true
            server.log.notice("DB saved on disk (\(bytes) bytes, \(EventLoop.monotonicMs() - start) ms)")
            return nil
        } catch {
            server.log.warning("Failed saving the DB: \(error)")
            return "\(error)"
        }
    }

    /// Forks a child that writes the snapshot while the parent keeps serving: the child sees the
    /// dataset as it was at the fork (copy-on-write), as Redis's BGSAVE does.
    func backgroundSave(reason: String) -> String? {
        let replInfo = server.replication.snapshotReplicationInfo()
        let path = rdbPath
        return forkChild(reason: reason, isSave: true) { [unowned server] in
            do {
                let bytes = try server.saveSnapshot(to: path, replication: replInfo)
                server.log.notice("DB saved on disk (\(bytes) bytes)")
                return true
            } catch {
                server.log.warning("Write error saving DB on disk: \(error)")
                return false
            }
        }
    }

    /// Runs `work` in a forked child (one child at a time, as Redis); `onExit` runs in the parent
    /// when the child has ended. Returns an error text when no child could start.
    func forkChild(reason: String, isSave: Bool, onExit: ((Bool) -> Void)? = nil, _ work: () -> Bool) -> String? {
        guard childPID == nil else { return "Background save already in progress" }
        aof.flush()
        let parent = getpid()
        let pid = fork()
        if pid < 0 { return "Can't fork: \(SystemError.text(errno))" }
        if pid == 0 {
            // Child: do the work and leave without running the parent's cleanup.
            // It dies with its parent. An orphan (parent killed with -9 mid-BGSAVE, the kill
            // tests do exactly that) kept the listening socket, so the restarted node could
            // not bind its port until the child finished, and it then renamed its snapshot
            // over dump.rdb behind the new process's back (older data than the new process
            // may have saved meanwhile). The getppid check covers a parent that died before
            // the prctl took effect.
            _ = csystem_set_parent_death_signal(SIGKILL)
            if getppid() != parent { _exit(1) }
            // The listening sockets go first, as Redis's child does: a child killed with its
            // parent closes its files only after tearing down its (large, copy-on-write) memory,
            // and until then a node restarted at once could not bind its port (seen under load
            // in CrashSafetyTests: "Address already in use" ~100 ms after the kill).
            for l in server.listeners { close(l.fd) }
            server.log.role = "C"
            _exit(work() ? 0 : 1)
        }
        totalForks += 1
        childPID = pid
        childIsSave = isSave
        childStartedMs = EventLoop.monotonicMs()
        childDirtyAtStart = server.dirty
        onChildExit = onExit
        server.log.notice("Background \(isSave ? "saving" : "transfer") started by pid \(pid) (\(reason))")
        return nil
    }

    /// Reaps a finished child (called from the cron and before sleeping).
    func checkChild() {
        guard let pid = childPID else { return }
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        guard r == pid else { return }
        childPID = nil
        let exitedOK = (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0
        let callback = onChildExit
        onChildExit = nil
        guard childIsSave else {
            server.log.notice("Background transfer \(exitedOK ? "terminated with success" : "failed")")
            callback?(exitedOK)
            return
        }
        lastBgsaveDurationSec = Int((EventLoop.monotonicMs() - childStartedMs) / 1000)
        if exitedOK {
            server.log.notice("Background saving terminated with success")
            server.dirty -= childDirtyAtStart
            if server.dirty < 0 { server.dirty = 0 }
            server.lastSaveUnix = server.unixMs / 1000
            lastBgsaveOK = true
        } else {
            server.log.warning("Background saving error")
            lastBgsaveOK = false
            unlink("temp-\(pid).rdb")
        }
        server.lastBgsaveStatus = lastBgsaveOK ? "ok" : "err"
        callback?(exitedOK)
    }

    func cronSecond() {
        checkChild()
        aof.everySecond()
        guard childPID == nil, server.dirty > 0 else { return }
        let elapsed = server.unixMs / 1000 - server.lastSaveUnix
        for rule in server.config.save where server.dirty >= Int64(rule.changes) && elapsed >= Int64(rule.seconds) {
            server.log.notice("\(rule.changes) changes in \(rule.seconds) seconds. Saving...")
            _ = backgroundSave(reason: "save rule")
            break
        }
    }

    func beforeSleep() {
        aof.flush()
    }

    func feedAOF(dbIndex: Int, _ args: [[UInt8]]) {
        guard !loading else { return }
        aof.feed(dbIndex: dbIndex, args)
    }

    func afterFlushAll() {
        // FLUSHALL resets the snapshot too when save points exist, as Redis does.
        if !server.config.save.isEmpty && childPID == nil { _ = saveSync() }
    }

    func appendOnlyChanged() {
        if server.config.appendonly {
            do { try aof.startFromCurrentDataset() } catch {
                server.log.warning("Can't turn on the AOF: \(error)")
            }
        } else {
            aof.stop()
        }
    }

    func shutdown() {
        if let pid = childPID {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            unlink("temp-\(pid).rdb")
        }
        aof.flush()
        aof.fsyncNow()
    }

    func infoLines() -> [String] {
        ["loading:\(loading ? 1 : 0)", "async_loading:0", "current_cow_peak:0", "current_cow_size:0",
         "current_save_keys_processed:0", "current_save_keys_total:0",
         "rdb_changes_since_last_save:\(server.dirty)", "rdb_bgsave_in_progress:\(childPID != nil && childIsSave ? 1 : 0)",
         "rdb_last_save_time:\(server.lastSaveUnix)", "rdb_last_bgsave_status:\(lastBgsaveOK ? "ok" : "err")",
         "rdb_last_bgsave_time_sec:\(lastBgsaveDurationSec)", "rdb_current_bgsave_time_sec:\(childPID != nil ? Int((EventLoop.monotonicMs() - childStartedMs) / 1000) : -1)",
         "rdb_saves:0", "aof_enabled:\(server.config.appendonly ? 1 : 0)", "aof_rewrite_in_progress:0",
         "aof_rewrite_scheduled:0", "aof_last_write_status:\(aof.lastWriteOK ? "ok" : "err")"]
    }
}

enum PersistenceCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("save", 1, [.admin, .noscript, .noMulti], group: "server", "Synchronously saves the database(s) to disk.", .server { ctx, s, c, _ in
            if let err = s.persistence.saveSync() { ctx.reply.error("ERR \(err)") } else { ctx.reply.ok() }
        }),
        CommandSpec("bgsave", -1, [.admin, .noscript], group: "server", "Asynchronously saves the database(s) to disk.", .server { ctx, s, c, a in
            if a.count > 2 || (a.count == 2 && a[1].lowercasedASCII != "schedule") { return ctx.reply.error(Errors.syntax) }
            if let err = s.persistence.backgroundSave(reason: "BGSAVE") { ctx.reply.error("ERR \(err)") } else { ctx.reply.simple("Background saving started") }
        }),
        CommandSpec("lastsave", 1, [.loading, .stale, .fast], group: "server", "Returns the Unix timestamp of the last successful save to disk.", .server { ctx, s, c, _ in
            ctx.reply.integer(s.lastSaveUnix)
        }),
        CommandSpec("bgrewriteaof", 1, [.admin, .noscript, .noMulti], group: "server", "Asynchronously rewrites the append-only file to disk.", .server { ctx, s, c, _ in
            guard s.config.appendonly else { return ctx.reply.simple("Background append only file rewriting started") }
            do {
                try s.persistence.aof.startFromCurrentDataset()
                ctx.reply.simple("Background append only file rewriting started")
            } catch {
                ctx.reply.error("ERR \(error)")
            }
        }),
    ]
}
