/// The redis.conf directives miniredis accepts but does not act on, and why. A node started with
/// one of them set to anything but its default says so once at start-up (and CONFIG SET says it
/// in the log), so a setting never looks honoured when it is not. Encoding size hints are the
/// exception: miniredis has one representation per type, so they change nothing stored and are
/// accepted silently; OBJECT ENCODING reads them to report what Redis would use (listed in
/// docs/configuration.md).
enum IgnoredDirectives {
    /// Directive → why it has no effect. nil: a silent encoding hint.
    static let reasons: [String: String?] = {
        var r: [String: String?] = [:]
        func add(_ names: [String], _ reason: String?) { for n in names { r[n] = reason } }
        add(["hash-max-listpack-entries", "hash-max-listpack-value", "hash-max-ziplist-entries", "hash-max-ziplist-value",
             "list-max-listpack-size", "list-max-ziplist-size", "list-compress-depth", "set-max-intset-entries",
             "set-max-listpack-entries", "set-max-listpack-value",
             "zset-max-listpack-entries", "zset-max-listpack-value", "zset-max-ziplist-entries", "zset-max-ziplist-value",
             "hll-sparse-max-bytes", "stream-node-max-bytes", "stream-node-max-entries"], nil)
        add(["maxmemory-clients"], "clients are never closed to free memory; only keys are evicted")
        add(["lazyfree-lazy-expire", "lazyfree-lazy-server-del", "lazyfree-lazy-user-del", "lazyfree-lazy-user-flush",
             "replica-lazy-flush"], "every delete and flush is synchronous")
        add(["supervised"], "no systemd/upstart notification is sent; run it in the foreground under the supervisor")
        add(["io-threads", "io-threads-do-reads"], "one thread serves every client")
        add(["latency-tracking"], "there are no per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM)")
        add(["lua-time-limit", "busy-reply-threshold"], "there is no scripting (EVAL, FUNCTION)")
        add(["always-show-logo", "set-proc-title", "proc-title-template", "locale-collate", "syslog-enabled", "syslog-ident",
             "syslog-facility", "crash-log-enabled", "crash-memcheck-enabled", "oom-score-adj", "oom-score-adj-values",
             "disable-thp", "jemalloc-bg-thread"], "a process setting of redis-server that miniredis does not implement")
        add(["activerehashing", "dynamic-hz", "active-expire-effort", "activedefrag", "aof-rewrite-incremental-fsync",
             "rdb-save-incremental-fsync"], "a tuning knob of redis-server's internals, which miniredis does not share")
        add(["rdb-del-sync-files"], "the RDB file a replica loads is kept")
        add(["repl-diskless-load"], "a replica always loads its master's payload from a temporary file")
        add(["repl-disable-tcp-nodelay"], "replication links always use TCP_NODELAY")
        add(["repl-diskless-sync-max-replicas"], "a diskless transfer starts after repl-diskless-sync-delay, however many replicas wait")
        add(["no-appendfsync-on-rewrite", "auto-aof-rewrite-percentage", "auto-aof-rewrite-min-size", "aof-timestamp-enabled"],
            "the AOF is not rewritten automatically (BGREWRITEAOF rewrites it)")
        add(["aof-use-rdb-preamble"], "the AOF base is always an RDB file")
        add(["enable-module-command"], "there are no modules (MODULE is an unknown command)")
        add(["shutdown-timeout", "shutdown-on-sigint", "shutdown-on-sigterm"], "shutdown saves (if save points are set) and exits at once")
        add(["sanitize-dump-payload"], "there is no RESTORE")
        add(["propagation-error-behavior", "replica-ignore-disk-write-errors"], "a replica stops on a stream it cannot apply")
        add(["tracking-table-max-keys"], "there is no client-side caching (CLIENT TRACKING)")
        add(["client-query-buffer-limit-fake"], "not a setting miniredis knows")
        return r
    }()

    /// One warning per directive set to other than its default, in name order.
    static func warnings(_ values: [String: String]) -> [String] {
        values.keys.sorted().compactMap { name in
            guard let value = values[name], value.lowercased() != ConfigTable.ignoredDefaults[name]?.lowercased() else { return nil }
            // Not in the table: not implemented; in it as nil: a silent encoding hint.
            let listed: String?? = reasons[name]
            guard let reason = listed ?? "not implemented" else { return nil }
            return warning(name, value, reason)
        }
    }

    static func warning(_ name: String, _ value: String, _ reason: String) -> String {
        "WARNING: '\(name) \(value)' has no effect in miniredis: \(reason)."
    }
}
