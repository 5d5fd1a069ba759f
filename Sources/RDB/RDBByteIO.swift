#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where an `RDBReader` gets its bytes from.
public protocol RDBByteSource {
    /// Reads up to `buffer.count` bytes into `buffer`; returns how many, 0 only at the end of input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(RDBError) -> Int
}

/// Where an `RDBWriter` sends its bytes (in chunks of roughly the writer's buffer size).
public protocol RDBByteSink {
    /// Takes all of `bytes` (or throws).
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(RDBError)
}

/// Reads a file descriptor (file, pipe or blocking socket) until end of file. Retries EINTR. Does
/// not own the descriptor: the caller closes it.
public struct FileDescriptorSource: RDBByteSource, Sendable {
    public let fd: Int32
    public init(fd: Int32) { self.fd = fd }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(RDBError) -> Int {
        while true {
            #if canImport(Glibc)
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            #else
            let n = Darwin.read(fd, buffer.baseAddress, buffer.count)
            #endif
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw RDBError(.io, "read(fd \(fd)) failed: errno \(errno)")
        }
    }
}

/// Writes everything to a file descriptor. Retries EINTR and short writes. Does not own the
/// descriptor, does not fsync: the caller does (and renames the temp file into place, as Redis does).
public struct FileDescriptorSink: RDBByteSink, Sendable {
    public let fd: Int32
    public init(fd: Int32) { self.fd = fd }

    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws(RDBError) {
        var done = 0
        while done < bytes.count {
            #if canImport(Glibc)
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            #else
            let n = Darwin.write(fd, bytes.baseAddress! + done, bytes.count - done)
            #endif
            if n > 0 { done += n; continue }
            if n < 0 && errno == EINTR { continue }
            throw RDBError(.io, "write(fd \(fd)) failed: errno \(errno)")
        }
    }
}

/// Bytes in memory as a source.
public struct ByteArraySource: RDBByteSource, Sendable {
    public let bytes: [UInt8]
    public private(set) var position = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(RDBError) -> Int {
        let n = min(buffer.count, bytes.count - position)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + position, byteCount: n)
        }
        position += n
        return n
    }
}

/// Collects everything in memory (`bytes`).
public struct ByteArraySink: RDBByteSink, Sendable {
    public var bytes: [UInt8] = []
    public init() {}
    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws(RDBError) {
        self.bytes.append(contentsOf: bytes)
    }
}

/// Hands each chunk to a closure (e.g. to queue it on a replica's connection).
public struct ClosureSink: RDBByteSink {
    let body: (UnsafeRawBufferPointer) throws(RDBError) -> Void
    public init(_ body: @escaping (UnsafeRawBufferPointer) throws(RDBError) -> Void) { self.body = body }
    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws(RDBError) { try body(bytes) }
}
