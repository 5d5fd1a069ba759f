import Glibc
import RESP
import Config
import Runtime

/// Redis 7's multi-part append-only file: in `appenddirname`, a base file (an RDB snapshot), an
/// incremental file of RESP commands, and a manifest naming them. Writes are appended in
/// beforeSleep, before any reply leaves, and fsynced per `appendfsync`: with `always` a write is
/// on disk before its client is told OK.
final class AppendOnlyFile {
    unowned let server: Server
    private var buffer: [UInt8] = []
    private var fd: Int32 = -1
    private var selectedDB = -1
    private var sequence = 0
    private var needsFsync = false
    var lastWriteOK = true

    init(server: Server) { self.server = server }

    /// Bytes fed but not yet written (not counted toward maxmemory, as in Redis).
    var bufferedBytes: Int { buffer.count }

    var dir: String { server.config.appenddirname }
    var baseName: String { server.config.appendfilename }
    var manifestPath: String { "\(dir)/\(baseName).manifest" }
    func baseFile(_ seq: Int) -> String { "\(baseName).\(seq).base.rdb" }
    func incrFile(_ seq: Int) -> String { "\(baseName).\(seq).incr.aof" }

    // MARK: Writing

    func feed(dbIndex: Int, _ args: [[UInt8]]) {
        guard fd >= 0 else { return }
        var w = RESPWriter()
        if dbIndex != selectedDB {
            w.command([Array("SELECT".utf8), Array(String(dbIndex).utf8)])
            selectedDB = dbIndex
        }
        w.command(args)
        buffer.append(contentsOf: w.buffer)
    }

    /// Writes what the last loop turn produced; with appendfsync always also fsyncs, so the
    /// replies that follow in the same beforeSleep only leave once the data is durable.
    func flush() {
        guard fd >= 0, !buffer.isEmpty else { return }
        let ok = buffer.withUnsafeBytes { FileIO.writeAll(fd, $0) }
        if !ok {
            if lastWriteOK { server.log.warning("Error writing to the AOF file: \(SystemError.text(errno))") }
            lastWriteOK = false
            return
        }
        lastWriteOK = true
        buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
        needsFsync = true
        if server.config.appendfsync == "always" { fsyncNow() }
    }

    func everySecond() {
        if server.config.appendfsync == "everysec" { fsyncNow() }
    }

    func fsyncNow() {
        guard fd >= 0, needsFsync else { return }
        fsync(fd)
        needsFsync = false
    }

    func stop() {
        flush()
        fsyncNow()
        if fd >= 0 { close(fd) }
        fd = -1
    }

    // MARK: Files

    private func openIncr(_ seq: Int) throws {
        let path = "\(dir)/\(incrFile(seq))"
        let f = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard f >= 0 else { throw SystemError("open \(path)") }
        if fd >= 0 { close(fd) }
        fd = f
        selectedDB = -1
        sequence = seq
    }

    private func writeManifest(_ seq: Int) throws {
        let text = "file \(baseFile(seq)) seq \(seq) type b\nfile \(incrFile(seq)) seq \(seq) type i\n"
        try FileIO.replaceAtomically(manifestPath, with: Array(text.utf8))
    }

