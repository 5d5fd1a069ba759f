@testable import SentinelCore

/// Safety properties checked after every step of a simulation. Keys use the sentinel's run id, which
/// survives restarts (it is persisted), so "never twice" holds across crashes too.
struct InvariantChecker {
    var violations: [String] = []
    /// epoch → the one sentinel elected in it.
    var leaders: [UInt64: String] = [:]
    /// "voter epoch" → the candidate voted for.
    var votes: [String: String] = [:]
    /// Per sentinel: highest config epoch of its (single) master seen.
    var configEpochs: [UInt64] = []
    /// config epoch → master address it stands for.
    var epochAddress: [UInt64: Address] = [:]
    var currentEpochs: [UInt64] = []
    /// "runid epoch" → replica selected by that leader in that epoch.
    var selected: [String: Address] = [:]
    var elections = 0
    /// With fencing: the highest offset acknowledged to clients (held by a majority).
    var committedOffset: Int64 = 0
    var promotions = 0

    mutating func fail(_ message: String) {
        if violations.count < 20 { violations.append(message) }
    }

    mutating func check(sentinel j: Int, _ s: Sentinel, cluster: Cluster) {
        // Indexed by sentinel number: a restarted sentinel keeps its number and its (persisted) id.
        if currentEpochs.count <= j { currentEpochs += Array(repeating: 0, count: j + 1 - currentEpochs.count) }
        if configEpochs.count <= j { configEpochs += Array(repeating: 0, count: j + 1 - configEpochs.count) }
        if s.epoch < currentEpochs[j] {
            fail("s\(j) current epoch went back from \(currentEpochs[j]) to \(s.epoch)")
        }
        currentEpochs[j] = s.epoch
        guard let m = s.masters.first else { return }
        if m.configEpoch < configEpochs[j] {
            fail("s\(j) config epoch of \(m.name) went back from \(configEpochs[j]) to \(m.configEpoch)")
        }
        configEpochs[j] = m.configEpoch
        let address = m.currentAddress
        if let known = epochAddress[m.configEpoch] {
            if known != address { fail("config epoch \(m.configEpoch) stands for \(known) and, at s\(j), for \(address)") }
        } else {
            epochAddress[m.configEpoch] = address
        }
    }

    /// Reads the machine's typed notices: who was elected and voted for whom in which epoch, and
    /// which replica was selected and promoted.
    mutating func observe(sentinel j: Int, _ notice: SentinelNotice, cluster: Cluster) {
        guard let s = cluster.sentinels[j].machine else { return }
        switch notice.kind {
        case .electedLeader:
            elections += 1
            guard let epoch = notice.epoch else { return fail("s\(j) +elected-leader without an epoch") }
            if let other = leaders[epoch], other != s.id {
                fail("two leaders in epoch \(epoch): \(other) and \(s.id) (s\(j))")
            }
            leaders[epoch] = s.id
        case .voteForLeader:
            guard let epoch = notice.epoch, let candidate = notice.candidate else {
                return fail("s\(j) +vote-for-leader without epoch or candidate: \(notice)")
            }
            let key = "\(s.id) \(epoch)"
            if let earlier = votes[key], earlier != candidate {
                fail("s\(j) voted twice in epoch \(epoch): \(earlier) then \(candidate)")
            }
            votes[key] = candidate
        case .selectedSlave:
            // Right after the candidateSelected action that observeSelection checked.
            guard let epoch = notice.epoch, let replica = notice.instance?.address else { return }
            selected["\(s.id) \(epoch)"] = replica
        case .promotedSlave:
            promotions += 1
            guard let epoch = notice.epoch, let address = notice.instance?.address else { return }
            let key = "\(s.id) \(epoch)"
            if selected[key] != address {
                fail("s\(j) promoted \(address) but selected \(selected[key].map(\.description) ?? "nothing")")
            }
        default: break
        }
    }

    /// The promoted replica must be an eligible candidate with the best priority and, among those,
    /// the highest offset known at selection.
    mutating func observeSelection(sentinel j: Int, replica: Address, eligible: [ReplicaCandidate], cluster: Cluster) {
        guard let chosen = eligible.first(where: { $0.address == replica }) else {
            fail("s\(j) selected \(replica) which was not eligible")
            return
        }
        for other in eligible where other.priority < chosen.priority
            || (other.priority == chosen.priority && other.offset > chosen.offset) {
            fail("s\(j) selected \(chosen) although \(other) was better")
        }
        if chosen.priority == 0 { fail("s\(j) selected a priority-0 replica") }
    }
}
