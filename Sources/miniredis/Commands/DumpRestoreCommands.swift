import RDB
import RESP

/// DUMP and RESTORE: a value as Redis serializes it (RDB encoding, RDB version 10, CRC64), so
/// payloads move between miniredis and redis-server in both directions.
enum DumpRestoreCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("dump", 2, [.readonly], keys: (1, 1, 1), group: "generic", "Returns a serialized representation of the value stored at a key.", .server(dump)),
        CommandSpec("restore", -4, [.write, .denyoom], keys: (1, 1, 1), group: "generic", "Creates a key from the serialized representation of a value.", .server(restore)),
    ]

    static func dump(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        guard let value = ctx.lookupRead(a[1]) else { return ctx.reply.nullBulk() }
        do {
            ctx.reply.bulk(try RDBDumpPayload.encode(s.rdbValue(value)))
        } catch {
            ctx.reply.error("ERR \(error)")
        }
    }

    /// RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
    static func restore(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        var replace = false, absTTL = false
        var idle: Int64?, freq: Int64?
        var i = 4
        while i < a.count {
            switch a[i].lowercasedASCII {
            case "replace": replace = true
            case "absttl": absTTL = true
            case "idletime" where i + 1 < a.count && freq == nil:
                guard let n = Numbers.int64(a[i + 1]) else { return ctx.reply.error(Errors.notInteger) }
                guard n >= 0 else { return ctx.reply.error("ERR Invalid IDLETIME value, must be >= 0") }
                idle = n
                i += 1
            case "freq" where i + 1 < a.count && idle == nil:
                guard let n = Numbers.int64(a[i + 1]) else { return ctx.reply.error(Errors.notInteger) }
                guard n >= 0, n <= 255 else { return ctx.reply.error("ERR Invalid FREQ value, must be >= 0 and <= 255") }
                freq = n
                i += 1
            default: return ctx.reply.error(Errors.syntax)
            }
            i += 1
        }
        guard let ttl = Numbers.int64(a[2]) else { return ctx.reply.error(Errors.notInteger) }
        guard ttl >= 0 else { return ctx.reply.error("ERR Invalid TTL value, must be >= 0") }
        let key = Key(a[1])
        if !replace && ctx.lookupWrite(key) != nil { return ctx.reply.error("BUSYKEY Target key name already exists.") }
        let decoded: RDBValue
        do {
            decoded = try RDBDumpPayload.decode(a[3])
        } catch {
            let text = "\(error)"
            return ctx.reply.error(text.contains("version or checksum") ? "ERR DUMP payload version or checksum are wrong" : "ERR Bad data format")
        }
        let now = ctx.unixMs
        let expireAt: Int64? = ttl == 0 ? nil : (absTTL ? ttl : now + ttl)
        ctx.expireIfNeeded(key)
        let existed = ctx.db.delete(key)
        // An absolute time already past: the key is not created (a replaced one is deleted).
        if let expireAt, expireAt <= now, s.replication.isMaster {
            if existed {
                ctx.changed(key)
                ctx.notify(.generic, "del", key)
                ctx.propagate(as: [Array("DEL".utf8), a[1]])
            }
            return ctx.reply.ok()
        }
        ctx.store(key, s.value(from: decoded))
        if let expireAt { ctx.db.setExpire(key, atMs: expireAt) }
        // IDLETIME sets the LRU clock, FREQ the LFU counter, each only under a policy that
        // keeps that figure (the other is ignored, as Redis ignores it).
        let access = ctx.db.access
        if let idle, access.mode == .lru { ctx.db.dict.setAux(key, access.aux(idleSeconds: idle)) }
        if let freq, access.mode == .lfu { ctx.db.dict.setAux(key, access.aux(frequency: freq)) }
        ctx.changed(key)
        ctx.notify(.generic, "restore", key)
        // A relative TTL travels as an absolute one, as Redis rewrites it.
        if let expireAt, !absTTL {
            var args = Array(a)
            args[2] = Array(String(expireAt).utf8)
            args.append(Array("ABSTTL".utf8))
            ctx.propagate(as: args)
        }
        ctx.reply.ok()
    }
}
