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
    try config.apply(directives + ConfigFile.parseArguments(rest), file: configFile)
} catch {
    FileHandleOut.stderr("\n\(error)\n")
    exit(1)
}

let log = Logger(level: config.loglevel, role: config.replicaof == nil ? "M" : "S")
if !config.logfile.isEmpty && !log.setFile(config.logfile) {
    FileHandleOut.stderr("Can't open the log file: \(config.logfile)\n")
    exit(1)
}
if chdir(config.dir) != 0 {
    log.warning("Can't chdir to '\(config.dir)': \(SystemError.text(errno))")
    exit(1)
}

do {
    let server = try Server(config: config, configFile: configFile.map(FileIO.absolute), log: log)
    try server.boot()
    server.run()
    exit(server.exitCode)
} catch {
    log.warning("Failed listening on port \(config.port) (tcp), aborting: \(error)")
    exit(1)
}
