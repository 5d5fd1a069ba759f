#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the writer puts in the aux fields at the start of the file. Redis reads `repl-id` and
/// `repl-offset` from a file to resume replication after a restart, so a master saving for a
/// replica (or for itself) fills `replication`.
public struct RDBHeader: Sendable {
    public struct Replication: Sendable {
        /// 40-character hex replication ID.
        public var id: String
        public var offset: Int64
        /// Database selected in the replication stream when the snapshot was taken.
        public var streamDB: Int
        public init(id: String, offset: Int64, streamDB: Int = 0) {
            self.id = id
            self.offset = offset
            self.streamDB = streamDB
        }
    }

    /// `redis-ver`: the version this file claims to come from (Redis only logs it).
    public var redisVersion = "7.0.15"
    /// `ctime`: Unix seconds of the snapshot.
    public var creationTimeSeconds: Int64
    /// `used-mem`: bytes of memory the dataset used (informational).
    public var usedMemoryBytes: Int64 = 0
    public var replication: Replication?
    /// Additional aux fields, written after the standard ones.
    public var extraAux: [([UInt8], [UInt8])] = []

    public init(creationTimeSeconds: Int64? = nil, usedMemoryBytes: Int64 = 0, replication: Replication? = nil) {
        self.creationTimeSeconds = creationTimeSeconds ?? Int64(time(nil))
        self.usedMemoryBytes = usedMemoryBytes
        self.replication = replication
    }
}

public struct RDBWriterOptions: Sendable {
    /// LZF-compress strings longer than 20 bytes when that saves at least 4 bytes
    /// (Redis `rdbcompression yes`, its default).
    public var compressStrings = true
    /// Write the CRC64 trailer; false writes 0 ("not checked", Redis `rdbchecksum no`).
    public var checksum = true
    /// Bytes buffered before the sink gets a chunk.
    public var chunkSize = 64 * 1024
    /// Largest listpack node of a list, in bytes: Redis's default `list-max-listpack-size -2` (8 KiB).
    public var listNodeMaxBytes = 8192
    /// List elements at least this long get a PLAIN quicklist node of their own, as Redis 7.0
    /// does past its `quicklist-packed-threshold` (1 GiB).
    public var listPlainNodeThresholdBytes = 1 << 30
    public init() {}
}

/// Streams an RDB version 10 file (`REDIS0010`, loadable by every Redis 7.x) to a sink.
///
///     var writer = RDBWriter(sink: FileDescriptorSink(fd: fd), header: RDBHeader())
///     try writer.selectDB(0, keyCount: n, expiresCount: e)     // optional: write(_:) selects too
///     try writer.write(key: k, value: .string(v), expireAtMs: nil)
///     try writer.finish()                                      // EOF + CRC64, last flush
///
/// Encodings are the plain ones Redis 7.0 loads and converts to its compact forms itself: strings
/// (integer-encoded or LZF as Redis writes them), lists as QUICKLIST_2 of listpack nodes of at most
/// 8 KiB, sets as SET, hashes as HASH, sorted sets as ZSET_2 (binary doubles). Empty collections
/// are not written (Redis would skip them on load anyway). Memory use is one chunk plus the value
/// being encoded, whatever the size of the dataset.
///
/// The caller guarantees what Redis checks on load and this writer does not: no duplicate
/// members or fields inside one collection (Redis refuses the whole file) and no duplicate keys
/// within a database.
public struct RDBWriter<Sink: RDBByteSink> {
    public private(set) var sink: Sink
    public let options: RDBWriterOptions
    /// Bytes handed to the sink or buffered so far.
    public var bytesWritten: Int { flushedBytes + buffer.count }

    private var buffer: [UInt8]
    private var flushedBytes = 0
    private var crc = CRC64()
    private var currentDB: Int?
    private var finished = false
    /// LZF scratch reused across strings: an allocation per string would cost more than the
    /// compression of a short one.
    private var lzfTable = [Int32](repeating: 0, count: 1 << LZF.maxHashBits)
    private var lzfOut = [UInt8](repeating: 0, count: 0)

    /// A writer with nothing written yet (no magic, no aux): for a DUMP payload.
    fileprivate init(bareSink sink: Sink) {
        self.sink = sink
        self.options = RDBWriterOptions()
        buffer = []
    }

