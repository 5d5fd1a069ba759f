import SentinelCore

/// RDB snapshots and the append-only file.
final class Persistence {
    unowned let server: Server
    var totalForks: Int64 = 0
    /// True after a failed background save with stop-writes-on-bgsave-error yes.
    var refusesWrites = false

    init(server: Server) { self.server = server }

    func loadAtStartup() {}
    func beforeSleep() {}
    func cronSecond() {}
    func feedAOF(dbIndex: Int, _ args: [[UInt8]]) {}
    func afterFlushAll() {}
    func appendOnlyChanged() {}
    func shutdown() {}
    /// Saves synchronously; returns an error text on failure.
    func saveSync() -> String? { nil }

    func infoLines() -> [String] {
        ["loading:0", "async_loading:0", "rdb_changes_since_last_save:\(server.dirty)", "rdb_bgsave_in_progress:0",
         "rdb_last_save_time:\(server.lastSaveUnix)", "rdb_last_bgsave_status:\(server.lastBgsaveStatus)",
         "aof_enabled:\(server.config.appendonly ? 1 : 0)", "aof_rewrite_in_progress:0"]
    }
}

enum PersistenceCommands {
    static let specs: [CommandSpec] = []
}
