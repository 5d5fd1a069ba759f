/// The SENTINEL subcommands as Redis 7.2's command table declares them: a subcommand that is not
/// there is an unknown subcommand, one called with the wrong number of words an arity error, both
/// decided before the subcommand runs (and before authentication, see `precheck`).
extension Sentinel {
    /// Arity counted as Redis does, with SENTINEL and the subcommand (n: exactly n, -n: at least n).
    /// Redis 7.0 has CONFIG at -3 (so 7.0 answers `SENTINEL CONFIG HELP` with its "Only SENTINEL
    /// CONFIG GET..." error); 7.2 has -4 (an arity error). We are 7.2. The PRIMARY forms are
    /// Valkey's names, kept as aliases; they take their Redis twin's arity.
    public static let subcommandArity: [String: Int] = [
        "ckquorum": 3, "config": -4, "debug": -2, "failover": 3, "flushconfig": 2,
        "get-master-addr-by-name": 3, "help": 2, "info-cache": -3, "is-master-down-by-addr": 6,
        "master": 3, "masters": 2, "monitor": 6, "myid": 2, "pending-scripts": 2, "remove": 3,
        "replicas": 3, "reset": 3, "sentinels": 3, "set": -5, "simulate-failure": -3, "slaves": 3,
        "primary": 3, "primaries": 2, "get-primary-addr-by-name": 3, "is-primary-down-by-addr": 6,
    ]

    /// The error for `SENTINEL <sub> ...` (`args` without SENTINEL) that names no subcommand or
    /// has the wrong number of words, in Redis's words; nil when it may run.
    public static func subcommandError(_ args: [String]) -> String? {
        guard let first = args.first else { return "ERR wrong number of arguments for 'sentinel' command" }
        let sub = first.lowercased()
        guard let n = subcommandArity[sub] else {
            // Redis quotes at most 128 bytes of what was sent, and turns CR/LF into spaces so the
            // error stays one protocol line.
            let quoted = String(decoding: first.utf8.prefix(128).map { $0 == 13 || $0 == 10 ? 32 : $0 }, as: UTF8.self)
            return "ERR unknown subcommand '\(quoted)'. Try SENTINEL HELP."
        }
        let count = args.count + 1
        guard n > 0 ? count == n : count >= -n else { return "ERR wrong number of arguments for 'sentinel|\(sub)' command" }
        return nil
    }

    /// SENTINEL HELP, Redis 7.2's text: the header Redis's addReplyHelp puts first, the
    /// subcommands with their descriptions, and the HELP lines it puts last. 7.0 differs only in
    /// the two CONFIG lines (`CONFIG SET <param> <value>`, `CONFIG GET <param>`).
    static let helpLines = [
        "SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CKQUORUM <master-name>",
        "    Check if the current Sentinel configuration is able to reach the quorum",
        "    needed to failover a master and the majority needed to authorize the",
        "    failover.",
        "CONFIG SET param value [param value ...]",
        "    Set a global Sentinel configuration parameter.",
        "CONFIG GET <param> [param param param ...]",
        "    Get global Sentinel configuration parameter.",
        "DEBUG [<param> <value> ...]",
        "    Show a list of configurable time parameters and their values (milliseconds).",
        "    Or update current configurable parameters values (one or more).",
        "GET-MASTER-ADDR-BY-NAME <master-name>",
        "    Return the ip and port number of the master with that name.",
        "FAILOVER <master-name>",
        "    Manually failover a master node without asking for agreement from other",
        "    Sentinels",
        "FLUSHCONFIG",
        "    Force Sentinel to rewrite its configuration on disk, including the current",
        "    Sentinel state.",
        "INFO-CACHE <master-name>",
        "    Return last cached INFO output from masters and all its replicas.",
        "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
        "    Check if the master specified by ip:port is down from current Sentinel's",
        "    point of view.",
        "MASTER <master-name>",
        "    Show the state and info of the specified master.",
        "MASTERS",
        "    Show a list of monitored masters and their state.",
        "MONITOR <name> <ip> <port> <quorum>",
        "    Start monitoring a new master with the specified name, ip, port and quorum.",
        "MYID",
        "    Return the ID of the Sentinel instance.",
        "PENDING-SCRIPTS",
        "    Get pending scripts information.",
        "REMOVE <master-name>",
        "    Remove master from Sentinel's monitor list.",
        "REPLICAS <master-name>",
        "    Show a list of replicas for this master and their state.",
        "RESET <pattern>",
        "    Reset masters for specific master name matching this pattern.",
        "SENTINELS <master-name>",
        "    Show a list of Sentinel instances for this master and their state.",
        "SET <master-name> <option> <value> [<option> <value> ...]",
        "    Set configuration parameters for certain masters.",
        "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
        "    Simulate a Sentinel crash.",
        "HELP",
        "    Print this help.",
    ]
}