    /// Starts a file: magic, version and aux fields go to the buffer (nothing is flushed yet).
    public init(sink: Sink, header: RDBHeader = RDBHeader(), options: RDBWriterOptions = RDBWriterOptions()) {
        self.sink = sink
        self.options = options
        buffer = []
        buffer.reserveCapacity(options.chunkSize + 1024)
        buffer.append(contentsOf: Array("REDIS0010".utf8))
        aux("redis-ver", Array(header.redisVersion.utf8))
        aux("redis-bits", RDBNumbers.decimal(64))
        aux("ctime", RDBNumbers.decimal(header.creationTimeSeconds))
        aux("used-mem", RDBNumbers.decimal(header.usedMemoryBytes))
        if let r = header.replication {
            aux("repl-stream-db", RDBNumbers.decimal(Int64(r.streamDB)))
            aux("repl-id", Array(r.id.utf8))
            aux("repl-offset", RDBNumbers.decimal(r.offset))
        }
        aux("aof-base", [48])
        for (k, v) in header.extraAux {
            buffer.append(RDBOpcode.aux)
            bufferString(k)
            bufferString(v)
        }
    }

    private mutating func aux(_ key: String, _ value: [UInt8]) {
        buffer.append(RDBOpcode.aux)
        bufferString(Array(key.utf8))
        bufferString(value)
    }

    /// Starts database `db`, with Redis's resize hint (number of keys, number with an expiry).
    public mutating func selectDB(_ db: Int, keyCount: Int, expiresCount: Int) throws(RDBError) {
        try precondition(db)
        buffer.append(RDBOpcode.selectDB)
        writeLength(UInt64(db))
        buffer.append(RDBOpcode.resizeDB)
        writeLength(UInt64(max(keyCount, 0)))
        writeLength(UInt64(max(expiresCount, 0)))
        currentDB = db
    }

    private func precondition(_ db: Int) throws(RDBError) {
        guard !finished else { throw RDBError(.invalidArgument, "write after finish()") }
        guard db >= 0, db <= Int(Int32.max) else { throw RDBError(.invalidArgument, "invalid database number \(db)") }
    }

    /// Writes one entry, selecting its database first when it differs from the current one.
    public mutating func write(_ entry: RDBEntry) throws(RDBError) {
        try write(key: entry.key, value: entry.value, expireAtMs: entry.expireAtMs, db: entry.db)
    }

    /// Writes one key into `db`, or when nil into the database last selected (0 if none was).
    /// Throws `.invalidArgument` for a NaN score (Redis refuses to load one).
    public mutating func write(key: [UInt8], value: RDBValue, expireAtMs: Int64? = nil, db: Int? = nil) throws(RDBError) {
        let db = db ?? currentDB ?? 0
        try precondition(db)
        if currentDB != db {
            buffer.append(RDBOpcode.selectDB)
            writeLength(UInt64(db))
            currentDB = db
        }
        switch value {
        case .string: break
        case .list(let v): if v.isEmpty { return }
        case .set(let v): if v.isEmpty { return }
        case .hash(let v): if v.isEmpty { return }
        case .sortedSet(let v):
            if v.isEmpty { return }
            for (_, score) in v where score.isNaN { throw RDBError(.invalidArgument, "NaN score in sorted set") }
        }
        if let expireAtMs {
            buffer.append(RDBOpcode.expireTimeMs)
            appendLE64(UInt64(bitPattern: expireAtMs))
        }
        try writeTyped(value, key: key)
        try flushIfFull()
    }

    /// The value's type byte, the key (when given: a file entry; nil: a DUMP payload), and the
    /// value in its encoding.
    private mutating func writeTyped(_ value: RDBValue, key: [UInt8]?) throws(RDBError) {
        switch value {
        case .string(let s):
            buffer.append(RDBType.string)
            if let key { try writeString(key) }
            try writeString(s)
        case .list(let elements):
            buffer.append(RDBType.listQuicklist2)
            if let key { try writeString(key) }
            try writeQuicklist(elements)
        case .set(let members):
            buffer.append(RDBType.set)
            if let key { try writeString(key) }
            writeLength(UInt64(members.count))
            for m in members { try writeString(m); try flushIfFull() }
        case .hash(let pairs):
            buffer.append(RDBType.hash)
            if let key { try writeString(key) }
            writeLength(UInt64(pairs.count))
            for (f, v) in pairs { try writeString(f); try writeString(v); try flushIfFull() }
        case .sortedSet(let pairs):
            buffer.append(RDBType.zset2)
            if let key { try writeString(key) }
            writeLength(UInt64(pairs.count))
            for (m, score) in pairs {
                try writeString(m)
                appendLE64(score.bitPattern)
                try flushIfFull()
            }
        }
    }

