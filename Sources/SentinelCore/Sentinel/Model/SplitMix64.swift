/// A tiny seeded generator (SplitMix64). The machine's only source of randomness: seeded at init and
/// stored in the state, so that a replay of the same events gives the same actions.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in 0..<bound (bound > 0).
    public mutating func below(_ bound: Int64) -> Int64 {
        precondition(bound > 0)
        return Int64(next() % UInt64(bound))
    }

    /// 40 lowercase hex characters: the shape of a run id / sentinel myid.
    public mutating func hexID() -> String {
        let digits = Array("0123456789abcdef")
        var s = ""
        s.reserveCapacity(40)
        for _ in 0..<40 { s.append(digits[Int(next() & 15)]) }
        return s
    }
}
