import Glibc
import RDB
import Runtime

/// The one path between the keyspace and the RDB codec: SAVE, BGSAVE, the AOF base file and
/// replication's full sync all write through `writeSnapshot`, and start-up, replicas and AOF
/// bases all load through `loadEntry`.
extension Server {
    func rdbValue(_ v: Value) -> RDBValue {
        switch v {
        case .string(let s): return .string(s.bytes)
        case .list(let l): return .list(l.elements)
        case .hash(let h): return .hash(h.entries.map { ($0.key.bytes, $0.value) })
        case .set(let s): return .set(s.entries.map { $0.key.bytes })
        case .zset(let z): return .sortedSet(z.ordered.map { ($0.member, $0.score) })
        }
    }

    func value(from v: RDBValue) -> Value {
        switch v {
        case .string(let s): return .string(ByteString(s))
        case .list(let items):
            var d = Deque<[UInt8]>()
            for i in items { d.pushBack(i) }
            return .list(d)
        case .hash(let pairs):
            var h = HashTable<[UInt8]>()
            for (f, val) in pairs { h.insert(Key(f), val) }
            return .hash(h)
        case .set(let members):
            var s = HashTable<Void>()
            for m in members { s.insert(Key(m), ()) }
            return .set(s)
        case .sortedSet(let pairs):
            var z = SortedSet()
            for (m, score) in pairs { z.set(m, score: score) }
            return .zset(z)
        }
    }

    /// Streams the whole dataset as an RDB file into `sink`.
    func writeSnapshot<S: RDBByteSink>(to sink: S, replication: RDBHeader.Replication?) throws(RDBError) -> S {
        var header = RDBHeader(creationTimeSeconds: unixMs / 1000, usedMemoryBytes: Int64(ServerInfo.usedMemory()), replication: replication)
        header.redisVersion = ServerInfo.version
        var options = RDBWriterOptions()
        options.compressStrings = config.rdbcompression
        options.checksum = config.rdbchecksum
        var writer = RDBWriter(sink: sink, header: header, options: options)
        let now = unixMs
        for db in databases where db.count > 0 {
            try writer.selectDB(db.id, keyCount: db.count, expiresCount: db.expires.count)
            var failure: RDBError?
            db.dict.forEach { key, value in
                guard failure == nil else { return }
                let expiry = db.expireAt(key)
                // Keys already expired are left out, as Redis leaves them out.
                if let at = expiry, at <= now, replication == nil { return }
                do {
                    try writer.write(key: key.bytes, value: rdbValue(value), expireAtMs: expiry, db: db.id)
                } catch {
                    failure = (error as? RDBError) ?? RDBError(.io, "\(error)")
                }
            }
            if let failure { throw failure }
        }
        try writer.finish()
        return writer.sink
    }

    /// Adds one loaded key to the keyspace.
    func loadEntry(_ e: RDBEntry) {
        guard e.db >= 0 && e.db < databases.count else { return }
        let db = databases[e.db]
        let key = Key(e.key)
        db.set(key, value(from: e.value))
        if let at = e.expireAtMs { db.setExpire(key, atMs: at) } else { db.removeExpire(key) }
    }

    /// Writes the snapshot to `path` crash-safely: a temporary file in the same directory,
    /// fsync, rename over the target, fsync of the directory.
    func saveSnapshot(to path: String, replication: RDBHeader.Replication? = nil) throws -> Int {
        let tmp = "temp-\(getpid()).rdb"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SystemError("Failed opening the temp RDB file \(tmp) (in server root dir \(FileIO.absolute("."))) for saving") }
        do {
            let sink = try writeSnapshot(to: CountingSink(fd: fd), replication: replication)
            guard fsync(fd) == 0 else { throw SystemError("fsync \(tmp)") }
            close(fd)
            guard rename(tmp, path) == 0 else { throw SystemError("rename \(tmp) to \(path)") }
            FileIO.syncDirectory(of: FileIO.absolute(path))
            return sink.count
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
    }

    /// Loads an RDB file into the (empty) keyspace; returns its metadata.
    func loadSnapshot(path: String) throws -> RDBMetadata {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("open \(path)") }
        defer { close(fd) }
        var reader = RDBReader(source: FileDescriptorSource(fd: fd))
        return try reader.read { loadEntry($0) }
    }

    /// The start-up load, serving clients as it goes: after every
    /// loading-process-events-interval-bytes of file, the event loop's ready descriptors are
    /// handled, so clients connect and get -LOADING (PING, GET...) or their answer (INFO says
    /// loading:1), as Redis serves them while it loads. key-load-delay slows each key down.
    func loadSnapshotServing(path: String) throws -> RDBMetadata {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("open \(path)") }
        defer { close(fd) }
        let interval = config.loadingProcessEventsIntervalBytes
        let counter = LoadProgress()
        var options = RDBReaderOptions()
        options.chunkSize = min(max(interval, 1024), 256 * 1024)
        var reader = RDBReader(source: CountingSource(inner: FileDescriptorSource(fd: fd), progress: counter), options: options)
        var served = 0
        let delay = config.keyLoadDelay
        return try reader.read { entry in
            loadEntry(entry)
            if delay > 0 { usleep(UInt32(delay)) }
            if counter.bytes - served >= interval || delay > 0 {
                served = counter.bytes
                loop.processFileEvents()
            }
        }
    }

    func emptyKeyspace() {
        for db in databases { db.clear() }
    }
}

/// Bytes read so far from the file being loaded (a class: the reader owns its source).
final class LoadProgress {
    var bytes = 0
}

struct CountingSource<Inner: RDBByteSource>: RDBByteSource {
    var inner: Inner
    let progress: LoadProgress

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(RDBError) -> Int {
        let n = try inner.read(into: buffer)
        progress.bytes += n
        return n
    }
}

/// A file-descriptor sink that counts what it wrote (for the log line and INFO).
struct CountingSink: RDBByteSink {
    let fd: Int32
    var count = 0
    init(fd: Int32) { self.fd = fd }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(RDBError) {
        var inner = FileDescriptorSink(fd: fd)
        try inner.write(bytes)
        count += bytes.count
    }
}
