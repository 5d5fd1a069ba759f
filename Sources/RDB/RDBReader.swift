public struct RDBReaderOptions: Sendable {
    /// Longest string accepted (a sanity bound; memory is in any case only allocated as bytes
    /// actually arrive, so a hostile length cannot make the reader allocate more than the input).
    public var maxStringLength = 1 << 32
    /// Compare the CRC64 trailer with the content (when the file has a non-zero one).
    public var verifyChecksum = true
    /// Bytes requested from the source at a time.
    public var chunkSize = 256 * 1024
    public init() {}
}

/// Streams an RDB file (versions 1 to 12) from a byte source and hands each key to a callback, so
/// a dataset is never held twice in memory.
///
///     var reader = RDBReader(source: FileDescriptorSource(fd: fd))
///     let meta = try reader.read { entry in store(entry) }     // throws RDBError on bad input
///     meta.replID, meta.replOffset                             // for PSYNC after a restart
///
/// Reads every encoding Redis 7.0 writes (and older ones: ziplists, zipmaps, text scores, second
/// expiries) plus 7.2's listpack sets. Streams and module values are refused with `.unsupported`.
/// Errors from the callback propagate unchanged and stop the read.
public struct RDBReader<Source: RDBByteSource> {
    public private(set) var source: Source
    public let options: RDBReaderOptions
    /// Version 12 is Redis 7.4; the types it added (hash field expiry) are refused as unsupported.
    public static var maxVersion: Int { 12 }

    private var buf: [UInt8]
    private var pos = 0          // next unread byte in buf
    private var fill = 0         // bytes of buf holding input
    private var crcPos = 0       // bytes of buf before this are in `crc`
    private var base = 0         // input offset of buf[0]
    private var crc = CRC64()
    private var sourceEnded = false
    private var metadata = RDBMetadata()
    private var started = false

    public init(source: Source, options: RDBReaderOptions = RDBReaderOptions()) {
        self.source = source
        self.options = options
        buf = [UInt8](repeating: 0, count: max(options.chunkSize, 64))
    }

    /// Bytes the reader took from the source beyond the end of the file (after `read` returned),
    /// e.g. the start of a replication stream that followed the payload on the same socket.
    public var leftover: [UInt8] { Array(buf[pos..<fill]) }

    /// Reads the whole file, calling `body` once per key in file order. A reader reads one file:
    /// calling `read` again throws. Errors: `RDBError` for bad input or a failing source, or
    /// whatever `body` throws, unchanged.
    ///
    /// Not checked here, unlike Redis (which refuses such a file): duplicate members or fields
    /// inside one collection, and duplicate keys. Checking needs a hash of every element; the
    /// caller's store, which hashes them anyway, decides what a repeat means.
    public mutating func read(_ body: (RDBEntry) throws -> Void) throws -> RDBMetadata {
        guard !started else { throw RDBError(.invalidArgument, "an RDBReader reads one file; create a new one") }
        started = true
        do {
            try readFile(body)
        } catch var e as RDBError {
            if e.offset == nil { e.offset = base + pos }
            throw e
        }
        return metadata
    }

    /// Decodes a whole in-memory file.
    public static func decode(_ bytes: [UInt8], options: RDBReaderOptions = RDBReaderOptions()) throws(RDBError)
        -> (entries: [RDBEntry], metadata: RDBMetadata) where Source == ByteArraySource {
        var options = options
        options.chunkSize = min(options.chunkSize, bytes.count + 1) // no 256 KiB buffer for a tiny input
        var reader = RDBReader(source: ByteArraySource(bytes), options: options)
        var entries: [RDBEntry] = []
        do {
            let meta = try reader.read { entries.append($0) }
            return (entries, meta)
        } catch let e as RDBError {
            throw e
        } catch {
            throw RDBError(.io, "\(error)") // unreachable: the callback does not throw
        }
    }

    // MARK: - File structure

