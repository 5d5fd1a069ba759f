import Glibc
import SentinelCore
import RESP
import Runtime

// sentinel [sentinel.conf] [--directive value ...]
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "-v" || arguments.first == "--version" {
    print("sentinel v=\(RedisCompat.version) (Redis Sentinel compatible, Swift)")
    exit(0)
}
if arguments.first == "-h" || arguments.first == "--help" {
    print("""
    Usage: sentinel [/path/to/sentinel.conf] [--directive value ...]
    Examples:
           sentinel /etc/sentinel.conf
           sentinel sentinel.conf --port 26380
           sentinel --port 26379 --sentinel monitor mymaster 127.0.0.1 6379 2
    """)
    exit(0)
}

let loaded: (ConfigStore, SentinelConfig)
do {
    loaded = try ConfigStore.load(arguments: arguments)
} catch {
    FileHandleOut.stderr("\n\(error)\n")
    exit(1)
}
let (store, stateConfig) = loaded
let log = Logger(level: store.shell.logLevel, role: "X")
// As redis-server and redis-sentinel: `dir` is the working directory before anything is
// opened, so a relative logfile (and pidfile) is inside it (Redis's test harness relies on it).
if !store.shell.dir.isEmpty && chdir(store.shell.dir) != 0 {
    log.warning("Can't chdir to '\(store.shell.dir)': \(SystemError.text(errno))")
    exit(1)
}
if !store.shell.logfile.isEmpty && !log.setFile(store.shell.logfile) {
    FileHandleOut.stderr("Can't open the log file: \(store.shell.logfile)\n")
    exit(1)
}
if store.shell.configPath == nil {
    log.warning("Sentinel started without a config file: its state (epochs, votes, discovered replicas and sentinels) will not survive a restart.")
} else if store.shell.stateFile == nil, let path = store.shell.configPath, access(path, W_OK) != 0 {
    log.warning("Sentinel config file \(path) is not writable: \(SystemError.text(errno)). Add 'sentinel state-file <path>' to keep the state elsewhere. Exiting...")
    exit(1)
}
if !store.shell.pidfile.isEmpty {
    var text = "\(getpid())\n"
    let fd = open(store.shell.pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if fd >= 0 {
        text.withUTF8 { _ = FileIO.writeAll(fd, UnsafeRawBufferPointer($0)) }
        close(fd)
    }
}

do {
    // Peers reach a sentinel that links over TLS on its TLS port: it announces that one, as
    // redis-sentinel does (sentinel announce-port still wins).
    var machineConfig = stateConfig
    if store.shell.tls.replication && store.shell.tls.port > 0 { machineConfig.port = store.shell.tls.port }
    let server = try SentinelServer(store: store, config: machineConfig, log: log)
    if let error = server.loadUsersAtStartup() {
        log.warning("Aborting Redis startup because of ACL errors: \(error)")
        exit(1)
    }
    try server.start()
    server.run()
    exit(0)
} catch {
    log.warning("Failed listening on port \(store.shell.port) (tcp), aborting: \(error)")
    exit(1)
}
