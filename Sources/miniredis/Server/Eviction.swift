import CMallocCount
import Runtime

extension EvictionPolicy {
    var accessMode: KeyAccess.Mode { usesLFU ? .lfu : .lru }
}

/// Picks the keys to evict, approximating the ideal order as Redis does (evict.c): a few keys
/// are sampled from each database and the best candidates seen so far are kept in a small pool
/// ranked by how evictable they are, so each eviction costs `maxmemory-samples` lookups, not a
/// scan, and the pool carries good candidates over from one eviction to the next.
final class Evictor {
    struct Candidate {
        /// Higher is evicted first: idle ms (LRU), 255 - counter (LFU), or UInt64.max - expiry (TTL).
        var score: UInt64
        var key: Key
        var db: Int
    }

    static let poolSize = 16
    /// The best candidates seen (unordered), and their scores apart for a quick scan.
    private var pool: [Candidate] = []
    private var scores: [UInt64] = []
    private var nextRandomDB = 0
    /// Sampling needs speed, not secrecy: SystemRandomNumberGenerator asks the kernel for every
    /// number; this is seeded from it once.
    private var rng = FastRandom()

    /// The next key to evict under `policy`, or nil when no key is a candidate.
    func nextVictim(policy: EvictionPolicy, samples: Int, databases: [Database]) -> (Database, Key)? {
        if policy.isRandom { return randomVictim(volatileOnly: policy.volatileOnly, databases: databases) }
        while true {
            var candidates = 0
            for db in databases {
                let size = policy.volatileOnly ? db.expires.count : db.count
                guard size > 0 else { continue }
                candidates += size
                sample(db, policy: policy, samples: samples)
            }
            if candidates == 0 { return nil }
            // The best entry whose key is still there (it may have been deleted since sampled).
            while let best = popBest() {
                let db = databases[best.db]
                let present = policy.volatileOnly ? db.expires.contains(best.key) : db.dict.contains(best.key)
                if present { return (db, best.key) }
            }
        }
    }

    func reset() {
        pool.removeAll()
        scores.removeAll()
    }

    /// At most this many samples per database per round, whatever maxmemory-samples says (Redis
    /// accepts up to INT_MAX and puts that many on its stack): a huge setting would otherwise
    /// turn each eviction into a scan that stalls every client.
    static let maxSamples = 1024

    private func sample(_ db: Database, policy: EvictionPolicy, samples: Int) {
        let n = min(samples, Self.maxSamples)
        let access = db.access
        if policy.volatileOnly {
            db.expires.sampleWithValues(n, using: &rng) { key, expiry in
                let score: UInt64
                switch policy {
                case .volatileTTL: score = UInt64.max - UInt64(max(0, expiry))
                case .volatileLFU: score = 255 - UInt64(access.counter(db.dict.aux(key) ?? 0))
                default: score = UInt64(access.idleMs(db.dict.aux(key) ?? 0))
                }
                insert(Candidate(score: score, key: key, db: db.id))
            }
        } else {
            db.dict.sample(n, using: &rng) { key, aux in
                let score = policy == .allkeysLFU ? 255 - UInt64(access.counter(aux)) : UInt64(access.idleMs(aux))
                insert(Candidate(score: score, key: key, db: db.id))
            }
        }
    }

    /// The pool is unsorted: with 16 entries, finding the weakest (to replace) or the best (to
    /// evict) is a scan of 16 integers, cheaper than keeping it ordered, which moved candidates
    /// and their keys on every insert (14% of an evicting SET's instructions).
    private func insert(_ c: Candidate) {
        if pool.count < Self.poolSize {
            pool.append(c)
            scores.append(c.score)
            return
        }
        var weakest = 0
        for i in 1..<scores.count where scores[i] < scores[weakest] { weakest = i }
        guard c.score > scores[weakest] else { return }
        pool[weakest] = c
        scores[weakest] = c.score
    }

    /// Removes and returns the best candidate.
    private func popBest() -> Candidate? {
        guard !scores.isEmpty else { return nil }
        var best = 0
        for i in 1..<scores.count where scores[i] > scores[best] { best = i }
        scores.swapAt(best, scores.count - 1)
        scores.removeLast()
        pool.swapAt(best, pool.count - 1)
        return pool.removeLast()
    }

    private func randomVictim(volatileOnly: Bool, databases: [Database]) -> (Database, Key)? {
        for _ in 0..<databases.count {
            let db = databases[nextRandomDB % databases.count]
            nextRandomDB = (nextRandomDB + 1) % databases.count
            if volatileOnly {
                if let e = db.expires.randomEntry(using: &rng) { return (db, e.key) }
            } else if let e = db.dict.randomEntry(using: &rng) {
                return (db, e.key)
            }
        }
        return nil
    }
}

