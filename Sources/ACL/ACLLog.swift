import RESP

/// ACL LOG: the recent denials and failed logins, newest first. An entry like the newest ones
/// (same reason, context, object and user) within 60 s is counted into it instead of added, as
/// Redis groups them.
public struct ACLLog: Sendable {
    public enum Reason: String, Sendable { case command, key, channel, auth }

    public struct Entry: Sendable {
        public var count = 1
        public let reason: Reason
        public let context: String
        public let object: String
        public let username: String
        public var createdMs: Int64
        public var updatedMs: Int64
        public var clientInfo: String
        public let entryID: Int64
    }

    public private(set) var entries: [Entry] = []
    public var maxLength: Int
    private var nextID: Int64 = 0
    /// Redis 7.2 added entry-id and the two timestamps to each entry; 7.0 shows seven fields.
    public let extendedFields: Bool

    public init(maxLength: Int = 128, extendedFields: Bool) {
        self.maxLength = maxLength
        self.extendedFields = extendedFields
    }

    public mutating func add(_ reason: Reason, context: String = "toplevel", object: String, username: String, clientInfo: String, nowMs: Int64) {
        if let i = entries.firstIndex(where: { $0.reason == reason && $0.context == context && $0.object == object && $0.username == username && nowMs - $0.updatedMs < 60_000 }) {
            var e = entries.remove(at: i)
            e.count += 1
            e.updatedMs = nowMs
            e.clientInfo = clientInfo
            entries.insert(e, at: 0)
            return
        }
        entries.insert(Entry(reason: reason, context: context, object: object, username: username, createdMs: nowMs, updatedMs: nowMs, clientInfo: clientInfo, entryID: nextID), at: 0)
        nextID += 1
        trim()
    }

    public mutating func reset() { entries = [] }

    public mutating func trim() {
        if entries.count > maxLength { entries.removeLast(entries.count - maxLength) }
    }

    /// ACL LOG [count]'s reply.
    public func write(count: Int?, nowMs: Int64, to reply: inout RESPWriter) {
        let shown = entries.prefix(count ?? entries.count)
        reply.arrayHeader(shown.count)
        for e in shown {
            reply.mapHeader(extendedFields ? 10 : 7)
            reply.bulk("count"); reply.integer(e.count)
            reply.bulk("reason"); reply.bulk(e.reason.rawValue)
            reply.bulk("context"); reply.bulk(e.context)
            reply.bulk("object"); reply.bulk(e.object)
            reply.bulk("username"); reply.bulk(e.username)
            reply.bulk("age-seconds"); reply.double(Double(nowMs - e.updatedMs) / 1000)
            reply.bulk("client-info"); reply.bulk(e.clientInfo)
            if extendedFields {
                reply.bulk("entry-id"); reply.integer(Int(e.entryID))
                reply.bulk("timestamp-created"); reply.integer(Int(e.createdMs))
                reply.bulk("timestamp-last-updated"); reply.integer(Int(e.updatedMs))
            }
        }
    }
}
