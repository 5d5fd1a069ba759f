import Dispatch
import Synchronization

/// Host names resolved off the event loop: getaddrinfo can take seconds (a slow or dead DNS
/// server), and the loop is what answers PINGs and times failovers. An address literal answers
/// at once; a name is looked up on one background queue and the answer cached, so the caller's
/// first try reports `.pending` (and tries again later, as a failed connect is retried) and
/// every later try reads the cache. Successes are kept for `ttlMs` (refreshed in the background
/// while the old address keeps serving), failures for `failureTTLMs`; at most `capacity` names.
public final class HostResolver: Sendable {
    public enum Answer: Equatable, Sendable {
        case address(String)
        case pending
        case failed
    }

    private struct Entry: Sendable {
        var address: String?
        var resolvedAtMs: Int64
        var inFlight: Bool
    }

    public let ttlMs: Int64
    public let failureTTLMs: Int64
    public let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])
    private let queue = DispatchQueue(label: "host-resolver")
    /// The lookup itself (getaddrinfo by default; a test can slow it down).
    private let resolve: @Sendable (String) -> String?

    public init(ttlMs: Int64 = 30_000, failureTTLMs: Int64 = 1_000, capacity: Int = 1024,
                resolve: @escaping @Sendable (String) -> String? = { Socket.resolve($0) }) {
        self.ttlMs = ttlMs
        self.failureTTLMs = failureTTLMs
        self.capacity = capacity
        self.resolve = resolve
    }

    public func lookup(_ host: String, nowMs: Int64 = EventLoop.monotonicMs()) -> Answer {
        if Socket.isAddressLiteral(host) { return .address(host) }
        let (answer, start): (Answer, Bool) = entries.withLock { table in
            if let e = table[host] {
                let fresh = nowMs - e.resolvedAtMs < (e.address != nil ? ttlMs : failureTTLMs)
                if fresh || e.inFlight {
                    return (e.address.map(Answer.address) ?? (e.inFlight ? .pending : .failed), false)
                }
                table[host]?.inFlight = true
                return (e.address.map(Answer.address) ?? .pending, true)
            }
            if table.count >= capacity, let oldest = table.min(by: { $0.value.resolvedAtMs < $1.value.resolvedAtMs })?.key {
                table.removeValue(forKey: oldest)
            }
            table[host] = Entry(address: nil, resolvedAtMs: nowMs, inFlight: true)
            return (.pending, true)
        }
        if start {
            queue.async { [self] in
                let address = resolve(host)
                entries.withLock { $0[host] = Entry(address: address, resolvedAtMs: EventLoop.monotonicMs(), inFlight: false) }
            }
        }
        return answer
    }
}