    private mutating func readFile(_ body: (RDBEntry) throws -> Void) throws {
        let magic = try readBytes(9)
        guard Array(magic[0..<5]) == Array("REDIS".utf8) else { throw RDBError.corrupt("not an RDB file (bad magic)") }
        var version = 0
        for d in magic.suffix(4) {
            guard d >= 48 && d <= 57 else { throw RDBError.corrupt("not an RDB file (bad version digits)") }
            version = version * 10 + Int(d - 48)
        }
        guard version >= 1 else { throw RDBError.corrupt("invalid RDB version \(version)") }
        guard version <= Self.maxVersion else {
            throw RDBError.unsupported("RDB version \(version) is newer than this reader (max \(Self.maxVersion))")
        }
        metadata.version = version
        var db = 0
        var expireAtMs: Int64?
        while true {
            let type = try readByte()
            switch type {
            case RDBOpcode.expireTimeMs:
                expireAtMs = Int64(bitPattern: try readLE(8))
            case RDBOpcode.expireTime:
                expireAtMs = Int64(Int32(bitPattern: UInt32(try readLE(4)))) * 1000
            case RDBOpcode.idle:
                _ = try readCount()
            case RDBOpcode.freq:
                _ = try readByte()
            case RDBOpcode.selectDB:
                let n = try readCount()
                guard n <= Int(Int32.max) else { throw RDBError.corrupt("invalid database number \(n)") }
                db = n
            case RDBOpcode.resizeDB:
                _ = try readCount()
                _ = try readCount()
            case RDBOpcode.aux:
                let k = try readString()
                let v = try readString()
                metadata.aux.append((k, v))
            case RDBOpcode.moduleAux:
                try skipModuleAux()
            case RDBOpcode.function2:
                metadata.functionLibraries.append(try readString())
            case RDBOpcode.function:
                throw RDBError.unsupported("pre-release (7.0 rc) function library format")
            case RDBOpcode.eof:
                try readTrailer()
                return
            default:
                let key = try readString()
                if let value = try readValue(type: type) {
                    metadata.keysRead += 1
                    try body(RDBEntry(db: db, key: key, value: value, expireAtMs: expireAtMs))
                } else {
                    metadata.emptyKeysSkipped += 1
                }
                expireAtMs = nil
            }
        }
    }

    private mutating func readTrailer() throws(RDBError) {
        guard metadata.version >= 5 else { return }
        crc.update(Array(buf[crcPos..<pos]))
        crcPos = pos
        let stored = try readLE(8)
        crcPos = pos
        metadata.storedChecksum = stored
        guard stored != 0, options.verifyChecksum else { return }
        guard stored == crc.value else {
            throw RDBError(.checksum, "checksum mismatch: file says 0x\(String(stored, radix: 16)), content is 0x\(String(crc.value, radix: 16))")
        }
        metadata.checksumVerified = true
    }

    /// Module aux data, skipped with its self-describing typed values (as redis-check-rdb does).
    private mutating func skipModuleAux() throws(RDBError) {
        _ = try readCount()                       // module id
        guard try readCount() == 2 else { throw RDBError.corrupt("module aux: bad 'when' opcode") }
        _ = try readCount()                       // when
        while true {
            switch try readCount() {
            case 0: return
            case 1, 2: _ = try readCount()
            case 3: _ = try readBytes(4)
            case 4: _ = try readBytes(8)
            case 5: _ = try readString()
            case let op: throw RDBError.corrupt("module aux: unknown value opcode \(op)")
            }
        }
    }

    // MARK: - Primitives

    /// Makes at least `n` bytes available at `pos` (n ≤ buffer size), or throws `.truncated`.
    @inline(__always) private mutating func ensure(_ n: Int) throws(RDBError) {
        if fill - pos >= n { return }
        try refill(atLeast: n)
    }

    private mutating func refill(atLeast n: Int) throws(RDBError) {
        // Checksum what is about to be discarded, then move the unread tail to the front.
        if pos > crcPos {
            buf.withUnsafeBytes { crc.update(UnsafeRawBufferPointer(rebasing: $0[crcPos..<pos])) }
        }
        if pos > 0 {
            let tail = fill - pos
            if tail > 0 {
                buf.withUnsafeMutableBytes { b in
                    b.baseAddress!.copyMemory(from: b.baseAddress! + pos, byteCount: tail)
                }
            }
            base += pos
            fill = tail
            pos = 0
        }
        crcPos = 0
        if n > buf.count { buf.append(contentsOf: repeatElement(0, count: n - buf.count)) }
        while fill < n {
            if sourceEnded { throw RDBError(.truncated, "unexpected end of input", offset: base + fill) }
            let start = fill
            var got = 0
            var failure: RDBError?
            buf.withUnsafeMutableBytes { b in
                do throws(RDBError) {
                    got = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: b[start...]))
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            if got == 0 { sourceEnded = true } else { fill += got }
        }
    }

    @inline(__always) private mutating func readByte() throws(RDBError) -> UInt8 {
        try ensure(1)
        let b = buf[pos]
        pos += 1
        return b
    }

    /// A little-endian unsigned integer of `n` ≤ 8 bytes.
    private mutating func readLE(_ n: Int) throws(RDBError) -> UInt64 {
        try ensure(n)
        var v: UInt64 = 0
        for k in 0..<n { v |= UInt64(buf[pos + k]) << (8 * k) }
        pos += n
        return v
    }

    private mutating func readBE(_ n: Int) throws(RDBError) -> UInt64 {
        try ensure(n)
        var v: UInt64 = 0
        for k in 0..<n { v = v << 8 | UInt64(buf[pos + k]) }
        pos += n
        return v
    }

