#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Saving and loading whole RDB files on disk, the way Redis does it: SAVE writes a temporary
/// file in the same directory, fsyncs it and renames it over the old one, so a crash mid-save
/// never leaves a truncated dump behind.
public enum RDBFile {
    /// Writes `path` atomically. `body` writes the keys (`selectDB` / `write`); the header and
    /// the trailer are handled here. Returns the size of the file in bytes.
    @discardableResult
    public static func save(to path: String, header: RDBHeader = RDBHeader(), options: RDBWriterOptions = RDBWriterOptions(),
                            _ body: (inout RDBWriter<FileDescriptorSink>) throws -> Void) throws -> Int {
        let temp = "\(directory(of: path))/temp-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).rdb"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RDBError(.io, "cannot create \(temp): errno \(errno)") }
        var renamed = false
        defer { if !renamed { unlink(temp) } }
        do {
            defer { close(fd) }
            var writer = RDBWriter(sink: FileDescriptorSink(fd: fd), header: header, options: options)
            try body(&writer)
            try writer.finish()
            guard fsync(fd) == 0 else { throw RDBError(.io, "fsync \(temp) failed: errno \(errno)") }
            let size = writer.bytesWritten
            guard rename(temp, path) == 0 else { throw RDBError(.io, "rename \(temp) to \(path) failed: errno \(errno)") }
            renamed = true
            // Persist the rename itself.
            let dfd = open(directory(of: path), O_RDONLY | O_CLOEXEC)
            if dfd >= 0 {
                _ = fsync(dfd)
                close(dfd)
            }
            return size
        }
    }

    /// Streams the file at `path` to `body`, one key at a time. Throws `RDBError` with kind `.io`
    /// when the file cannot be opened (callers treat ENOENT as "start empty", as Redis does).
    public static func load(from path: String, options: RDBReaderOptions = RDBReaderOptions(),
                            _ body: (RDBEntry) throws -> Void) throws -> RDBMetadata {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw RDBError(.io, "cannot open \(path): errno \(errno)") }
        defer { close(fd) }
        var reader = RDBReader(source: FileDescriptorSource(fd: fd), options: options)
        return try reader.read(body)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