    /// Starts a new generation from the dataset as it is now: a base snapshot, an empty
    /// incremental file, then the manifest switched atomically; old files are removed after.
    func startFromCurrentDataset() throws {
        mkdir(dir, 0o755)
        let old = sequence
        let seq = sequence + 1
        flush()
        _ = try server.saveSnapshot(to: "\(dir)/\(baseFile(seq))")
        let incr = "\(dir)/\(incrFile(seq))"
        let f = open(incr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard f >= 0 else { throw SystemError("open \(incr)") }
        close(f)
        try writeManifest(seq)
        try openIncr(seq)
        if old > 0 {
            unlink("\(dir)/\(baseFile(old))")
            unlink("\(dir)/\(incrFile(old))")
        }
        server.log.notice("Append only file generation \(seq) created (\(baseFile(seq)), \(incrFile(seq)))")
    }

    // MARK: Loading

    /// With appendonly yes at start-up: replays the files the manifest names, or, when there is
    /// none yet, loads the RDB file (if any) and starts the AOF from it, as Redis 7 does.
    func loadOrCreate() throws {
        guard let manifest = FileIO.readText(manifestPath) else {
            if FileIO.exists(server.config.dbfilename) {
                let meta = try server.loadSnapshot(path: server.config.dbfilename)
                server.replication.adoptSnapshotMetadata(meta)
            }
            try startFromCurrentDataset()
            return
        }
        var files: [(name: String, seq: Int, type: String)] = []
        for (i, line) in manifest.split(separator: "\n").enumerated() {
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count >= 6, parts[0] == "file", parts[2] == "seq", parts[4] == "type", let seq = Int(parts[3]),
                  ["b", "i"].contains(parts[5]), !parts[1].contains("/") else {
                throw ConfigError(file: manifestPath, line: i + 1, text: String(line), reason: "Invalid AOF manifest line")
            }
            files.append((parts[1], seq, parts[5]))
        }
        guard let base = files.first(where: { $0.type == "b" }) else {
            throw ConfigError(file: manifestPath, reason: "The AOF manifest names no base file")
        }
        let basePath = "\(dir)/\(base.name)"
        if base.name.hasSuffix(".rdb") {
            let meta = try server.loadSnapshot(path: basePath)
            server.replication.adoptSnapshotMetadata(meta)
        } else {
            try replay(path: basePath, isLast: false)
        }
        let incrs = files.filter { $0.type == "i" }
        for (i, f) in incrs.enumerated() {
            try replay(path: "\(dir)/\(f.name)", isLast: i == incrs.count - 1)
        }
        try openIncr(incrs.last?.seq ?? base.seq)
    }

    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// Replays an incremental file. A command cut short at the very end of the last file (a crash
    /// mid-write) is dropped and the file truncated to the last whole command when
    /// aof-load-truncated is yes, as Redis does; anything else malformed stops the load.
    func replay(path: String, isLast: Bool) throws {
        guard let bytes = FileIO.readBytes(path) else { throw SystemError("open \(path)") }
        let loader = Client(loaderFor: server)
        var parser = RESPCommandParser(maxBulkLength: Int.max / 2)
        var pos = 0
        var lastGood = 0
        var inMulti = false
        var multiStart = 0
        while pos < bytes.count {
            let cmd: [[UInt8]]?
            do {
                cmd = try parser.next(bytes, &pos)
            } catch {
                throw LoadError(description: "Bad file format reading the append only file \(path) at offset \(pos): \(error)")
            }
            guard let args = cmd else { break }
            if args.isEmpty { lastGood = pos; continue }
            let name = args[0].lowercasedASCII
            if name == "multi" { inMulti = true; multiStart = lastGood }
            server.execute(loader, args)
            loader.reply.buffer.removeAll(keepingCapacity: true)
            if name == "exec" { inMulti = false }
            if !inMulti { lastGood = pos }
        }
        if lastGood < bytes.count || inMulti {
            let cut = inMulti ? multiStart : lastGood
            guard isLast, server.config.aofLoadTruncated else {
                throw LoadError(description: "Unexpected end of file reading the append only file \(path). You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.")
            }
            server.log.warning("!!! Warning: short read while loading the AOF file \(path)!!!")
            server.log.warning("AOF loaded anyway because aof-load-truncated is enabled")
            truncate(path, off_t(cut))
        }
    }
}

extension Client {
    /// A client with no connection that replays the AOF. It is marked as already queued for
    /// writing so its replies are never flushed anywhere; they are dropped after each command.
    convenience init(loaderFor server: Server) {
        self.init(id: 0, fd: -1, server: server, address: "", port: 0, nowMs: server.nowMs)
        authenticated = true
        kind = .master
        inPendingWrites = true
    }
}