    /// Writes the EOF opcode and the checksum, and hands the rest to the sink. The sink then holds
    /// a complete file (`writer.sink`).
    public mutating func finish() throws(RDBError) {
        guard !finished else { throw RDBError(.invalidArgument, "finish() called twice") }
        buffer.append(RDBOpcode.eof)
        crc.update(buffer)
        let sum = options.checksum ? crc.value : 0
        for k in 0..<8 { buffer.append(UInt8(truncatingIfNeeded: sum >> (8 * k))) }
        finished = true
        // The CRC covers everything up to EOF (included above), not the trailer itself.
        flushedBytes += buffer.count
        var failure: RDBError?
        buffer.withUnsafeBytes { b in
            do throws(RDBError) { try sink.write(b) } catch { failure = error }
        }
        buffer = []
        if let failure { throw failure }
    }

    /// Encodes `entries` into one in-memory file.
    public static func encode(_ entries: [RDBEntry], header: RDBHeader = RDBHeader(),
                              options: RDBWriterOptions = RDBWriterOptions()) throws(RDBError) -> [UInt8]
        where Sink == ByteArraySink {
        var w = RDBWriter(sink: ByteArraySink(), header: header, options: options)
        for e in entries { try w.write(e) }
        try w.finish()
        return w.sink.bytes
    }

    // MARK: - Encoding

    @inline(__always) private mutating func flushIfFull() throws(RDBError) {
        if buffer.count >= options.chunkSize { try flush() }
    }

    private mutating func flush() throws(RDBError) {
        guard !buffer.isEmpty else { return }
        crc.update(buffer)
        flushedBytes += buffer.count
        var failure: RDBError?
        buffer.withUnsafeBytes { b in
            do throws(RDBError) { try sink.write(b) } catch { failure = error }
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw failure }
    }

