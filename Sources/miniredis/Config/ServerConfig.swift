import RESP
import Config
import Runtime

/// The data node's settings, under Redis's directive names. Each directive has one entry in
/// `ServerConfig.table`, which drives the config file, the command line, CONFIG GET/SET and
/// CONFIG REWRITE alike, so the four cannot disagree.
struct ServerConfig: Sendable {
    var port = 6379
    /// Redis 7's default: loopback only; a leading '-' means "skip if unavailable".
    var bind = ["127.0.0.1", "-::1"]
    var protectedMode = true
    var requirepass = ""
    var dir = "./"
    var dbfilename = "dump.rdb"
    var appendonly = false
    var appendfilename = "appendonly.aof"
    var appenddirname = "appendonlydir"
    var appendfsync = "everysec"
    /// `save` rules: after `seconds` if at least `changes` writes.
    var save: [(seconds: Int, changes: Int)] = [(3600, 1), (300, 100), (60, 10000)]
    var maxclients = 10000
    var timeout = 0
    var tcpKeepalive = 300
    var loglevel = LogLevel.notice
    var logfile = ""
    var pidfile = ""
    /// Fork into the background at start-up, as Redis's `daemonize yes`.
    var daemonize = false
    var databases = 16
    var protoMaxBulkLen: Int64 = 512 * 1024 * 1024
    var clientQueryBufferLimit: Int64 = 1024 * 1024 * 1024
    var outputLimits = OutputLimits()
    var hz = 10
    var rdbcompression = true
    var rdbchecksum = true
    var aofLoadTruncated = true
    var stopWritesOnBgsaveError = true
    // Replication (used by the replication layer).
    var replicaof: (host: String, port: Int)?
    var masterauth = ""
    var masteruser = ""
    var replicaReadOnly = true
    var replicaServeStaleData = true
    var replicaPriority = 100
    var replicaAnnounced = true
    var replicaAnnounceIP = ""
    var replicaAnnouncePort = 0
    var replDisklessSync = true
    var replDisklessSyncDelay = 5
    var replBacklogSize: Int64 = 1024 * 1024
    var replBacklogTTL = 3600
    var replTimeout = 60
    var replPingReplicaPeriod = 10
    var minReplicasToWrite = 0
    var minReplicasMaxLag = 10
    /// Write fencing (not in Redis; docs/fencing.md): a master accepts writes only while this many
    /// sentinels hold an unexpired lease on it. 0 turns fencing off.
    var fencingQuorum = 0
    var fencingLeaseMs = 500
    // Memory (Server/Eviction.swift).
    /// Bytes of heap the dataset may use before keys are evicted (0: no limit).
    var maxmemory: Int64 = 0
    var maxmemoryPolicy = EvictionPolicy.noeviction
    var maxmemorySamples = 5
    var lfuLogFactor = 10
    var lfuDecayTime = 1
    /// Evictions reach replicas and the AOF as UNLINK rather than DEL (the free is synchronous
    /// either way: miniredis has no background free).
    var lazyfreeLazyEviction = false
    /// A replica leaves eviction to its master, whose DELs it applies.
    var replicaIgnoreMaxmemory = true
    /// Keyspace notifications published (notify-keyspace-events; empty: none).
    var notifyKeyspaceEvents: KeyspaceEvents = []
    /// Microseconds of delay per key loaded (a testing knob of Redis's, used by its sentinel
    /// suite to make a reboot's loading last: the node answers -LOADING meanwhile).
    var keyLoadDelay = 0
    /// While loading the dataset at start-up, clients are served after each this many bytes.
    var loadingProcessEventsIntervalBytes = 2 * 1024 * 1024
    /// listen()'s backlog for every listener.
    var tcpBacklog = 511
    /// A Unix domain socket to listen on too ("": none), and its mode (octal, 0: the umask's).
    var unixsocket = ""
    var unixsocketperm: UInt32 = 0
    /// Commands that took at least this many microseconds go to the slow log (negative: none).
    var slowlogLogSlowerThan: Int64 = 10_000
    var slowlogMaxLen = 128
    /// Milliseconds from which a command's time is a latency sample (0: the monitor is off).
    var latencyMonitorThreshold: Int64 = 0
    /// How long one eviction pass may run (0-100; 100: until done).
    var maxmemoryEvictionTenacity = 10
    /// Who may run DEBUG (Redis 7's enable-debug-command): nobody by default, as Redis, so a
    /// client cannot DEBUG SLEEP or DEBUG POPULATE a production node.
    var enableDebugCommand = ProtectedAction.no
    /// Who may CONFIG SET the protected configs (dir, dbfilename): they choose where the node
    /// writes files, so by default only the config file and the command line set them.
    var enableProtectedConfigs = ProtectedAction.no
    /// `rename-command` lines in order: (command, new name); an empty new name removes the
    /// command. Applied to the command table at start-up (CommandRenames.swift); not a run-time
    /// setting, as in Redis.
    var renamedCommands: [(from: String, to: String)] = []
    /// `user` lines of the config (each `name rule...`), applied to the ACL at start-up; checked
    /// as they are read by the program's `UserCheck`.
    var userLines: [[String]] = []
    /// The ACL file (ACL SAVE/LOAD), read at start-up; not with `user` lines, as in Redis.
    var aclfile = ""
    var acllogMaxLen = 128
    /// tls-port, certificates, tls-auth-clients, tls-replication... (TLSDirectives.swift).
    var tls = TLSConfig()
    /// Directives Redis has that this node accepts and reports but does not act on, so a real
    /// redis.conf loads unchanged. docs/configuration.md lists them.
    var ignored: [String: String] = ConfigTable.ignoredDefaults

