import CSystem
import Glibc

/// Something that owns a file descriptor registered with an `EventLoop`.
public protocol EventHandler: AnyObject {
    /// The descriptor has bytes to read, a pending connection, or hung up.
    func readable()
    /// The descriptor can take more bytes (only while write interest is on).
    func writable()
}

/// A single-threaded epoll event loop, in the manner of Redis's ae: file events, timers, and a
/// hook that runs before each sleep (where servers flush the replies they built during the turn,
/// so a pipeline's replies leave in one write).
///
/// One thread owns the loop and every descriptor registered with it. Other threads reach it only
/// through `Waker`.
public final class EventLoop {
    private let epollFD: Int32
    /// Handlers indexed by descriptor: descriptors are small integers, and an array lookup per
    /// event is cheaper than hashing.
    private var handlers: [EventHandler?] = []
    private var interests: [UInt32] = []
    private var timers = TimerHeap()
    private var nextTimerID: UInt64 = 1
    private var stopped = false
    /// Run before each wait for events.
    public var beforeSleep: (() -> Void)?

    public init() throws(SystemError) {
        let fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard fd >= 0 else { throw SystemError("epoll_create1") }
        epollFD = fd
    }

    deinit { close(epollFD) }

    /// Milliseconds on a monotonic clock: immune to wall-clock changes, used for every timeout.
    public static func monotonicMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// Microseconds on the monotonic clock, for short time budgets.
    public static func monotonicUs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }

    /// Like monotonicMs, but counting time the machine spent suspended (CLOCK_BOOTTIME): a lease
    /// must run out during a suspend too.
    public static func boottimeMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_BOOTTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// Microseconds since the Unix epoch, for the few things that are wall-clock by nature
    /// (TIME, expiry timestamps, log lines, rdb ctime).
    public static func wallClockUs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }

    public static func wallClockMs() -> Int64 { wallClockUs() / 1000 }

    public func register(_ fd: Int32, _ handler: EventHandler, read: Bool = true, write: Bool = false) throws(SystemError) {
        let fdIndex = Int(fd)
        if fdIndex >= handlers.count {
            let newCount = Swift.max(fdIndex + 1, handlers.count * 2, 64)
            handlers.append(contentsOf: repeatElement(nil, count: newCount - handlers.count))
            interests.append(contentsOf: repeatElement(0, count: newCount - interests.count))
        }
        let mask = Self.mask(read: read, write: write)
        var ev = epoll_event()
        ev.events = mask
        ev.data.fd = fd
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &ev) == 0 else { throw SystemError("epoll_ctl add") }
        handlers[fdIndex] = handler
        interests[fdIndex] = mask
    }

    /// Changes what the loop watches for on `fd`; a no-op when nothing changes.
    public func setInterest(_ fd: Int32, read: Bool, write: Bool) {
        let fdIndex = Int(fd)
        guard fdIndex < handlers.count, handlers[fdIndex] != nil else { return }
        let mask = Self.mask(read: read, write: write)
        guard interests[fdIndex] != mask else { return }
        var ev = epoll_event()
        ev.events = mask
        ev.data.fd = fd
        if epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &ev) == 0 { interests[fdIndex] = mask }
    }

    public func isWatchingWrite(_ fd: Int32) -> Bool {
        let i = Int(fd)
        return i < interests.count && interests[i] & EPOLLOUT.rawValue != 0
    }

    /// Stops watching `fd`. The caller closes it.
    public func unregister(_ fd: Int32) {
        let fdIndex = Int(fd)
        guard fdIndex < handlers.count, handlers[fdIndex] != nil else { return }
        var ev = epoll_event()
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, &ev)
        handlers[fdIndex] = nil
        interests[fdIndex] = 0
    }

    private static func mask(read: Bool, write: Bool) -> UInt32 {
        var m: UInt32 = 0
        if read { m |= EPOLLIN.rawValue | EPOLLRDHUP.rawValue }
        if write { m |= EPOLLOUT.rawValue }
        return m
    }

    /// Runs `action` after `delayMs`, and again every `repeatMs` if given. Returns an id for
    /// `cancelTimer`.
    @discardableResult
    public func addTimer(afterMs delayMs: Int64, repeatMs: Int64? = nil, _ action: @escaping () -> Void) -> UInt64 {
        let id = nextTimerID
        nextTimerID += 1
        timers.push(TimerEntry(deadlineMs: Self.monotonicMs() + delayMs, id: id, repeatMs: repeatMs, action: action))
        return id
    }

    public func cancelTimer(_ id: UInt64) { timers.cancel(id) }

    public func stop() { stopped = true }

    /// Handles what is ready on the descriptors now (no waiting, no timers), with beforeSleep
    /// around it: how a server answers clients while it is busy loading its dataset, as Redis's
    /// processEventsWhileBlocked does.
    public func processFileEvents() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        beforeSleep?()
        let n = events.withUnsafeMutableBufferPointer { epoll_wait(epollFD, $0.baseAddress, Int32(256), 0) }
        if n > 0 { dispatch(events, Int(n)) }
        beforeSleep?()
    }

    /// Runs until `stop()`.
    public func run() {
        let maxEvents = 1024
        var events = [epoll_event](repeating: epoll_event(), count: maxEvents)
        while !stopped {
            beforeSleep?()
            if stopped { break }
            var timeoutMs: Int32 = 1000
            if let next = timers.nextDeadlineMs {
                timeoutMs = Int32(clamping: Swift.max(0, next - Self.monotonicMs()))
            }
            let n = events.withUnsafeMutableBufferPointer { epoll_wait(epollFD, $0.baseAddress, Int32(maxEvents), timeoutMs) }
            if n < 0 && errno != EINTR { break }
            if n > 0 { dispatch(events, Int(n)) }
            runDueTimers()
        }
    }

    private func dispatch(_ events: [epoll_event], _ n: Int) {
        for i in 0..<n {
            let fd = Int(events[i].data.fd)
            let mask = events[i].events
            // A handler may have closed and unregistered this descriptor (or another
            // one of this batch) while handling an earlier event.
            if mask & (EPOLLIN.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue | EPOLLRDHUP.rawValue) != 0,
               fd < handlers.count, let h = handlers[fd] {
                h.readable()
            }
            if mask & (EPOLLOUT.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0,
               fd < handlers.count, let h = handlers[fd], interests[fd] & EPOLLOUT.rawValue != 0 {
                h.writable()
            }
        }
    }

    private func runDueTimers() {
        let now = Self.monotonicMs()
        while let entry = timers.popDue(nowMs: now) {
            if let every = entry.repeatMs {
                timers.push(TimerEntry(deadlineMs: now + every, id: entry.id, repeatMs: every, action: entry.action))
            }
            entry.action()
        }
    }
}

