/// TILT: when the time between two timer ticks is negative or much longer than expected, the clock
/// jumped or the process was stalled, and every timeout computed across that gap is meaningless.
/// For tilt-period the sentinel keeps monitoring (so its view is fresh again) but acts on nothing.
extension Sentinel {
    mutating func checkTilt(wallClockMs: Int64, now: MonotonicMs) {
        defer { previousTickWallMs = wallClockMs }
        guard let previous = previousTickWallMs else { return }
        let deltaMs = wallClockMs - previous
        if deltaMs < 0 || deltaMs > timers.tiltTriggerMs {
            tiltSinceMs = now
            tiltSinceWallMs = wallClockMs
            event(.warning, .tilt, nil, "#tilt mode entered", now: now)
        }
    }

    /// Leaves TILT once tilt-period passed; returns whether we are still in TILT.
    mutating func stillInTilt(now: MonotonicMs) -> Bool {
        guard let since = tiltSinceMs else { return false }
        if now - since < timers.tiltPeriodMs { return true }
        tiltSinceMs = nil
        event(.warning, .tiltEnded, nil, "#tilt mode exited", now: now)
        return false
    }
}