    /// client-output-buffer-limit per class: hard bytes, soft bytes, soft seconds.
    struct OutputLimits: Sendable {
        var normal: (hard: Int64, soft: Int64, seconds: Int) = (0, 0, 0)
        var replica: (hard: Int64, soft: Int64, seconds: Int) = (256 << 20, 64 << 20, 60)
        var pubsub: (hard: Int64, soft: Int64, seconds: Int) = (32 << 20, 8 << 20, 60)
    }
}

/// Redis 7's setting for a protected action (enable-debug-command, enable-protected-configs,
/// enable-module-command): never, always, or only from a loopback client.
enum ProtectedAction: String, Sendable, CaseIterable {
    case no, yes, local

    func allows(localClient: Bool) -> Bool { self == .yes || (self == .local && localClient) }
}

/// One directive: how to read it from words and how to print it back.
struct ConfigEntry: Sendable {
    let name: String
    var aliases: [String] = []
    /// Cannot change at run time (CONFIG SET refuses it).
    var immutable = false
    /// Redis's PROTECTED_CONFIG: CONFIG SET takes it only as enable-protected-configs allows.
    var protected = false
    /// Words → new value, or a reason.
    let set: @Sendable (inout ServerConfig, [String]) -> String?
    /// Current value as CONFIG GET prints it.
    let get: @Sendable (ServerConfig) -> String
    /// Lines for CONFIG REWRITE (by default `get`, see `ConfigTable.rewriteValues`); an empty
    /// list removes the directive from the file.
    var rewriteLines: (@Sendable (ServerConfig) -> [String])? = nil
}

extension ServerConfig {
    /// set-max-intset-entries (an encoding hint kept with the ignored directives).
    var setMaxIntsetEntries: Int { Int(ignored["set-max-intset-entries"] ?? "") ?? 512 }
    /// Checks the rename-command lines read so far: why the last one is refused, or nil. The
    /// command table it needs lives outside this file (fuzz/build compiles this file alone), so
    /// the program passes `CommandTable.renameCheck`; Server refuses to start with a bad one.
    typealias RenameCheck = @Sendable ([(from: String, to: String)]) -> String?
    /// Checks a `user` line's words (name, rules): why it is refused, or nil (the ACL module
    /// lives outside this file for the same reason as the command table).
    typealias UserCheck = @Sendable ([String]) -> String?