struct TimerEntry: HeapKeyed {
    var deadlineMs: Int64
    var id: UInt64
    var repeatMs: Int64?
    var action: () -> Void
    var heapKey: Int64 { deadlineMs }
}

/// Timers by deadline. Cancelled ids are skipped lazily when they surface.
struct TimerHeap {
    private var heap = MinHeap<TimerEntry>()
    private var cancelled: Set<UInt64> = []

    var nextDeadlineMs: Int64? {
        mutating get {
            dropCancelledTop()
            return heap.first?.deadlineMs
        }
    }

    mutating func cancel(_ id: UInt64) {
        if heap.items.contains(where: { $0.id == id }) { cancelled.insert(id) }
    }

    mutating func push(_ e: TimerEntry) { heap.push(e) }

    mutating func popDue(nowMs: Int64) -> TimerEntry? {
        dropCancelledTop()
        guard let top = heap.first, top.deadlineMs <= nowMs else { return nil }
        return heap.popFirst()
    }

    private mutating func dropCancelledTop() {
        while let top = heap.first, cancelled.contains(top.id) {
            cancelled.remove(top.id)
            heap.popFirst()
        }
    }
}

/// An OS call that failed, with errno's text.
public struct SystemError: Error, CustomStringConvertible, Sendable {
    public let call: String
    public let code: Int32
    public init(_ call: String, code: Int32 = errno) {
        self.call = call
        self.code = code
    }
    public var description: String { "\(call): \(reason)" }
    public var reason: String { Self.text(code) }
    public static func text(_ code: Int32) -> String { strerror(code).map { String(validatingCString: $0) ?? "" } ?? "" }
    /// The text of the calling thread's errno (the last failed system call's reason).
    public static var lastErrorText: String { text(errno) }
}
