import Glibc

/// --manual: the fleet runs until Ctrl-C, the panel stays live, and the user plays with it from
/// another terminal (redis-cli, kill -9) or with single keys here.
struct Manual {
    let stage: Stage
    let scenario: Scenario
    var fleet: Fleet { stage.fleet }

    func run() throws {
        try scenario.startFleet()
        try scenario.writeKeys()
        let keys = KeyboardInput()
        printCommands(keyboard: keys != nil)
        defer { keys?.restore() }
        stage.phase = keys == nil ? "running until Ctrl-C" : "running: k = kill the master, r = restart stopped nodes, q = quit"
        while true {
            try stage.tick()
            switch keys?.read() {
            case "q": return
            case "k": killMaster()
            case "r": restartStopped()
            default: break
            }
        }
    }

    private func killMaster() {
        guard let port = stage.sentinels.first?.masterPort, let i = stage.nodeIndex(port: port),
              fleet.nodes[i].process.isRunning else { return }
        fleet.nodes[i].process.killHard()
        stage.markKilled(i)
        stage.say("✘ killed \(fleet.nodes[i].name) (:\(port)), the master the sentinels named, with SIGKILL")
    }

    private func restartStopped() {
        for (i, n) in fleet.nodes.enumerated() where !n.process.isRunning {
            do {
                try n.process.start()
                stage.markStarted(i, restarted: true)
                stage.say("↻ restarted \(n.name) on :\(n.port)")
            } catch {
                stage.say("cannot restart \(n.name): \(error)")
            }
        }
    }

    private func printCommands(keyboard: Bool) {
        let s = fleet.sentinels[0].port
        let m = fleet.nodes[0]
        let r = fleet.nodes[1]
        let say = stage.say
        say("")
        say("The fleet is up; configs and logs are in \(fleet.directory)"
            + (fleet.options.keepDir ? " (kept at exit: --keep)" : " (deleted at exit; run with --keep to keep them)"))
        for n in fleet.nodes { say("  \(n.port == m.port ? "master " : "replica") \(n.name.padded(6)) 127.0.0.1:\(n.port)  pid \(n.process.pid)") }
        for n in fleet.sentinels { say("  sentinel \(n.name.padded(5)) 127.0.0.1:\(n.port)  pid \(n.process.pid)") }
        say("Try from another terminal, with redis-cli if you have it:")
        say("  redis-cli -p \(s) SENTINEL get-master-addr-by-name \(fleet.masterName)")
        say("  redis-cli -p \(s) SENTINEL replicas \(fleet.masterName)")
        say("  redis-cli -p \(s) PSUBSCRIBE '*'            # the sentinel's events")
        say("  redis-cli -p \(m.port) INFO replication")
        say("  redis-cli -p \(m.port) SET greeting hello; redis-cli -p \(r.port) GET greeting")
        say("  kill -9 \(m.process.pid)                       # kill the master and watch the failover")
        say("Without redis-cli, bash can send inline commands:")
        say("  exec 3<>/dev/tcp/127.0.0.1/\(s); printf 'SENTINEL get-master-addr-by-name \(fleet.masterName)\\r\\n' >&3; timeout 1 cat <&3; exec 3<&-")
        if keyboard {
            say("Here: k = kill the current master, r = restart stopped nodes, q or Ctrl-C = stop everything.")
        } else {
            // Not a terminal (a pipe, a CI job, nohup): no key bindings, only signals end it.
            say("Standard input is not a terminal, so there are no key bindings: the fleet runs until")
            say("Ctrl-C or `kill \(getpid())` (SIGINT or SIGTERM), then every process is stopped.")
        }
        say("")
    }
}

/// Single key presses from a terminal on stdin: no line buffering, no echo (an echoed key would
/// scroll the live panel). The previous settings come back in every exit path via `restore`.
final class KeyboardInput {
    private var saved = termios()

    init?() {
        guard isatty(0) == 1, tcgetattr(0, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        tcsetattr(0, TCSANOW, &raw)
    }

    /// The key pressed since the last call, if any.
    func read() -> Character? {
        var pfd = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, 0) > 0 else { return nil }
        var byte: UInt8 = 0
        guard Glibc.read(0, &byte, 1) == 1 else { return nil }
        return Character(Unicode.Scalar(byte))
    }

    func restore() { tcsetattr(0, TCSANOW, &saved) }
}
