import Glibc

/// File operations with the crash-safety the servers need: whole-file reads, and atomic
/// replacement (write a temporary file beside the target, fsync it, rename it over the target,
/// fsync the directory) so a crash leaves either the old file or the new one, never a torn one.
public enum FileIO {
    public static func readBytes(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    public static func readText(_ path: String) -> String? {
        readBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Writes all of `bytes` to `fd`, retrying short writes and EINTR.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + off, bytes.count - off)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            off += n
        }
        return true
    }

    /// Replaces `path` atomically with `bytes`, keeping the existing file's permission bits
    /// (a config holding passwords stays 0600 if it was). New files get `defaultMode`.
    public static func replaceAtomically(_ path: String, with bytes: [UInt8], defaultMode: mode_t = 0o644) throws(SystemError) {
        var st = stat()
        let mode: mode_t = stat(path, &st) == 0 ? st.st_mode & 0o7777 : defaultMode
        let tmp = "\(path).tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SystemError("open \(tmp)") }
        // open() applies the umask; set the mode explicitly so it matches the original.
        fchmod(fd, mode)
        let ok = bytes.withUnsafeBytes { writeAll(fd, $0) }
        if !ok || fsync(fd) != 0 {
            let e = SystemError("write \(tmp)")
            close(fd)
            unlink(tmp)
            throw e
        }
        close(fd)
        guard rename(tmp, path) == 0 else {
            let e = SystemError("rename \(tmp) to \(path)")
            unlink(tmp)
            throw e
        }
        syncDirectory(of: path)
    }

    /// fsync of the directory holding `path`, so a rename survives a power loss.
    public static func syncDirectory(of path: String) {
        let dir: String
        if let slash = path.lastIndex(of: "/") {
            dir = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            dir = "."
        }
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }

    /// An absolute form of `path` (relative to the working directory at the time of the call).
    /// The working directory (getcwd), or nil if it cannot be named.
    public static func currentDirectory() -> String? {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buf, buf.count) != nil else { return nil }
        return CString.string(buf)
    }

    public static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buf, buf.count) != nil else { return path }
        return CString.string(buf) + "/" + path
    }
}
