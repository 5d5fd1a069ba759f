import SentinelCore

// Deterministic random numbers come from SentinelCore's SplitMix64.

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

func randomBytes(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
    (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
}
