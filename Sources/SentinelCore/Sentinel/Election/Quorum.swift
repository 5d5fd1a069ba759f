/// How many votes a decision among `voters` needs, and whether a candidate has it, like etcd
/// raft's VoteResult. The majority arithmetic of the whole machine lives here.
struct Quorum: Sendable, Hashable {
    /// Everyone who may vote: us and every peer sentinel we know.
    let voters: Int
    /// Votes needed: an absolute majority of the voters, and at least `minimum` (the configured
    /// quorum, write fencing's quorum).
    let needed: Int

    init(voters: Int, atLeast minimum: Int = 0) {
        self.voters = voters
        needed = max(Self.majority(of: voters), minimum)
    }

    /// More than half: two majorities of the same voters always share a voter, so two candidates
    /// can never both win one epoch.
    static func majority(of voters: Int) -> Int { voters / 2 + 1 }

    enum Result: Sendable, Hashable {
        /// The candidate has the votes needed.
        case won
        /// Not yet, but the voters not heard from could still give them.
        case pending
        /// Not even every voter not heard from would be enough.
        case lost
    }

    /// The standing of a candidate with `votes` votes while `unheard` voters may still vote for it.
    func result(votes: Int, unheard: Int) -> Result {
        if votes >= needed { return .won }
        return votes + unheard >= needed ? .pending : .lost
    }
}

/// The votes seen for one epoch, counted per candidate.
struct VoteTally: Sendable {
    private(set) var counts: [String: Int] = [:]
    /// Votes added (every voter counted once).
    private(set) var cast = 0

    mutating func add(_ candidate: String) {
        counts[candidate, default: 0] += 1
        cast += 1
    }

    /// The candidate with the most votes; ties go to the smallest run id, so the result never
    /// depends on dictionary order.
    var mostVoted: (candidate: String, votes: Int)? {
        counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }
            .map { ($0.key, $0.value) }
    }
}