    /// Sends a large payload straight to the sink (after what is buffered), without copying it
    /// into the buffer.
    private mutating func sendDirect(_ bytes: [UInt8]) throws(RDBError) {
        try flush()
        crc.update(bytes)
        flushedBytes += bytes.count
        var failure: RDBError?
        bytes.withUnsafeBytes { b in
            do throws(RDBError) { try sink.write(b) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    @inline(__always) private mutating func appendLE64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { buffer.append(contentsOf: $0) }
    }

    /// Redis length encoding: 6 bits, 14 bits big-endian, 0x80 + u32 BE, 0x81 + u64 BE.
    @inline(__always) private mutating func writeLength(_ n: UInt64) {
        if n < 64 {
            buffer.append(UInt8(n))
        } else if n < 16384 {
            buffer.append(0x40 | UInt8(n >> 8))
            buffer.append(UInt8(n & 0xff))
        } else if n <= UInt64(UInt32.max) {
            buffer.append(0x80)
            withUnsafeBytes(of: UInt32(n).bigEndian) { buffer.append(contentsOf: $0) }
        } else {
            buffer.append(0x81)
            withUnsafeBytes(of: n.bigEndian) { buffer.append(contentsOf: $0) }
        }
    }

    /// A string the way Redis saves one: as an 8/16/32-bit integer when it is the canonical
    /// decimal form of one, else LZF-compressed when longer than 20 bytes and compressible, else raw.
    private mutating func writeString(_ s: [UInt8]) throws(RDBError) {
        if s.count >= options.chunkSize { try writeLargeBlob(s) } else { bufferString(s) }
    }

    /// Raw or LZF, never integer (listpack blobs, plain nodes).
    private mutating func writeBlob(_ s: [UInt8]) throws(RDBError) {
        if s.count >= options.chunkSize { try writeLargeBlob(s) } else { bufferBlob(s) }
    }

    private mutating func writeLargeBlob(_ s: [UInt8]) throws(RDBError) {
        let n = s.count
        if options.compressStrings, let c = LZF.compress(s, maxOutput: n - 4) {
            buffer.append(0xc3)
            writeLength(UInt64(c.count))
            writeLength(UInt64(n))
            try sendDirect(c)
        } else {
            writeLength(UInt64(n))
            try sendDirect(s)
        }
    }

    private mutating func bufferString(_ s: [UInt8]) {
        let n = s.count
        if n <= 11, n > 0, let v = RDBNumbers.canonicalInt64(s), v >= Int64(Int32.min), v <= Int64(Int32.max) {
            if v >= -128 && v <= 127 {
                buffer.append(0xc0)
                buffer.append(UInt8(bitPattern: Int8(v)))
            } else if v >= -32768 && v <= 32767 {
                buffer.append(0xc1)
                withUnsafeBytes(of: Int16(v).littleEndian) { buffer.append(contentsOf: $0) }
            } else {
                buffer.append(0xc2)
                withUnsafeBytes(of: Int32(v).littleEndian) { buffer.append(contentsOf: $0) }
            }
            return
        }
        bufferBlob(s)
    }

    private mutating func bufferBlob(_ s: [UInt8]) {
        let n = s.count
        if options.compressStrings, n > 20 {
            if lzfOut.count < n - 4 { lzfOut = [UInt8](repeating: 0, count: max(n - 4, 256)) }
            let c = s.withUnsafeBufferPointer { src in
                lzfOut.withUnsafeMutableBufferPointer { out in
                    lzfTable.withUnsafeMutableBufferPointer { table in
                        LZF.compress(src, into: UnsafeMutableBufferPointer(rebasing: out[0..<(n - 4)]), table: table)
                    }
                }
            }
            if c > 0 {
                buffer.append(0xc3)
                writeLength(UInt64(c))
                writeLength(UInt64(n))
                buffer.append(contentsOf: lzfOut[0..<c])
                return
            }
        }
        writeLength(UInt64(n))
        buffer.append(contentsOf: s)
    }

    /// QUICKLIST_2: node count, then per node its container (2 = listpack, 1 = plain) and blob.
    private mutating func writeQuicklist(_ elements: [[UInt8]]) throws(RDBError) {
        // Pass 1: where each node ends, so the node count can precede the nodes.
        var ends: [Int] = []
        var nodeBytes = Listpack.headerSize + 1
        var nodeCount = 0
        for (i, e) in elements.enumerated() {
            let size = e.count >= options.listPlainNodeThresholdBytes ? Int.max / 2 : Listpack.entrySize(e)
            if nodeCount > 0 && (nodeBytes + size > options.listNodeMaxBytes || nodeCount == 65535 || size == Int.max / 2) {
                ends.append(i)
                nodeBytes = Listpack.headerSize + 1
                nodeCount = 0
            }
            nodeBytes += size
            nodeCount += 1
        }
        ends.append(elements.count)
        writeLength(UInt64(ends.count))
        var start = 0
        for end in ends {
            if end - start == 1 && elements[start].count >= options.listPlainNodeThresholdBytes {
                writeLength(1)
                try writeBlob(elements[start])
            } else {
                var lp = ListpackBuilder(capacity: min(options.listNodeMaxBytes + 64, 1 << 20))
                for i in start..<end { lp.append(elements[i]) }
                writeLength(2)
                try writeBlob(lp.finish())
            }
            start = end
            try flushIfFull()
        }
    }
}

/// A writer can be handed to another thread (a background save) when its sink can.
extension RDBWriter: Sendable where Sink: Sendable {}

/// DUMP and RESTORE payloads: a value's type byte and encoding as in an RDB file (no key), then
/// the RDB version (2 bytes, little-endian: 10, which every Redis 7 restores) and a CRC64 of
/// everything before it (8 bytes, little-endian), as Redis's createDumpPayload lays them out.
public enum RDBDumpPayload {
    public static let version: UInt16 = 10

    public static func encode(_ value: RDBValue) throws(RDBError) -> [UInt8] {
        var writer = RDBWriter(bareSink: ByteArraySink())
        try writer.writeTypedForDump(value)
        var out = writer.takeBuffer()
        out.append(UInt8(version & 0xFF))
        out.append(UInt8(version >> 8))
        var crc = CRC64()
        crc.update(out)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: crc.value >> (8 * UInt64(i)))) }
        return out
    }

    /// The value of a payload; throws on a wrong checksum, a version newer than the reader's, or
    /// a body that does not parse, with no partial value (RESTORE stores nothing then).
    public static func decode(_ payload: [UInt8]) throws(RDBError) -> RDBValue {
        // Too short to hold a footer: Redis reports it as a bad version or checksum too.
        guard payload.count >= 11 else { throw RDBError.corrupt("DUMP payload version or checksum are wrong") }
        let body = payload.count - 10
        let version = Int(payload[body]) | Int(payload[body + 1]) << 8
        var crc = CRC64()
        crc.update(Array(payload[0..<(body + 2)]))
        var stored: UInt64 = 0
        for i in 0..<8 { stored |= UInt64(payload[body + 2 + i]) << (8 * UInt64(i)) }
        guard version <= RDBReader<ByteArraySource>.maxVersion, crc.value == stored else {
            throw RDBError.corrupt("DUMP payload version or checksum are wrong")
        }
        var reader = RDBReader(source: ByteArraySource(Array(payload[0..<body])))
        return try reader.readDumpBody()
    }
}

extension RDBWriter where Sink == ByteArraySink {
    fileprivate mutating func writeTypedForDump(_ value: RDBValue) throws(RDBError) {
        try writeTyped(value, key: nil)
    }

    /// Everything written, flushed or not (a payload is built in memory, then taken whole).
    fileprivate mutating func takeBuffer() -> [UInt8] { sink.bytes + buffer }
}
