import Glibc

/// Unbuffered writes to the standard streams (print() buffers, and a process that exits right
/// after an error must still show it).
public enum FileHandleOut {
    public static func stderr(_ text: String) { write(2, text) }
    public static func stdout(_ text: String) { write(1, text) }

    private static func write(_ fd: Int32, _ text: String) {
        var t = text
        t.withUTF8 { _ = FileIO.writeAll(fd, UnsafeRawBufferPointer($0)) }
    }
}
