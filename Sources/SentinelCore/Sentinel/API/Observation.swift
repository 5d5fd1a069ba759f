import RESP
/// Read-only views of the machine for observers that are not clients (the shell's web view and
/// JSON snapshot): the same replies SENTINEL MASTERS / REPLICAS / SENTINELS give, without feeding
/// an event, so looking at the machine can never change it or the order of its actions.
extension Sentinel {
    /// `SENTINEL MASTERS`, `MASTER <name>`, `REPLICAS <name>`, `SENTINELS <name>` or `INFO-CACHE
    /// [name...]` (args without the SENTINEL word); nil for any other subcommand, so nothing that
    /// writes is reachable.
    public func observe(_ args: [String], now: MonotonicMs) -> RESPValue? {
        guard let sub = args.first?.lowercased(), ["masters", "master", "replicas", "sentinels", "info-cache"].contains(sub) else { return nil }
        // sentinelCommand is mutating only for its writing subcommands; these four read. A copy
        // keeps the signature honest.
        var copy = self
        return copy.sentinelCommand(args, now: now)
    }

    /// This sentinel's vote for the master: the run id it voted for as failover leader and the
    /// epoch of that vote (nil before it ever voted).
    public func leaderVote(master name: String) -> (runID: String, epoch: UInt64)? {
        guard let m = masterIndex(named: name), let leader = masters[m].leader else { return nil }
        return (leader, masters[m].leaderEpoch)
    }
}
