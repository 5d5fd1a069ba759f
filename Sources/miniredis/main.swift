import Glibc
import Config
import Runtime

// miniredis [redis.conf] [--directive value ...]
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "-v" || arguments.first == "--version" {
    print("miniredis v=\(ServerInfo.version) (Redis-compatible data node)")
    exit(0)
}
if arguments.first == "-h" || arguments.first == "--help" {
    print("Usage: miniredis [/path/to/redis.conf] [--directive value ...]\n       miniredis --port 7777 --replicaof 127.0.0.1 8888")
    exit(0)
}

var config = ServerConfig()
var configFile: String?
do {
    var rest = arguments
    var directives: [ConfigDirective] = []
    if let first = rest.first, !first.hasPrefix("--") {
        configFile = first
        rest.removeFirst()
        directives = try ConfigFile.parse(try ConfigFile.read(path: first), file: first)
    }
    // One pass, as Redis appends the command line to the file's text: `--save` adds rules.
    try config.apply(directives + ConfigFile.parseArguments(rest), file: configFile, renameCheck: CommandTable.renameCheck, userCheck: Server.userCheck)
} catch {
    FileHandleOut.stderr("\n\(error)\n")
    exit(1)
}

// The config file's absolute path, taken before the chdir below (CONFIG REWRITE of a file given
// as a relative path wrote into dir/dir/... otherwise), as Redis's getAbsolutePath does.
configFile = configFile.map(FileIO.absolute)
let log = Logger(level: config.loglevel, role: config.replicaof == nil ? "M" : "S")
// As redis-server: `dir` is the working directory before the log file is opened, so a relative
// logfile is inside it (Redis's test harness writes `dir ./redis_0` and `logfile log.txt`).
if chdir(config.dir) != 0 {
    log.warning("Can't chdir to '\(config.dir)': \(SystemError.text(errno))")
    exit(1)
}
// CONFIG GET dir shows where the node is, not the relative path it was given.
config.dir = FileIO.currentDirectory() ?? config.dir
if !config.logfile.isEmpty && !log.setFile(config.logfile) {
    FileHandleOut.stderr("Can't open the log file: \(config.logfile)\n")
    exit(1)
}

if config.daemonize {
    // Redis's daemonize(): the parent exits at once, the child leads a new session with its
    // standard streams on /dev/null (log lines then go to the logfile only). Done before any
    // thread or socket of the server exists, so fork duplicates nothing half-made; the log file
    // and the directory were checked above, where their errors still reach the terminal.
    let pid = fork()
    if pid < 0 { FileHandleOut.stderr("Can't fork into the background: \(SystemError.text(errno))\n"); exit(1) }
    if pid > 0 { exit(0) }
    setsid()
    // Descriptors a launcher left open (a pipe it reads to its end, a socket it watches for our
    // exit) would keep it waiting for the daemon: close them, before the server opens its own.
    let limit = min(Int32(sysconf(Int32(_SC_OPEN_MAX))), 65_536)
    if limit > 3 { for fd in 3..<limit where fd != log.fd { close(fd) } }
    // Log lines that went to standard output now go nowhere, as Redis's do.
    let devNull = open("/dev/null", O_RDWR)
    if devNull >= 0 {
        dup2(devNull, 0); dup2(devNull, 1); dup2(devNull, 2)
        if devNull > 2 { close(devNull) }
    }
    // As Redis: a daemon always writes a pidfile, /var/run/redis.pid unless one is named.
    if config.pidfile.isEmpty { config.pidfile = "/var/run/redis.pid" }
}
do {
    let server = try Server(config: config, configFile: configFile.map(FileIO.absolute), log: log)
    if let error = server.loadUsersAtStartup() {
        log.warning("Aborting Redis startup because of ACL errors: \(error)")
        exit(1)
    }
    try server.boot()
    server.run()
    exit(server.exitCode)
} catch {
    log.warning("Failed listening on port \(config.port) (tcp), aborting: \(error)")
    exit(1)
}