/// xorshift64* seeded from the system: for sampling, where the stream only has to be uniform.
struct FastRandom: RandomNumberGenerator {
    private var state: UInt64

    init() {
        var system = SystemRandomNumberGenerator()
        state = system.next() | 1
    }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}

extension Server {
    enum EvictionResult { case ok, running, failed }

    static let oomError = "OOM command not allowed when used memory > 'maxmemory'."

    /// Memory that counts toward maxmemory: everything allocated, less the buffers that only
    /// carry data elsewhere (replicas' output, the AOF's pending writes), as Redis leaves out,
    /// so that feeding the evictions' DELs to a slow replica cannot itself cause evictions.
    func memoryCountedForEviction() -> Int64 {
        Int64(malloc_count_used()) - Int64(memoryNotCountedForEviction())
    }

    /// The AOF's pending writes and every replica's buffers, by capacity (a buffer that grew
    /// for a full sync keeps its allocation): INFO's mem_not_counted_for_evict.
    func memoryNotCountedForEviction() -> Int {
        var bytes = persistence.aof.bufferedBytes
        for r in replication.replicas {
            bytes += r.reply.buffer.capacity + (r.replica?.pendingStream.capacity ?? 0)
        }
        return bytes
    }

    /// Evicts keys until memory is under maxmemory (Redis's performEvictions), within a time
    /// budget set by maxmemory-eviction-tenacity; what is left is continued by the cron.
    /// `.failed`: over the limit and nothing may be evicted (write commands get -OOM).
    @discardableResult
    func performEvictions() -> EvictionResult {
        guard config.maxmemory > 0 else { return .ok }
        // A replica leaves it to its master; nothing is deleted while loading or paused.
        if !replication.isMaster && config.replicaIgnoreMaxmemory { return .ok }
        if persistence.loading || writesPaused { return .ok }
        var used = memoryCountedForEviction()
        guard used > config.maxmemory else { return .ok }
        if config.maxmemoryPolicy == .noeviction { return .failed }
        let budgetUs = Self.evictionBudgetUs(tenacity: config.maxmemoryEvictionTenacity)
        let startUs = EventLoop.monotonicUs()
        var evicted = 0
        while used > config.maxmemory {
            guard let (db, key) = evictor.nextVictim(policy: config.maxmemoryPolicy, samples: config.maxmemorySamples, databases: databases) else {
                return .failed
            }
            evictKey(db, key)
            evicted += 1
            used = memoryCountedForEviction()
            if evicted % 16 == 0, let budgetUs, EventLoop.monotonicUs() - startUs > budgetUs {
                evictionRunning = used > config.maxmemory
                return evictionRunning ? .running : .ok
            }
        }
        evictionRunning = false
        return .ok
    }

    /// Microseconds one eviction pass may take: Redis's figures (500 µs at the default 10,
    /// growing 15% per step above it), and no limit at 100.
    static func evictionBudgetUs(tenacity: Int) -> Int64? {
        if tenacity >= 100 { return nil }
        if tenacity <= 10 { return Int64(50 * tenacity) }
        var us = 500.0
        for _ in 10..<tenacity { us *= 1.15 }
        return Int64(us)
    }

    static let delWord = Array("DEL".utf8), unlinkWord = Array("UNLINK".utf8)

    /// Deletes a key to free memory and tells replicas and the AOF, as each one goes (a DEL, or
    /// UNLINK with lazyfree-lazy-eviction, never wrapped in a MULTI with other evictions).
    func evictKey(_ db: Database, _ key: Key) {
        guard db.delete(key) else { return }
        stats.evictedKeys += 1
        touchWatched(db, key)
        notifyKeyspace(.evicted, "evicted", db: db.id, key)
        propagate(dbIndex: db.id, [config.lazyfreeLazyEviction ? Self.unlinkWord : Self.delWord, key.bytes])
        flushPropagation()
    }

    /// Keeps every database's access clocks current and their mode in step with the policy.
    func tickKeyAccess() {
        let now = unixMs
        let mode = config.maxmemoryPolicy.accessMode
        for db in databases {
            db.access.tick(nowMs: now)
            db.access.mode = mode
            db.access.logFactor = config.lfuLogFactor
            db.access.decayMinutes = config.lfuDecayTime
        }
    }
}