    /// Applies directives in order (the file's, then the command line's, which have no line
    /// number), stopping at the first bad one with an error naming it.
    mutating func apply(_ directives: [ConfigDirective], file: String?, renameCheck: RenameCheck = { _ in nil },
                        userCheck: UserCheck = { _ in nil }) throws(ConfigError) {
        var sawSave = false
        for d in directives {
            func error(_ reason: String) -> ConfigError {
                ConfigError(file: d.line == nil ? nil : file, line: d.line, text: d.text, reason: reason)
            }
            if d.name.lowercased() == "rename-command" {
                guard d.args.count == 2 else { throw error("Bad directive or wrong number of arguments") }
                renamedCommands.append((d.args[0], d.args[1]))
                if let reason = renameCheck(renamedCommands) { throw error(reason) }
                continue
            }
            if d.name.lowercased() == "user" {
                guard !d.args.isEmpty else { throw error("Bad directive or wrong number of arguments") }
                if let reason = userCheck(d.args) { throw error(reason) }
                userLines.append(d.args)
                continue
            }
            guard let entry = ConfigTable.entry(d.name) else { throw error("Bad directive or wrong number of arguments") }
            // Multi-word directives also come as one quoted word (`--save "3600 1"`, as Redis 7
            // accepts on its command line and in CONFIG SET).
            var args = d.args
            if ConfigTable.multiWord.contains(entry.name), args.count == 1, args[0].contains(" ") {
                args = args[0].split(separator: " ").map(String.init)
            }
            let earlierRules = sawSave ? save : []
            if let reason = entry.set(&self, args) { throw error(reason) }
            // `save` lines add up, as Redis reads them (the classic redis.conf has three, and
            // CONFIG REWRITE writes one per rule): the first replaces the defaults, `save ""`
            // clears. Each line replacing the last kept only the last rule.
            if entry.name == "save" {
                sawSave = true
                if args != [""] { save = earlierRules + save }
            }
        }
        if !userLines.isEmpty && !aclfile.isEmpty { throw ConfigError(file: file, reason: Self.usersAndACLFile) }
    }

    static let usersAndACLFile = "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both."
}

enum ConfigTable {
    /// Directives whose value is several words.
    static let multiWord: Set<String> = ["save", "bind", "client-output-buffer-limit", "replicaof", "oom-score-adj-values"]

    static func entry(_ name: String) -> ConfigEntry? { index[name.lowercased()] }

    static let index: [String: ConfigEntry] = {
        var m: [String: ConfigEntry] = [:]
        for e in entries {
            m[e.name] = e
            for a in e.aliases { m[a] = e }
        }
        return m
    }()

    static let ignoredDefaults: [String: String] = [
        "supervised": "no",
        "lazyfree-lazy-expire": "no", "lazyfree-lazy-server-del": "no",
        "lazyfree-lazy-user-del": "no", "lazyfree-lazy-user-flush": "no", "replica-lazy-flush": "no",
        "io-threads": "1", "io-threads-do-reads": "no", "always-show-logo": "no", "set-proc-title": "yes",
        "proc-title-template": "{title} {listen-addr} {server-mode}", "locale-collate": "",
        "rdb-del-sync-files": "no", "repl-diskless-load": "disabled", "repl-disable-tcp-nodelay": "no",
        "no-appendfsync-on-rewrite": "no", "auto-aof-rewrite-percentage": "100", "auto-aof-rewrite-min-size": "67108864",
        "aof-use-rdb-preamble": "yes", "aof-timestamp-enabled": "no", "lua-time-limit": "5000", "busy-reply-threshold": "5000",
                "hash-max-listpack-entries": "128", "hash-max-listpack-value": "64",
        "hash-max-ziplist-entries": "128", "hash-max-ziplist-value": "64",
        "list-max-listpack-size": "-2", "list-max-ziplist-size": "-2", "list-compress-depth": "0",
        "set-max-intset-entries": "512", "set-max-listpack-entries": "128", "set-max-listpack-value": "64", "zset-max-listpack-entries": "128", "zset-max-listpack-value": "64",
        "zset-max-ziplist-entries": "128", "zset-max-ziplist-value": "64",
        "hll-sparse-max-bytes": "3000", "stream-node-max-bytes": "4096", "stream-node-max-entries": "100",
        "activerehashing": "yes", "dynamic-hz": "yes", "aof-rewrite-incremental-fsync": "yes",
        "rdb-save-incremental-fsync": "yes", "jemalloc-bg-thread": "yes", "crash-log-enabled": "yes",
        "crash-memcheck-enabled": "yes", "syslog-enabled": "no", "syslog-ident": "redis", "syslog-facility": "local0",
        "oom-score-adj": "no", "oom-score-adj-values": "0 200 800", "disable-thp": "yes",
        "repl-diskless-sync-max-replicas": "0", "enable-module-command": "no",
        "active-expire-effort": "1", "activedefrag": "no", "latency-tracking": "yes",
        "shutdown-timeout": "10", "shutdown-on-sigint": "default", "shutdown-on-sigterm": "default",
        "sanitize-dump-payload": "no", "propagation-error-behavior": "ignore", "replica-ignore-disk-write-errors": "no",
        "maxmemory-clients": "0", "tracking-table-max-keys": "1000000", "client-query-buffer-limit-fake": "",
    ]

