import Foundation

/// What tests read of replication: INFO fields, and waits until a replica is linked or caught up.
public enum ReplicationProbe {
    public static func info(_ c: RedisConnection, _ field: String, section: String = "replication") throws -> String? {
        let text = try c.call("INFO", section).text ?? ""
        for line in text.split(separator: "\r\n") where line.hasPrefix(field + ":") {
            return String(line.dropFirst(field.count + 1))
        }
        return nil
    }

    public static func waitLinked(_ replica: RedisConnection) throws {
        try Wait.until(timeoutSeconds: 30, "the replica's link is up") {
            try info(replica, "master_link_status") == "up"
        }
    }

    /// Waits until the replica's offset reached the master's.
    public static func waitCaughtUp(_ master: RedisConnection, _ replica: RedisConnection) throws {
        try Wait.until(timeoutSeconds: 30, "the replica caught up") {
            let m = try info(master, "master_repl_offset")
            let r = try info(replica, "slave_repl_offset")
            return m != nil && m == r
        }
    }
}
