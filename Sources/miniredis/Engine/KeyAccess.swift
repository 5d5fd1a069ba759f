/// How an access to a key is recorded in its slot's aux (HashTable.SlotMeta.aux), which is what
/// eviction and OBJECT IDLETIME/FREQ read. The two layouts are Redis's (evict.c), so a key's
/// figures mean what they mean there:
/// - LRU: the seconds clock when the key was last touched, 24 bits, wrapping every ~194 days.
/// - LFU: minutes of the last decrement in the high 16 bits, a logarithmic counter in the low 8.
/// Which one is kept follows maxmemory-policy; switching reinterprets the bits, as Redis does,
/// and the figures settle as keys are touched again.
struct KeyAccess {
    enum Mode: Equatable { case lru, lfu }

    static let lruClockMax: UInt32 = (1 << 24) - 1
    /// A new key's LFU counter, so it is not evicted before it had a chance to be used.
    static let lfuInitial: UInt32 = 5

    var mode = Mode.lru
    /// lfu-log-factor: how many hits it takes to raise the counter (higher: slower).
    var logFactor = 10
    /// lfu-decay-time: minutes per halving step of an idle key's counter (0: never decays).
    var decayMinutes = 1
    private(set) var lruClock: UInt32 = 0
    private(set) var minutes: UInt32 = 0
    /// xorshift64*: the LFU counter's coin flips (no security meaning, one per access).
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    init(nowMs: Int64 = 0) { tick(nowMs: nowMs) }

    /// Advances the clocks; the server calls it every cron tick (Redis's resolution is 1 s).
    mutating func tick(nowMs: Int64) {
        lruClock = UInt32(truncatingIfNeeded: nowMs / 1000) & Self.lruClockMax
        minutes = UInt32(truncatingIfNeeded: nowMs / 60_000) & 0xFFFF
    }

    /// The aux of a key just created.
    var fresh: UInt32 { mode == .lru ? lruClock : (minutes << 8) | Self.lfuInitial }

    /// The aux after an access: the clock (LRU), or the decayed counter plus maybe one (LFU).
    @inline(__always)
    mutating func touched(_ old: UInt32) -> UInt32 {
        guard mode == .lfu else { return lruClock }
        return (minutes << 8) | increment(counter(old))
    }

    /// The aux of a key written: a new key's, or an existing key's after an access (a value
    /// replaced by SET keeps its LFU history, as in Redis).
    @inline(__always)
    mutating func written(_ old: UInt32?) -> UInt32 {
        guard let old else { return fresh }
        return touched(old)
    }

    /// The aux of a key last touched `seconds` ago (LRU; RESTORE IDLETIME).
    func aux(idleSeconds seconds: Int64) -> UInt32 {
        let back = UInt32(truncatingIfNeeded: min(seconds, Int64(Self.lruClockMax))) & Self.lruClockMax
        return (lruClock &- back) & Self.lruClockMax
    }

    /// The aux of a key with LFU counter `frequency` as of now (RESTORE FREQ).
    func aux(frequency: Int64) -> UInt32 { (minutes << 8) | UInt32(min(max(frequency, 0), 255)) }

    /// LRU: milliseconds since the key was touched, to the clock's resolution.
    func idleMs(_ aux: UInt32) -> Int64 {
        let then = aux & Self.lruClockMax
        let seconds = lruClock >= then ? lruClock - then : lruClock + (Self.lruClockMax - then)
        return Int64(seconds) * 1000
    }

    /// LFU: the counter after the decay its idle minutes have earned.
    func counter(_ aux: UInt32) -> UInt32 {
        let last = aux >> 8
        let counter = aux & 0xFF
        guard decayMinutes > 0 else { return counter }
        let elapsed = minutes >= last ? minutes - last : 0xFFFF - last + minutes
        let periods = elapsed / UInt32(decayMinutes)
        return periods > counter ? 0 : counter - periods
    }

    /// One logarithmic step: the higher the counter, the less likely a hit raises it.
    private mutating func increment(_ counter: UInt32) -> UInt32 {
        guard counter < 255 else { return 255 }
        let base = Double(counter > Self.lfuInitial ? counter - Self.lfuInitial : 0)
        let p = 1.0 / (base * Double(logFactor) + 1)
        return unitRandom() < p ? counter + 1 : counter
    }

    private mutating func unitRandom() -> Double {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return Double((state &* 0x2545_F491_4F6C_DD1D) >> 11) / Double(1 << 53)
    }
}