    static func yesNo(_ b: Bool) -> String { b ? "yes" : "no" }

    static func boolEntry(_ name: String, aliases: [String] = [], immutable: Bool = false, _ kp: WritableKeyPath<ServerConfig, Bool> & Sendable) -> ConfigEntry {
        ConfigEntry(name: name, aliases: aliases, immutable: immutable, set: { c, a in
            guard a.count == 1 else { return "wrong number of arguments" }
            guard let b = ConfigFile.bool(a[0]) else { return "argument must be 'yes' or 'no'" }
            c[keyPath: kp] = b
            return nil
        }, get: { yesNo($0[keyPath: kp]) })
    }

    static func intEntry(_ name: String, aliases: [String] = [], immutable: Bool = false, min: Int = 0, max: Int = Int(Int32.max), _ kp: WritableKeyPath<ServerConfig, Int> & Sendable) -> ConfigEntry {
        ConfigEntry(name: name, aliases: aliases, immutable: immutable, set: { c, a in
            guard a.count == 1 else { return "wrong number of arguments" }
            guard let n = Int(a[0]) else { return "argument couldn't be parsed into an integer" }
            guard n >= min && n <= max else { return "argument must be between \(min) and \(max) inclusive" }
            c[keyPath: kp] = n
            return nil
        }, get: { String($0[keyPath: kp]) })
    }

    static func memoryEntry(_ name: String, min: Int64 = 0, _ kp: WritableKeyPath<ServerConfig, Int64> & Sendable) -> ConfigEntry {
        ConfigEntry(name: name, set: { c, a in
            guard a.count == 1 else { return "wrong number of arguments" }
            guard let n = ConfigFile.memory(a[0]) else { return "argument must be a memory value" }
            guard n >= min else { return "argument must be a memory value of at least \(min)" }
            c[keyPath: kp] = n
            return nil
        }, get: { String($0[keyPath: kp]) })
    }

    static func stringEntry(_ name: String, aliases: [String] = [], immutable: Bool = false, protected: Bool = false, _ kp: WritableKeyPath<ServerConfig, String> & Sendable) -> ConfigEntry {
        ConfigEntry(name: name, aliases: aliases, immutable: immutable, protected: protected, set: { c, a in
            guard a.count == 1 else { return "wrong number of arguments" }
            c[keyPath: kp] = a[0]
            return nil
        }, get: { $0[keyPath: kp] })
    }

    /// An enum directive of Redis 7's protected_action_enum, immutable as in Redis.
    static func protectedActionEntry(_ name: String, _ kp: WritableKeyPath<ServerConfig, ProtectedAction> & Sendable) -> ConfigEntry {
        ConfigEntry(name: name, immutable: true, set: { c, a in
            guard a.count == 1, let v = ProtectedAction(rawValue: a[0].lowercased()) else {
                return "argument(s) must be one of the following: no, yes, local"
            }
            c[keyPath: kp] = v
            return nil
        }, get: { $0[keyPath: kp].rawValue })
    }

