/// Command-line options. `demo/failover` passes its arguments through, minus its own.
struct Options {
    var replicas = 2
    var sentinels = 3
    var quorum: Int?
    var downAfterMs = 1000
    var keys = 1000
    var manual = false
    var binDir: String?
    var keepDir = false
    /// First of the consecutive ports to use (master, replicas, then sentinels); nil: free
    /// ports chosen at random.
    var basePort: Int?
    /// Plain scrolling output even on a terminal.
    var plain = false

    var effectiveQuorum: Int { quorum ?? (sentinels == 3 ? 2 : sentinels / 2 + 1) }

    static let usage = """
    Usage: demo/failover [options]

    Builds the package in release mode, then starts a master, replicas and sentinels on free
    ports in a temporary directory, writes keys, kills the master with SIGKILL and shows the
    sentinels fail over: a live view on a terminal, plain lines otherwise. Ends with the new
    master's address, a check that every acknowledged key survived, the old master's return as
    a replica, and the measured times. Exit status 0 when every step succeeded.

    Options:
      --replicas N        replicas of the first master (default 2)
      --sentinels N       sentinels (default 3)
      --quorum N          sentinels that must agree the master is down (default 2 for 3
                          sentinels, a majority otherwise)
      --down-after MS     sentinel down-after-milliseconds (default 1000)
      --keys N            keys written and acknowledged before the kill (default 1000)
      --manual            start the fleet, print commands to try, and wait for Ctrl-C
      --plain             plain scrolling output even on a terminal
      --keep              keep the temporary directory (logs, configs) afterwards
      --base-port N       use ports N, N+1, ... (master, replicas, then sentinels) instead of
                          free ports chosen at random; fails if one of them is taken
      --bin-dir DIR       where miniredis and sentinel are (default: next to this program)
      --no-build          (demo/failover only) skip `swift build -c release`
      -h, --help          this text
    """

    static func parse(_ args: [String]) throws -> Options? {
        var o = Options()
        var i = 0
        func value(_ name: String) throws -> String {
            i += 1
            guard i < args.count else { throw DemoError("\(name) needs a value (see --help)") }
            return args[i]
        }
        func number(_ name: String, min: Int) throws -> Int {
            let text = try value(name)
            guard let n = Int(text), n >= min else { throw DemoError("\(name) needs a number ≥ \(min), not '\(text)'") }
            return n
        }
        while i < args.count {
            switch args[i] {
            case "-h", "--help": return nil
            case "--replicas": o.replicas = try number("--replicas", min: 1)
            case "--sentinels": o.sentinels = try number("--sentinels", min: 1)
            case "--quorum": o.quorum = try number("--quorum", min: 1)
            case "--down-after": o.downAfterMs = try number("--down-after", min: 100)
            case "--keys": o.keys = try number("--keys", min: 1)
            case "--manual": o.manual = true
            case "--plain": o.plain = true
            case "--keep": o.keepDir = true
            case "--bin-dir": o.binDir = try value("--bin-dir")
            case "--base-port": o.basePort = try number("--base-port", min: 1)
            case "--no-build": break
            default: throw DemoError("unknown option '\(args[i])' (see --help)")
            }
            i += 1
        }
        if let base = o.basePort, base + o.replicas + o.sentinels > 65535 {
            throw DemoError("--base-port \(base) leaves no room for \(1 + o.replicas + o.sentinels) ports below 65536")
        }
        if o.effectiveQuorum > o.sentinels {
            throw DemoError("--quorum \(o.effectiveQuorum) is more than the \(o.sentinels) sentinels")
        }
        return o
    }
}
