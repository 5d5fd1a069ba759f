import RESP
import Config
import Runtime

/// CONFIG GET / SET / REWRITE / RESETSTAT, all driven by `ConfigTable`.
enum ConfigCommand {
    static func config(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        switch a[1].lowercasedASCII {
        case "get":
            guard a.count >= 3 else { return ctx.reply.error(Errors.arity("config|get")) }
            var seen = Set<String>()
            var pairs: [(String, String)] = []
            for patternBytes in a.dropFirst(2) {
                let pattern = patternBytes.lowercasedASCII
                let hasGlob = pattern.contains { "*?[".contains($0) }
                if !hasGlob {
                    // Asking by exact name also finds aliases (slaveof, slave-priority...).
                    if let e = ConfigTable.entry(pattern), !seen.contains(pattern) {
                        seen.insert(pattern)
                        pairs.append((pattern, e.get(s.config)))
                    }
                    continue
                }
                for e in ConfigTable.entries where !seen.contains(e.name) && Glob.match(pattern, e.name, caseInsensitive: true) {
                    seen.insert(e.name)
                    pairs.append((e.name, e.get(s.config)))
                }
            }
            ctx.reply.mapHeader(pairs.count)
            for (k, v) in pairs { ctx.reply.bulk(k); ctx.reply.bulk(v) }
        case "set":
            guard a.count >= 4, a.count % 2 == 0 else { return ctx.reply.error(Errors.arity("config|set")) }
            var updated = s.config
            var names: Set<String> = []
            for i in stride(from: 2, to: a.count, by: 2) {
                let name = a[i].lowercasedASCII
                guard let e = ConfigTable.entry(name) else {
                    return ctx.reply.error("ERR Unknown option or number of arguments for CONFIG SET - '\(a[i].utf8Text)'")
                }
                guard !names.contains(e.name) else {
                    return ctx.reply.error("ERR CONFIG SET failed (possibly related to argument '\(name)') - duplicate parameter")
                }
                names.insert(e.name)
                if e.immutable {
                    return ctx.reply.error("ERR CONFIG SET failed (possibly related to argument '\(name)') - can't set immutable config")
                }
                if e.protected && !s.config.enableProtectedConfigs.allows(localClient: c.isLocal) {
                    return ctx.reply.error("ERR CONFIG SET failed (possibly related to argument '\(name)') - can't set protected config")
                }
                if let reason = ConfigTable.setAtRunTime(&updated, e, a[i + 1].utf8Text) {
                    return ctx.reply.error("ERR CONFIG SET failed (possibly related to argument '\(name)') - \(reason)")
                }
            }
            if let err = s.applyConfigChange(from: s.config, to: updated, names: names) {
                return ctx.reply.error("ERR CONFIG SET failed - \(err)")
            }
            ctx.reply.ok()
        case "rewrite":
            guard let path = s.configFile else { return ctx.reply.error("ERR The server is running without a config file") }
            if let err = s.rewriteConfig(path: path) {
                return ctx.reply.error("ERR Rewriting config file: \(err)")
            }
            ctx.reply.ok()
        case "resetstat":
            s.stats = Server.Stats()
            s.commandStats = []
            s.errorStats = [:]
            ctx.reply.ok()
        case "help":
            let lines = ["CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                         "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
                         "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
                         "RESETSTAT", "    Reset statistics reported by the INFO command.",
                         "REWRITE", "    Rewrite the configuration file.",
                         "HELP", "    Print this help."]
            ctx.reply.helpLines(lines)
        default:
            ctx.reply.error(Errors.unknownSubcommand(a[1], a[0].utf8Text))
        }
    }
}

extension Server {
    /// Applies a changed configuration at run time (what needs more than storing the value).
    func applyConfigChange(from old: ServerConfig, to new: ServerConfig, names: Set<String>) -> String? {
        config = new
        log.level = new.loglevel
        // A directive without effect set at run time says so, as at start-up.
        let changedIgnored = new.ignored.filter { names.contains($0.key) && old.ignored[$0.key] != $0.value }
        for warning in IgnoredDirectives.warnings(changedIgnored) { log.warning(warning) }
        intsetLimit = new.setMaxIntsetEntries
        timesCommands = Server.timesCommands(new)
        activeKeyspaceEvents = new.notifyKeyspaceEvents.active
        slowLog.trim(to: new.slowlogMaxLen)
        if names.contains("requirepass") { aclUsers.setRequirepass(Array(new.requirepass.utf8)) }
        aclLog.maxLength = new.acllogMaxLen
        aclLog.trim()
        if names.contains("port") || names.contains("bind") {
            let saved = listeners
            listeners = []
            do {
                try listen()
                for l in saved { loop.unregister(l.fd); Glibc.close(l.fd) }
            } catch {
                for l in listeners { loop.unregister(l.fd); Glibc.close(l.fd) }
                listeners = saved
                config = old
                return "Unable to listen on this port: \(error.reason)"
            }
        }
        if names.contains("dir") {
            // As redis-server: CONFIG SET dir is a chdir (snapshots and the AOF are written
            // there), and CONFIG GET dir then shows the directory it is in.
            guard chdir(new.dir) == 0 else {
                let reason = SystemError.text(errno)
                config = old
                return reason
            }
            config.dir = FileIO.currentDirectory() ?? config.dir
        }
        if names.contains("appendonly") && old.appendonly != new.appendonly {
            persistence.appendOnlyChanged()
        }
        if names.contains("replicaof") || names.contains("slaveof") {
            replication.configChanged(old: old.replicaof)
        }
        if old.maxmemoryPolicy != new.maxmemoryPolicy || old.lfuLogFactor != new.lfuLogFactor || old.lfuDecayTime != new.lfuDecayTime {
            tickKeyAccess()
            evictor.reset()
        }
        if names.contains("maxmemory") && new.maxmemory > 0 {
            // Lowered below what is in use: evict down now, as Redis does (and warn, as it does).
            let used = memoryCountedForEviction()
            if used > new.maxmemory {
                log.warning("WARNING: the new maxmemory value set via CONFIG SET (\(new.maxmemory)) is smaller than the current memory usage (\(used)). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.")
                performEvictions()
                evictionRunning = evictionRunning || memoryCountedForEviction() > new.maxmemory
            }
        }
        return nil
    }

    /// CONFIG REWRITE: every directive whose value differs from the default is written; lines
    /// the user wrote keep their place and comments.
    func rewriteConfig(path: String) -> String? {
        let original = FileIO.readText(path) ?? ""
        var values = ConfigTable.rewriteValues(config, original: original)
        // The ACL's users, as `user` lines, unless an aclfile keeps them (as redis-server does).
        if config.aclfile.isEmpty {
            values.append(("user", aclUsers.names.compactMap { aclUsers.describe($0).map { String($0.dropFirst("user ".count)) } }))
        }
        let text = ConfigFile.rewrite(original: original, values: values)
        do {
            try FileIO.replaceAtomically(path, with: Array(text.utf8))
        } catch {
            return error.description
        }
        return nil
    }
}

import Glibc
