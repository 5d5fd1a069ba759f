import SentinelCore

enum ReplicationCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("role", 1, [.noscript, .loading, .stale, .fast], group: "server", "Returns the replication role.", role),
    ]

    static func role(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        c.reply.arrayHeader(3)
        c.reply.bulk("master")
        c.reply.integer(s.replication.masterReplOffset)
        c.reply.arrayHeader(0)
    }
}
