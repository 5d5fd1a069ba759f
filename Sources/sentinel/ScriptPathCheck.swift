import Glibc
import SentinelCore
import Config
import RESP

/// Redis refuses a notification or client-reconfig script that does not exist or cannot be
/// executed, at config load and in SENTINEL SET, rather than failing at the first failover.
/// Whether a file is executable is I/O, so the shell checks it; the machine keeps the rest of
/// the validation (deny-scripts-reconfig, the master's name).
enum ScriptPathCheck {
    static func isExecutable(_ path: String) -> Bool { access(path, X_OK) == 0 }

    /// The config file's text for a script line that fails, or nil.
    static func configRefusal(option: String, path: String) -> String? {
        guard !isExecutable(path) else { return nil }
        return option == "notification-script"
            ? "Notification script seems non existing or non executable."
            : "Client reconfiguration script seems non existing or non executable."
    }

    /// `sentinel notification-script|client-reconfig-script <master> <path>` lines that name a
    /// script that cannot run: the first as a config error, as Redis stops at it. A relative path
    /// is taken from `directory` (the `dir` directive, if any): redis-sentinel checks the
    /// scripts after its chdir there, and runs them from there.
    static func checkConfig(lines: [String], directory: String, source: (Int) -> String) throws(ConfigError) {
        for (i, line) in lines.enumerated() {
            guard let words = ArgumentSplitter.split(line), words.count == 4, words[0].lowercased() == "sentinel" else { continue }
            let option = words[1].lowercased()
            guard option == "notification-script" || option == "client-reconfig-script",
                  let reason = configRefusal(option: option, path: resolved(words[3], in: directory)) else { continue }
            throw ConfigError(file: source(i + 1), line: i + 1, text: line, reason: reason)
        }
    }

    static func resolved(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") || directory.isEmpty ? path : directory + "/" + path
    }

    /// SENTINEL SET's error for a script option naming a file that cannot run, or nil. Only
    /// where the machine would accept the option otherwise: a known master, scripts allowed.
    /// `config` is asked only for a SENTINEL SET that names a script.
    static func setRefusal(_ args: [String], config: () -> SentinelConfig) -> String? {
        guard args.count >= 5, args[0].lowercased() == "sentinel", args[1].lowercased() == "set",
              args.contains(where: { ["notification-script", "client-reconfig-script"].contains($0.lowercased()) }) else { return nil }
        let config = config()
        guard !config.denyScriptsReconfig, config.masters.contains(where: { $0.name == args[2] }) else { return nil }
        var i = 3
        while i + 1 < args.count {
            let option = args[i].lowercased()
            if option == "rename-command" { i += 3; continue }
            let value = args[i + 1]
            // Redis words it as at config load, as an error and without the final period.
            if option == "notification-script" || option == "client-reconfig-script", !value.isEmpty,
               let reason = configRefusal(option: option, path: value) {
                return "ERR " + reason.dropLast()
            }
            i += 2
        }
        return nil
    }
}
