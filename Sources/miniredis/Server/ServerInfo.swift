import CMallocCount
import CSystem
import Glibc
import RESP
import Runtime

/// The INFO reply: Redis's sections, field names and order, so tools that parse it (sentinels,
/// redis-cli, exporters) read it unchanged.
enum ServerInfo {
    static var version: String { RedisCompat.version }
    /// Redis 7's sections, in its order: INFO with no argument (or `default`) gives these.
    static let defaultSections = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "errorstats", "cluster", "keyspace"]
    /// `all` and `everything` add the per-command statistics.
    static let allSections = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "commandstats", "errorstats", "cluster", "keyspace"]

    static func text(_ s: Server, sections requested: [String]) -> String {
        var wanted = requested.isEmpty || requested.contains("default") ? defaultSections : requested
        if requested.contains("all") || requested.contains("everything") { wanted = allSections }
        var parts: [String] = []
        for name in allSections where wanted.contains(name) {
            parts.append(section(s, name))
        }
        return parts.joined(separator: "\r\n")
    }

    static func section(_ s: Server, _ name: String) -> String {
        var lines: [String]
        switch name {
        case "server":
            let uptimeMs = s.nowMs - s.startedAtMs
            lines = ["# Server", "redis_version:\(version)", "redis_git_sha1:00000000", "redis_git_dirty:0",
                     "redis_build_id:0", "redis_mode:standalone", "os:Linux", "arch_bits:64",
                     "multiplexing_api:epoll", "process_id:\(getpid())", "process_supervised:no",
                     "run_id:\(s.runID)", "tcp_port:\(s.config.port)",
                     "server_time_usec:\(EventLoop.wallClockUs())", "uptime_in_seconds:\(uptimeMs / 1000)",
                     "uptime_in_days:\(uptimeMs / 86_400_000)", "hz:\(s.config.hz)", "configured_hz:\(s.config.hz)",
                     "executable:\(CommandLine.arguments.first ?? "")", "config_file:\(s.configFile.map(FileIO.absolute) ?? "")",
                     "implementation:miniredis"]
        case "clients":
            let blocked = s.clients.values.filter { $0.blocked != nil }.count
            let pubsubClients = s.clients.values.filter { $0.subscriptionCount > 0 }.count
            lines = ["# Clients", "connected_clients:\(s.clients.values.filter { $0.kind != .replica && $0.kind != .master }.count)",
                     "cluster_connections:0", "maxclients:\(s.config.maxclients)",
                     "client_recent_max_input_buffer:0", "client_recent_max_output_buffer:0",
                     "blocked_clients:\(blocked)", "tracking_clients:0", "pubsub_clients:\(pubsubClients)", "clients_in_timeout_table:\(blocked)"]
        case "memory":
            let used = usedMemory()
            let rss = rssBytes()
            let peak = max(s.usedMemoryPeak, used)
            let max = Int(s.config.maxmemory)
            lines = ["# Memory", "used_memory:\(used)", "used_memory_human:\(human(used))", "used_memory_rss:\(rss)",
                     "used_memory_rss_human:\(human(rss))", "used_memory_peak:\(peak)", "used_memory_peak_human:\(human(peak))",
                     "maxmemory:\(max)", "maxmemory_human:\(human(max))", "maxmemory_policy:\(s.config.maxmemoryPolicy.rawValue)",
                     "mem_not_counted_for_evict:\(s.memoryNotCountedForEviction())",
                     "mem_fragmentation_ratio:\(used > 0 ? String(format2(Double(rss) / Double(used))) : "0")",
                     "mem_allocator:libc"]
        case "persistence":
            lines = ["# Persistence"] + s.persistence.infoLines()
        case "stats":
            let st = s.stats
            lines = ["# Stats", "total_connections_received:\(st.totalConnections)",
                     "total_commands_processed:\(st.totalCommands)", "instantaneous_ops_per_sec:0",
                     "total_net_input_bytes:\(st.netInputBytes)", "total_net_output_bytes:\(st.netOutputBytes)",
                     "rejected_connections:\(st.rejectedConnections)", "sync_full:\(st.syncFull)",
                     "sync_partial_ok:\(st.syncPartialOK)", "sync_partial_err:\(st.syncPartialErr)",
                     "expired_keys:\(st.expiredKeys)", "evicted_keys:\(st.evictedKeys)", "keyspace_hits:\(st.keyspaceHits)",
                     "keyspace_misses:\(st.keyspaceMisses)", "pubsub_channels:\(s.pubsub.channels.count)",
                     "total_error_replies:\(st.totalErrorReplies)",
                     "pubsub_patterns:\(s.pubsub.patterns.count)", "total_forks:\(s.persistence.totalForks)"]
        case "replication":
            lines = ["# Replication"] + s.replication.infoLines() + s.fencingInfoLines()
        case "cpu":
            var ru = rusage()
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &ru)
            let sys = Double(ru.ru_stime.tv_sec) + Double(ru.ru_stime.tv_usec) / 1e6
            let user = Double(ru.ru_utime.tv_sec) + Double(ru.ru_utime.tv_usec) / 1e6
            lines = ["# CPU", "used_cpu_sys:\(format6(sys))", "used_cpu_user:\(format6(user))"]
        case "modules":
            lines = ["# Modules"]
        case "commandstats":
            lines = ["# Commandstats"] + s.commandStatLines
        case "errorstats":
            lines = ["# Errorstats"] + s.errorStatLines
        case "cluster":
            lines = ["# Cluster", "cluster_enabled:0"]
        case "keyspace":
            lines = ["# Keyspace"]
            for db in s.databases where db.count > 0 {
                lines.append("db\(db.id):keys=\(db.count),expires=\(db.expires.count),avg_ttl=0")
            }
        default:
            lines = []
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Bytes held from the allocator, counted per allocation (CMallocCount): what Redis's
    /// used_memory is, and cheap enough to read before every command.
    static func usedMemory() -> Int { malloc_count_used() }

    static func rssBytes() -> Int {
        guard let text = FileIO.readText("/proc/self/statm") else { return 0 }
        let parts = text.split(separator: " ")
        guard parts.count > 1, let pages = Int(parts[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func human(_ bytes: Int) -> String {
        let d = Double(bytes)
        if d >= 1073741824.0 { return format2(d / 1073741824.0) + "G" }
        if d >= 1048576.0 { return format2(d / 1048576.0) + "M" }
        if d >= 1024.0 { return format2(d / 1024) + "K" }
        return "\(bytes)B"
    }

    static func format2(_ d: Double) -> String {
        let v = (d * 100).rounded() / 100
        let whole = Int(v)
        let frac = Int(((v - Double(whole)) * 100).rounded())
        return "\(whole).\(frac < 10 ? "0" : "")\(frac)"
    }

    static func format6(_ d: Double) -> String {
        let whole = Int(d)
        let frac = Int(((d - Double(whole)) * 1_000_000).rounded())
        let f = String(frac)
        return "\(whole)." + String(repeating: "0", count: Swift.max(0, 6 - f.count)) + f
    }
}
