import SentinelCore

/// Replication state of this node, master side and replica side. The server calls the hooks
/// below; everything about replication lives behind them.
final class Replication {
    unowned let server: Server
    /// Current replication ID and the offset of the last byte of the stream this node holds.
    var replID: String
    var replID2 = String(repeating: "0", count: 40)
    var masterReplOffset: Int64 = 0
    var secondReplOffset: Int64 = -1
    /// Where this node replicates from; nil when it is a master.
    var master: (host: String, port: Int)?
    var linkUp = false

    init(server: Server) {
        self.server = server
        self.replID = Server.randomHex(40)
        self.master = server.config.replicaof
    }

    var isMaster: Bool { master == nil }

    /// Replicas whose last ACK is within min-replicas-max-lag.
    func goodReplicaCount() -> Int { 0 }

    /// A command to append to the replication stream.
    func feed(dbIndex: Int, _ args: [[UInt8]]) {}

    func clientClosed(_ c: Client) {}
    func masterStreamRead(_ c: Client) {}
    func masterLinkLost(_ c: Client) {}
    func replicaDropped(_ c: Client) {}
    func startup() {}
    func beforeSleep() {}
    func cron() {}
    func checkWait(_ c: Client, now: Int64) {}
    func configChanged(old: (host: String, port: Int)?) {}

    /// Replication ID and offset to store in a snapshot, so a restarted node can continue
    /// partially with its master (Redis saves them as aux fields).
    func snapshotReplicationInfo() -> RDBHeader.Replication? {
        RDBHeader.Replication(id: replID, offset: masterReplOffset)
    }

    func adoptSnapshotMetadata(_ meta: RDBMetadata) {
        if let id = meta.replID, id.count == 40, let off = meta.replOffset {
            replID = id
            masterReplOffset = off
        }
    }

    func infoLines() -> [String] {
        [isMaster ? "role:master" : "role:slave", "connected_slaves:0", "master_failover_state:no-failover",
         "master_replid:\(replID)", "master_replid2:\(replID2)", "master_repl_offset:\(masterReplOffset)",
         "second_repl_offset:\(secondReplOffset)", "repl_backlog_active:0", "repl_backlog_size:\(server.config.replBacklogSize)",
         "repl_backlog_first_byte_offset:0", "repl_backlog_histlen:0"]
    }
}