    static let entries: [ConfigEntry] = [
        intEntry("port", max: 65535, \.port),
        ConfigEntry(name: "bind", set: { c, a in
            guard !a.isEmpty else { return "wrong number of arguments" }
            c.bind = a
            return nil
        }, get: { $0.bind.joined(separator: " ") }),
        boolEntry("protected-mode", \.protectedMode),
        stringEntry("requirepass", \.requirepass),
        ConfigEntry(name: "dir", protected: true, set: { c, a in
            guard a.count == 1 else { return "wrong number of arguments" }
            c.dir = a[0]
            return nil
        }, get: { FileIO.absolute($0.dir) }),
        stringEntry("dbfilename", protected: true, \.dbfilename),
        boolEntry("appendonly", \.appendonly),
        stringEntry("appendfilename", immutable: true, \.appendfilename),
        stringEntry("appenddirname", immutable: true, \.appenddirname),
        ConfigEntry(name: "appendfsync", set: { c, a in
            guard a.count == 1 else { return "wrong number of arguments" }
            let v = a[0].lowercased()
            guard ["always", "everysec", "no"].contains(v) else { return "argument(s) must be one of the following: always, everysec, no" }
            c.appendfsync = v
            return nil
        }, get: { $0.appendfsync }),
        ConfigEntry(name: "save", set: { c, a in
            // `save ""` disables; otherwise pairs of seconds and changes (several per line allowed).
            if a.count == 1 && a[0].isEmpty { c.save = []; return nil }
            guard !a.isEmpty, a.count % 2 == 0 else { return "Invalid save parameters" }
            var rules: [(Int, Int)] = []
            for i in stride(from: 0, to: a.count, by: 2) {
                guard let s = Int(a[i]), let ch = Int(a[i + 1]), s >= 1, ch >= 0 else { return "Invalid save parameters" }
                rules.append((s, ch))
            }
            c.save = rules
            return nil
        }, get: { $0.save.map { "\($0.seconds) \($0.changes)" }.joined(separator: " ") },
           rewriteLines: { c in c.save.isEmpty ? ["\"\""] : c.save.map { "\($0.seconds) \($0.changes)" } }),
        intEntry("maxclients", min: 1, max: 1_000_000, \.maxclients),
        intEntry("timeout", \.timeout),
        intEntry("tcp-keepalive", \.tcpKeepalive),
        ConfigEntry(name: "loglevel", set: { c, a in
            guard a.count == 1, let l = LogLevel(name: a[0]) else { return "argument(s) must be one of the following: debug, verbose, notice, warning, nothing" }
            c.loglevel = l
            return nil
        }, get: { $0.loglevel.name }),
        stringEntry("logfile", immutable: true, \.logfile),
        stringEntry("pidfile", immutable: true, \.pidfile),
        boolEntry("daemonize", immutable: true, \.daemonize),
        // Refused rather than ignored: a node started as a cluster node that comes up
        // standalone would take writes for every slot.
        ConfigEntry(name: "cluster-enabled", immutable: true, set: { _, a in
            guard a.count == 1, let on = ConfigFile.bool(a[0]) else { return "argument must be 'yes' or 'no'" }
            return on ? "cluster mode is not supported by miniredis yet: cluster-enabled yes would start a standalone node (remove the line, or run redis-server for a cluster)" : nil
        }, get: { _ in "no" }),
        intEntry("databases", immutable: true, min: 1, max: 10_000, \.databases),
        memoryEntry("proto-max-bulk-len", min: 1024 * 1024, \.protoMaxBulkLen),
        memoryEntry("client-query-buffer-limit", min: 1024 * 1024, \.clientQueryBufferLimit),
        ConfigEntry(name: "client-output-buffer-limit", set: { c, a in
            guard !a.isEmpty, a.count % 4 == 0 else { return "Wrong number of arguments in buffer limit configuration." }
            var limits = c.outputLimits
            for i in stride(from: 0, to: a.count, by: 4) {
                guard let hard = ConfigFile.memory(a[i + 1]), let soft = ConfigFile.memory(a[i + 2]), let secs = Int(a[i + 3]), secs >= 0 else {
                    return "Error in hard, soft or soft_seconds setting in buffer limit configuration."
                }
                switch a[i].lowercased() {
                case "normal": limits.normal = (hard, soft, secs)
                case "slave", "replica": limits.replica = (hard, soft, secs)
                case "pubsub": limits.pubsub = (hard, soft, secs)
                default: return "Invalid client class specified in buffer limit configuration."
                }
            }
            c.outputLimits = limits
            return nil
        }, get: { c in
            let o = c.outputLimits
            return "normal \(o.normal.hard) \(o.normal.soft) \(o.normal.seconds) slave \(o.replica.hard) \(o.replica.soft) \(o.replica.seconds) pubsub \(o.pubsub.hard) \(o.pubsub.soft) \(o.pubsub.seconds)"
        }),
        intEntry("hz", min: 1, max: 500, \.hz),
        boolEntry("rdbcompression", \.rdbcompression),
        boolEntry("rdbchecksum", \.rdbchecksum),
        boolEntry("aof-load-truncated", \.aofLoadTruncated),
        boolEntry("stop-writes-on-bgsave-error", \.stopWritesOnBgsaveError),
        ConfigEntry(name: "replicaof", aliases: ["slaveof"], set: { c, a in
            guard a.count == 2 else { return "wrong number of arguments" }
            if a[0].lowercased() == "no" && a[1].lowercased() == "one" { c.replicaof = nil; return nil }
            guard let p = Int(a[1]), p > 0, p <= 65535 else { return "Invalid master port" }
            c.replicaof = (a[0], p)
            return nil
        }, get: { c in c.replicaof.map { "\($0.host) \($0.port)" } ?? "" },
           rewriteLines: { c in c.replicaof.map { ["\(ConfigFile.quote($0.host)) \($0.port)"] } ?? [] }),
        stringEntry("masterauth", \.masterauth),
        stringEntry("masteruser", \.masteruser),
        boolEntry("replica-read-only", aliases: ["slave-read-only"], \.replicaReadOnly),
        boolEntry("replica-serve-stale-data", aliases: ["slave-serve-stale-data"], \.replicaServeStaleData),
        intEntry("replica-priority", aliases: ["slave-priority"], \.replicaPriority),
        boolEntry("replica-announced", \.replicaAnnounced),
        stringEntry("replica-announce-ip", aliases: ["slave-announce-ip"], \.replicaAnnounceIP),
        intEntry("replica-announce-port", aliases: ["slave-announce-port"], max: 65535, \.replicaAnnouncePort),
        boolEntry("repl-diskless-sync", \.replDisklessSync),
        intEntry("repl-diskless-sync-delay", \.replDisklessSyncDelay),
        memoryEntry("repl-backlog-size", min: 1, \.replBacklogSize),
        intEntry("repl-backlog-ttl", \.replBacklogTTL),
        intEntry("repl-timeout", min: 1, \.replTimeout),
        intEntry("repl-ping-replica-period", aliases: ["repl-ping-slave-period"], min: 1, \.replPingReplicaPeriod),
        intEntry("min-replicas-to-write", aliases: ["min-slaves-to-write"], \.minReplicasToWrite),
        intEntry("min-replicas-max-lag", aliases: ["min-slaves-max-lag"], \.minReplicasMaxLag),
        intEntry("fencing-quorum", max: 1024, \.fencingQuorum),
        intEntry("fencing-lease-ms", min: 10, max: 3_600_000, \.fencingLeaseMs),
        memoryEntry("maxmemory", \.maxmemory),
        ConfigEntry(name: "maxmemory-policy", set: { c, a in
            guard a.count == 1, let p = EvictionPolicy(rawValue: a[0].lowercased()) else {
                return "argument(s) must be one of the following: " + EvictionPolicy.allCases.map(\.rawValue).joined(separator: ", ")
            }
            c.maxmemoryPolicy = p
            return nil
        }, get: { $0.maxmemoryPolicy.rawValue }),
        intEntry("maxmemory-samples", min: 1, \.maxmemorySamples),
        intEntry("maxmemory-eviction-tenacity", max: 100, \.maxmemoryEvictionTenacity),
        intEntry("lfu-log-factor", \.lfuLogFactor),
        intEntry("lfu-decay-time", \.lfuDecayTime),
        boolEntry("lazyfree-lazy-eviction", \.lazyfreeLazyEviction),
        intEntry("tcp-backlog", immutable: true, \.tcpBacklog),
        intEntry("key-load-delay", min: Int(Int32.min), \.keyLoadDelay),
        intEntry("loading-process-events-interval-bytes", min: 1024, \.loadingProcessEventsIntervalBytes),
        stringEntry("unixsocket", immutable: true, \.unixsocket),
        ConfigEntry(name: "unixsocketperm", immutable: true, set: { c, a in
            // Octal, as Redis reads it (700, 0770).
            guard a.count == 1, let mode = UInt32(a[0], radix: 8), mode <= 0o777 else { return "argument couldn't be parsed into an integer" }
            c.unixsocketperm = mode
            return nil
        }, get: { String($0.unixsocketperm, radix: 8) }),
        ConfigEntry(name: "slowlog-log-slower-than", set: { c, a in
            guard a.count == 1, let n = Int64(a[0]) else { return "argument couldn't be parsed into an integer" }
            guard n >= -1 else { return "argument must be between -1 and 9223372036854775807 inclusive" }
            c.slowlogLogSlowerThan = n
            return nil
        }, get: { String($0.slowlogLogSlowerThan) }),
        intEntry("slowlog-max-len", max: Int.max, \.slowlogMaxLen),
        intEntry("acllog-max-len", max: Int.max, \.acllogMaxLen),
        stringEntry("aclfile", immutable: true, \.aclfile),
    ] + tlsEntries + [
        ConfigEntry(name: "latency-monitor-threshold", set: { c, a in
            guard a.count == 1, let n = Int64(a[0]) else { return "argument couldn't be parsed into an integer" }
            guard n >= 0 else { return "argument must be between 0 and 9223372036854775807 inclusive" }
            c.latencyMonitorThreshold = n
            return nil
        }, get: { String($0.latencyMonitorThreshold) }),
        ConfigEntry(name: "notify-keyspace-events", set: { c, a in
            guard a.count == 1 else { return "wrong number of arguments" }
            guard let flags = KeyspaceEvents(setting: a[0]) else { return KeyspaceEvents.invalidClass }
            c.notifyKeyspaceEvents = flags
            return nil
        }, get: { $0.notifyKeyspaceEvents.setting }),
        boolEntry("replica-ignore-maxmemory", aliases: ["slave-ignore-maxmemory"], \.replicaIgnoreMaxmemory),
        protectedActionEntry("enable-debug-command", \.enableDebugCommand),
        protectedActionEntry("enable-protected-configs", \.enableProtectedConfigs),
    ] + ignoredDefaults.keys.sorted().map { name in
        ConfigEntry(name: name, set: { c, a in
            c.ignored[name] = a.joined(separator: " ")
            return nil
        }, get: { $0.ignored[name] ?? "" })
    }

