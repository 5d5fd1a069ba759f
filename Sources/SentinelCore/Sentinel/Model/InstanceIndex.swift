/// Dictionary lookups into `Sentinel.masters`, so a reply, a hello or a command finds its master
/// and instance in one hash lookup instead of a scan with a lowercase per comparison.
///
/// Only for lookup: Swift dictionaries iterate in a per-process random order, so everything that
/// emits actions iterates the ordered arrays of `masters`, never these maps.
///
/// Positions in the arrays move when an entry is removed or an array is replaced, so every such
/// change is followed by `Sentinel.reindex()`, which rebuilds both maps from the arrays. Opening and
/// closing a link only adds or drops its own entry.
struct InstanceIndex: Sendable {
    /// Lowercased master name → index in `masters` (names are case-insensitive, as in Redis).
    var masterByName: [String: Int] = [:]
    /// Link incarnation → the instance whose current link it is. Incarnations are unique per connect
    /// request, so the incarnation alone is a key; a hit is still checked against the full LinkID.
    var linkOwner: [UInt64: InstancePath] = [:]

    init() {}

    init(_ masters: [MasterState]) {
        masterByName.reserveCapacity(masters.count)
        for (m, master) in masters.enumerated() {
            masterByName[master.name.lowercased()] = m
            add(master.node.link, .master(m))
            for r in master.replicas.indices { add(master.replicas[r].link, .replica(m, r)) }
            for s in master.sentinels.indices { add(master.sentinels[s].link, .sentinel(m, s)) }
        }
    }

    mutating func add(_ link: InstanceLink, _ path: InstancePath) {
        if let id = link.command.id { linkOwner[id.incarnation] = path }
        if let id = link.pubsub?.id { linkOwner[id.incarnation] = path }
    }
}
