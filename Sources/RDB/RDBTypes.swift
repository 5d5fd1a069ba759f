// RDB codec overview
//
// - `RDBWriter<Sink>` streams a version-10 file (`REDIS0010`) to an `RDBByteSink`
//   (`FileDescriptorSink`, `ByteArraySink`, `ClosureSink`) in chunks; `RDBWriter.encode` builds
//   one in memory.
// - `RDBReader<Source>` streams a file from an `RDBByteSource` (`FileDescriptorSource`,
//   `ByteArraySource`) and calls back once per key; `RDBReader.decode` decodes bytes in memory.
// - `RDBFile.save` / `RDBFile.load` do the same on a path (atomic temp-file + fsync + rename save).
// - Everything is bytes (`[UInt8]`); errors are `RDBError` (kind + message + input offset).
//
// Format facts follow Redis 7.0's rdb.c, listpack.c, ziplist.c, intset.c, lzf and crc64.
/// The neutral data model the RDB codec reads and writes. Keys, members and values are bytes,
/// never `String`: Redis data is binary-safe. Integers read from integer encodings come back in
/// canonical decimal ("-12"). Sets, hashes and sorted sets are in file order, which carries no
/// meaning (Redis writes skiplist sorted sets highest score first).
public enum RDBValue: Sendable, Equatable {
    case string([UInt8])
    /// Elements head to tail.
    case list([[UInt8]])
    case set([[UInt8]])
    /// Field/value pairs.
    case hash([([UInt8], [UInt8])])
    /// Member/score pairs. Scores are never NaN (Redis refuses NaN scores in a file).
    case sortedSet([([UInt8], Double)])

    public static func == (a: RDBValue, b: RDBValue) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)): return x == y
        case let (.list(x), .list(y)): return x == y
        case let (.set(x), .set(y)): return x == y
        case let (.hash(x), .hash(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.sortedSet(x), .sortedSet(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// Number of elements (1 for a string).
    public var count: Int {
        switch self {
        case .string: 1
        case .list(let v): v.count
        case .set(let v): v.count
        case .hash(let v): v.count
        case .sortedSet(let v): v.count
        }
    }
}

/// One key of one database.
public struct RDBEntry: Sendable, Equatable {
    public var db: Int
    public var key: [UInt8]
    public var value: RDBValue
    /// Absolute expiry, Unix time in milliseconds; nil = persistent. The reader reports keys that
    /// are already expired as they are: whether to drop them is the loader's policy (Redis drops
    /// them when it loads as a master, keeps them as a replica).
    public var expireAtMs: Int64?

    public init(db: Int = 0, key: [UInt8], value: RDBValue, expireAtMs: Int64? = nil) {
        self.db = db
        self.key = key
        self.value = value
        self.expireAtMs = expireAtMs
    }
}

/// Why a file could not be read or written. `kind` says what class of problem; `message` says
/// what exactly, and `offset` (when known) at which byte of the input it was noticed.
public struct RDBError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Extensible set of error classes (a struct, so adding one breaks no caller's `switch`).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case corrupt, truncated, unsupported, checksum, io, invalidArgument }
        private let base: Base
        /// The bytes contradict the format (bad encoding, bad length, bad listpack...).
        public static let corrupt = Kind(base: .corrupt)
        /// The input ended before the file did.
        public static let truncated = Kind(base: .truncated)
        /// Valid RDB, but holding something this codec does not handle (streams, modules, newer versions).
        public static let unsupported = Kind(base: .unsupported)
        /// The CRC64 trailer does not match the content.
        public static let checksum = Kind(base: .checksum)
        /// The byte source or sink failed (read/write error).
        public static let io = Kind(base: .io)
        /// The writer was asked to store something Redis cannot load (NaN score, negative db...).
        public static let invalidArgument = Kind(base: .invalidArgument)
        public var description: String { "\(base)" }
    }

    public let kind: Kind
    public let message: String
    public var offset: Int?

    public init(_ kind: Kind, _ message: String, offset: Int? = nil) {
        self.kind = kind
        self.message = message
        self.offset = offset
    }

    static func corrupt(_ m: String) -> RDBError { RDBError(.corrupt, m) }
    static func unsupported(_ m: String) -> RDBError { RDBError(.unsupported, m) }

    public var description: String {
        if let offset { return "RDB \(kind) at byte \(offset): \(message)" }
        return "RDB \(kind): \(message)"
    }
}

/// What a file says besides its keys: its version, aux fields (redis-ver, repl-id, repl-offset...),
/// function libraries, and what the reader checked.
public struct RDBMetadata: Sendable {
    public var version: Int = 0
    /// Aux fields in file order, as raw bytes.
    public var aux: [([UInt8], [UInt8])] = []
    /// FUNCTION2 payloads (library source code), in file order.
    public var functionLibraries: [[UInt8]] = []
    /// The checksum stored in the file; nil for versions before 5, 0 when the writer disabled it.
    public var storedChecksum: UInt64?
    /// True when a non-zero stored checksum was compared with the content and matched.
    public var checksumVerified = false
    public var keysRead = 0
    /// Empty collections are skipped, as Redis skips them.
    public var emptyKeysSkipped = 0

    public init() {}

    /// The value of an aux field as text, e.g. `aux("repl-id")`.
    public func aux(_ name: String) -> String? {
        let key = Array(name.utf8)
        guard let v = aux.last(where: { $0.0 == key })?.1 else { return nil }
        return String(decoding: v, as: UTF8.self)
    }

    /// The replication ID the file was saved with (a 40-character hex string), if any.
    public var replID: String? { aux("repl-id") }
    /// The replication offset the file corresponds to, if any.
    public var replOffset: Int64? { aux("repl-offset").flatMap { Int64($0) } }
    /// The database the replication stream had selected when the file was saved, if any.
    public var replStreamDB: Int? { aux("repl-stream-db").flatMap { Int($0) } }
}

/// Type and opcode bytes (Redis `rdb.h`).
enum RDBType {
    static let string: UInt8 = 0
    static let list: UInt8 = 1
    static let set: UInt8 = 2
    static let zset: UInt8 = 3
    static let hash: UInt8 = 4
    static let zset2: UInt8 = 5
    static let module: UInt8 = 6
    static let module2: UInt8 = 7
    static let hashZipmap: UInt8 = 9
    static let listZiplist: UInt8 = 10
    static let setIntset: UInt8 = 11
    static let zsetZiplist: UInt8 = 12
    static let hashZiplist: UInt8 = 13
    static let listQuicklist: UInt8 = 14
    static let streamListpacks: UInt8 = 15
    static let hashListpack: UInt8 = 16
    static let zsetListpack: UInt8 = 17
    static let listQuicklist2: UInt8 = 18
    static let streamListpacks2: UInt8 = 19
    static let setListpack: UInt8 = 20
    static let streamListpacks3: UInt8 = 21
}

enum RDBOpcode {
    static let function2: UInt8 = 245
    static let function: UInt8 = 246
    static let moduleAux: UInt8 = 247
    static let idle: UInt8 = 248
    static let freq: UInt8 = 249
    static let aux: UInt8 = 250
    static let resizeDB: UInt8 = 251
    static let expireTimeMs: UInt8 = 252
    static let expireTime: UInt8 = 253
    static let selectDB: UInt8 = 254
    static let eof: UInt8 = 255
}
