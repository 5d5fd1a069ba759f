import Glibc
import SentinelCore
import RESP
import Config
import Runtime

/// What the shell itself needs from sentinel.conf (the directives that are not `sentinel ...`
/// state), where the state is persisted, and the loading of both.
struct ShellConfig {
    var port = 26379
    var bind: [String] = ["*", "-::*"]
    /// Sentinel's default is protected-mode no (it must be reachable by peers and clients).
    var protectedMode = false
    var requirepass = ""
    var logfile = ""
    var dir = ""
    var pidfile = ""
    var logLevel = LogLevel.notice
    var maxclients = 10000
    /// Optional HTTP port (off by default): metrics, web view, JSON state, event stream.
    /// `metrics-port` and `http-port` set it alike.
    var metricsPort = 0
    /// The config file given on the command line (nil: none, state kept in memory only).
    var configPath: String?
    /// `sentinel state-file <path>`: write generated state there instead of into the config
    /// file, so a read-only config file is not fatal (Redis Sentinel needs it writable).
    var stateFile: String?
    /// `user` lines (name, rules), applied to the ACL at start-up, and the aclfile (ACL SAVE /
    /// LOAD); not both, as in Redis.
    var userLines: [[String]] = []
    var aclfile = ""
    var acllogMaxLen = 128
    /// tls-port, tls-replication and the certificates (ShellTLS.swift).
    var tls = ShellTLS()

    /// Known shell directives; anything else that is not `sentinel ...` is refused at start-up.
    static let ignoredDirectives: Set<String> = ["daemonize", "supervised", "tcp-backlog", "tcp-keepalive", "timeout",
                                                 "hz", "always-show-logo", "set-proc-title",
                                                 "syslog-enabled", "syslog-ident", "syslog-facility", "unixsocket",
                                                 "unixsocketperm", "io-threads", "maxmemory", "databases",
                                                 // Replication and latency settings of redis.conf that
                                                 // redis-sentinel accepts (Redis's tests/sentinel sets
                                                 // repl-diskless-sync-delay) and that mean nothing here.
                                                 "repl-diskless-sync", "repl-diskless-sync-delay",
                                                 "latency-tracking", "latency-tracking-info-percentiles"]

    mutating func apply(_ directives: [(line: Int, args: [String])], source: (Int) -> String) throws(ConfigError) {
        for (line, args) in directives {
            let name = args[0].lowercased()
            let v = Array(args.dropFirst())
            func fail(_ reason: String) -> ConfigError {
                ConfigError(file: source(line), line: line, text: args.joined(separator: " "), reason: reason)
            }
            switch tls.apply(name, v) {
            case .applied: continue
            case .refused(let reason): throw fail(reason)
            case .notTLS: break
            }
            switch name {
            case "port":
                guard v.count == 1, let p = Int(v[0]), (0...65535).contains(p) else { throw fail("Invalid port") }
                port = p
            case "bind":
                bind = v
            case "protected-mode":
                guard v.count == 1, let b = ConfigFile.bool(v[0]) else { throw fail("argument must be 'yes' or 'no'") }
                protectedMode = b
            case "user":
                guard !v.isEmpty else { throw fail("wrong number of arguments") }
                if let reason = SentinelServer.userCheck(v) { throw fail(reason) }
                userLines.append(v)
            case "aclfile":
                guard v.count == 1 else { throw fail("wrong number of arguments") }
                aclfile = v[0]
            case "acllog-max-len":
                guard v.count == 1, let n = Int(v[0]), n >= 0 else { throw fail("argument couldn't be parsed into an integer") }
                acllogMaxLen = n
            case "requirepass":
                guard v.count == 1 else { throw fail("wrong number of arguments") }
                requirepass = v[0]
            case "logfile":
                guard v.count == 1 else { throw fail("wrong number of arguments") }
                logfile = v[0]
            case "dir":
                guard v.count == 1 else { throw fail("wrong number of arguments") }
                dir = v[0]
            case "pidfile":
                guard v.count == 1 else { throw fail("wrong number of arguments") }
                pidfile = v[0]
            case "loglevel":
                guard v.count == 1, let l = LogLevel(name: v[0]) else { throw fail("Invalid log level. Must be one of debug, verbose, notice, warning, nothing") }
                logLevel = l
            case "maxclients":
                guard v.count == 1, let n = Int(v[0]), n > 0 else { throw fail("Invalid max clients limit") }
                maxclients = n
            case "metrics-port", "http-port":
                // One listener under two names (docs/configuration.md): the last line wins,
                // as for any repeated directive.
                guard v.count == 1, let p = Int(v[0]), (0...65535).contains(p) else { throw fail("Invalid \(name == "http-port" ? "HTTP" : "metrics") port") }
                metricsPort = p
            case "enable-debug-command", "enable-protected-configs", "enable-module-command":
                // redis-sentinel reads redis.conf's settings and checks their values, but in
                // sentinel mode there is no DEBUG, MODULE or CONFIG SET to protect: no effect.
                guard v.count == 1, ["no", "yes", "local"].contains(v[0].lowercased()) else {
                    throw fail("argument(s) must be one of the following: no, yes, local")
                }
            case "daemonize":
                guard v.first?.lowercased() == "no" else { throw fail("daemonize yes is not supported: run the sentinel under a supervisor") }
            default:
                guard Self.ignoredDirectives.contains(name) else { throw fail("Bad directive or wrong number of arguments") }
            }
        }
        if !userLines.isEmpty && !aclfile.isEmpty {
            throw ConfigError(file: configPath, reason: "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.")
        }
    }
}