    /// `n` bytes; memory grows only as input arrives, so a lying length costs nothing.
    private mutating func readBytes(_ n: Int) throws(RDBError) -> [UInt8] {
        if n <= fill - pos {
            defer { pos += n }
            return Array(buf[pos..<(pos + n)])
        }
        guard n <= options.maxStringLength else {
            throw RDBError.corrupt("string of \(n) bytes exceeds the limit of \(options.maxStringLength)")
        }
        var out: [UInt8] = []
        out.reserveCapacity(min(n, 1 << 20))
        var remaining = n
        while remaining > 0 {
            if pos == fill { try refill(atLeast: 1) }
            let take = min(remaining, fill - pos)
            out.append(contentsOf: buf[pos..<(pos + take)])
            pos += take
            remaining -= take
        }
        return out
    }

    /// Redis length encoding; `encoded` marks the 11xxxxxx special string encodings.
    private mutating func readLength() throws(RDBError) -> (value: UInt64, encoded: Bool) {
        let first = try readByte()
        switch first >> 6 {
        case 0: return (UInt64(first & 0x3f), false)
        case 1: return (UInt64(first & 0x3f) << 8 | UInt64(try readByte()), false)
        case 2:
            if first == 0x80 { return (try readBE(4), false) }
            if first == 0x81 { return (try readBE(8), false) }
            throw RDBError.corrupt("unknown length encoding 0x\(String(first, radix: 16))")
        default: return (UInt64(first & 0x3f), true)
        }
    }

    /// A length used as a count or size.
    mutating func readCount() throws(RDBError) -> Int {
        let (v, encoded) = try readLength()
        guard !encoded else { throw RDBError.corrupt("string encoding where a length was expected") }
        guard v <= UInt64(Int.max / 2) else { throw RDBError.corrupt("length \(v) out of range") }
        return Int(v)
    }

    mutating func readString() throws(RDBError) -> [UInt8] {
        let (v, encoded) = try readLength()
        guard encoded else {
            guard v <= UInt64(options.maxStringLength) else {
                throw RDBError.corrupt("string of \(v) bytes exceeds the limit of \(options.maxStringLength)")
            }
            return try readBytes(Int(v))
        }
        switch v {
        case 0: return RDBNumbers.decimal(Int64(Int8(bitPattern: try readByte())))
        case 1: return RDBNumbers.decimal(Int64(Int16(bitPattern: UInt16(try readLE(2)))))
        case 2: return RDBNumbers.decimal(Int64(Int32(bitPattern: UInt32(try readLE(4)))))
        case 3:
            let compressedLength = try readCount()
            let length = try readCount()
            guard compressedLength <= options.maxStringLength, length <= options.maxStringLength else {
                throw RDBError.corrupt("LZF string of \(length) bytes exceeds the limit of \(options.maxStringLength)")
            }
            let compressed = try readBytes(compressedLength)
            return try LZF.decompress(compressed, outputLength: length)
        default:
            throw RDBError.corrupt("unknown string encoding \(v)")
        }
    }

    /// An 8-byte little-endian IEEE double (ZSET_2 scores).
    mutating func readBinaryDouble() throws(RDBError) -> Double {
        Double(bitPattern: try readLE(8))
    }

    /// A text double (ZSET type 1 scores): length byte, 253 = NaN, 254 = +inf, 255 = -inf.
    mutating func readTextDouble() throws(RDBError) -> Double {
        let n = try readByte()
        switch n {
        case 253: throw RDBError.corrupt("NaN score")
        case 254: return .infinity
        case 255: return -.infinity
        default:
            let text = try readBytes(Int(n))
            guard let d = RDBNumbers.double(text) else {
                throw RDBError.corrupt("invalid score '\(String(decoding: text, as: UTF8.self))'")
            }
            return d
        }
    }

    /// A count of elements: each takes at least one byte, so reserving more than the bytes that
    /// could follow is never useful; this caps what a lying count can make us reserve.
    static func reservation(_ count: Int) -> Int { min(count, 4096) }
}

/// A reader can be handed to another thread (a background load) when its source can.
extension RDBReader: Sendable where Source: Sendable {}

extension RDBReader {
    /// A DUMP payload's body: one type byte and the value, and nothing after it.
    mutating func readDumpBody() throws(RDBError) -> RDBValue {
        let type = try readByte()
        guard let value = try readValue(type: type) else { throw RDBError.corrupt("Bad data format") }
        guard pos >= fill, try !refillHasMore() else { throw RDBError.corrupt("Bad data format") }
        return value
    }

    private mutating func refillHasMore() throws(RDBError) -> Bool {
        do { try refill(atLeast: 1) } catch { return false }
        return pos < fill
    }
}