    /// CONFIG SET's reading of one value: a multi-word directive (save, bind,
    /// client-output-buffer-limit) takes its words from the one argument, others take it whole.
    /// Returns why the value was refused.
    static func setAtRunTime(_ c: inout ServerConfig, _ e: ConfigEntry, _ value: String) -> String? {
        let words: [String]
        if multiWord.contains(e.name) {
            words = value.isEmpty ? [""] : value.split(separator: " ").map(String.init)
        } else {
            words = [value]
        }
        return e.set(&c, words)
    }

    /// What CONFIG REWRITE writes into `original` (the file as it is now): every directive whose
    /// value differs from the default, and the default ones the file sets (kept in place). What
    /// it writes loads back into the same values (checked by fuzz/run server-config).
    static func rewriteValues(_ config: ServerConfig, original: String) -> [(name: String, lines: [String])] {
        let defaults = ServerConfig()
        let namesInFile = Set(ConfigFile.splitLines(original).compactMap { ArgumentSplitter.split($0)?.first?.lowercased() })
        var values: [(name: String, lines: [String])] = []
        for e in entries {
            let current = e.get(config)
            // A value of several words (bind, client-output-buffer-limit, and the ignored
            // directives, which keep their words joined) is written word by word, empty ones
            // included; any other value is one argument: unquoted, `requirepass "a b"` came back
            // as two and the file did not load.
            let severalWords = multiWord.contains(e.name) || ignoredDefaults[e.name] != nil
            let lines = e.rewriteLines?(config) ?? [severalWords ? words(current) : ConfigFile.quote(current)]
            // A directive the file sets under an alias (slaveof) is rewritten under that name, and
            // the lines of its other names are removed: left alone, they would set the old value
            // again at the next start.
            let used = ([e.name] + e.aliases).filter(namesInFile.contains)
            // Default values are dropped unless the file sets them (then they are kept in place).
            if current == e.get(defaults) && e.name != "dir" && used.isEmpty { continue }
            values.append((used.first ?? e.name, lines))
            for other in used.dropFirst() { values.append((other, [])) }
        }
        return values
    }

    /// `value`'s space-separated words, each quoted as needed, so that the directive's words
    /// joined by spaces read back as `value`.
    static func words(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: false).map { ConfigFile.quote(String($0)) }.joined(separator: " ")
    }

    /// Names in CONFIG GET order (table order; aliases are not listed, as Redis lists them only
    /// when asked by name).
    static var names: [String] { entries.map(\.name) }
}