/// Reads the configuration from the file and the command line, and writes the state back.
struct ConfigStore {
    var shell = ShellConfig()
    /// The file's lines as the user wrote them (rewritten in place when persisting), each split
    /// once: a rewrite returns its lines split, so a persist splits none it wrote itself.
    private var file = SentinelConfigRewriter.SplitLines([])
    var fileLines: [String] { file.lines }

    /// Loads `sentinel [file] [--directive value ...]`.
    static func load(arguments: [String]) throws(ConfigError) -> (ConfigStore, SentinelConfig) {
        var store = ConfigStore()
        var rest = arguments
        if let first = rest.first, !first.hasPrefix("--") {
            store.shell.configPath = FileIO.absolute(first)
            rest.removeFirst()
            let text = try ConfigFile.read(path: first)
            var lines = ConfigFile.splitLines(text)
            if lines.last == "" { lines.removeLast() }
            store.file = .init(lines)
        }
        // Command-line directives are lines after the file's.
        let extra = try ConfigFile.parseArguments(rest).map { d in
            ([d.name] + d.args).map(ConfigFile.quote).joined(separator: " ")
        }
        var lines = store.fileLines + extra
        let fileLineCount = store.fileLines.count
        let path = store.shell.configPath
        func source(_ line: Int) -> String { line <= fileLineCount ? (path ?? "sentinel.conf") : "(command line)" }

        // `sentinel state-file` is the shell's: take it out before the state parser sees it.
        var stateFile: String?
        lines = lines.map { line in
            let words = ArgumentSplitter.split(line) ?? []
            if words.count == 3, words[0].lowercased() == "sentinel", words[1].lowercased() == "state-file" {
                stateFile = words[2]
                return "# (state-file) " + line
            }
            return line
        }
        if let stateFile, let state = FileIO.readText(stateFile) {
            // The state file holds the whole generated state: it replaces the file's `sentinel` lines.
            lines = lines.filter { (ArgumentSplitter.split($0)?.first?.lowercased() ?? "") != "sentinel" }
                + ConfigFile.splitLines(state)
        }
        store.shell.stateFile = stateFile
        let parsed: SentinelConfigParser.Result
        do {
            parsed = try SentinelConfigParser.parse(lines: lines)
        } catch {
            throw ConfigError(file: source(error.line), line: error.line, text: lines[error.line - 1], reason: error.reason)
        }
        try store.shell.apply(parsed.serverDirectives, source: source)
        try ScriptPathCheck.checkConfig(lines: lines, directory: store.shell.dir, source: source)
        store.shell.logLevel = parsed.config.logLevel
        return (store, parsed.config)
    }

    /// Writes the state atomically, keeping the user's lines, comments and the file's mode.
    /// Returns an error text when it could not be made durable.
    mutating func persist(_ config: SentinelConfig) -> String? {
        if let stateFile = shell.stateFile {
            let text = SentinelConfigRewriter.generatedLines(config).joined(separator: "\n") + "\n"
            do { try FileIO.replaceAtomically(stateFile, with: Array(text.utf8), defaultMode: 0o600) } catch {
                return "\(error)"
            }
            return nil
        }
        guard let path = shell.configPath else { return nil }
        let rewritten = SentinelConfigRewriter.rewrite(file, with: config)
        let text = rewritten.lines.joined(separator: "\n") + "\n"
        do {
            try FileIO.replaceAtomically(path, with: Array(text.utf8))
        } catch {
            return "\(error)"
        }
        file = rewritten
        return nil
    }
}
