import RESP
import Runtime

/// Write fencing (not in Redis; docs/fencing.md). A master accepts writes only while at least
/// `fencing-quorum` sentinels hold an unexpired lease on it.
///
/// A lease is measured on this node's own boot-time clock (monotonic, and running while the
/// machine is suspended) and starts at a *token*: the time this
/// node handed out in its reply to the sentinel's previous renewal. A renewal therefore proves
/// that the sentinel was still renewing after that instant, and the lease it grants ends at
/// `token + fencing-lease-ms` however long the renewal itself spent in the network: a renewal
/// retransmitted after a partition heals cannot reopen a master that the sentinels have left.
/// The sentinel stops renewing before it votes in a failover and the leader waits one lease
/// after its election before reading the replicas' offsets, so the old master is fenced before
/// the new one is chosen.
final class Fencing {
    /// Sentinel run id → lease end on this node's monotonic clock.
    private(set) var holders: [String: Int64] = [:]
    /// Sentinel ids are 40 characters, and a fleet has a handful: the bound only stops a client
    /// from growing the table without end.
    static let maxHolders = 1024

    /// Records a renewal and returns the token for the next one (now).
    func renew(id: String, token: Int64, leaseMs: Int64, now: Int64) -> Int64 {
        if token > 0 && token <= now && now - token < leaseMs {
            let end = token + leaseMs
            if end > holders[id] ?? .min {
                if holders[id] == nil && holders.count >= Self.maxHolders { prune(now: now) }
                if holders[id] != nil || holders.count < Self.maxHolders { holders[id] = end }
            }
        }
        return now
    }

    func holderCount(now: Int64) -> Int {
        holders.values.reduce(0) { $0 + ($1 > now ? 1 : 0) }
    }

    func prune(now: Int64) {
        holders = holders.filter { $0.value > now }
    }
}

extension Server {
    static let fencedError = "FENCED This master holds no write lease from enough sentinels (fencing-quorum); it may have been failed over."

    /// True when fencing is on and this master may not accept writes now.
    var isFenced: Bool {
        if let decided = fenceDecision { return decided }
        guard config.fencingQuorum > 0, replication.isMaster else { return false }
        return fencing.holderCount(now: EventLoop.boottimeMs()) < config.fencingQuorum
    }

    func fencingInfoLines() -> [String] {
        guard config.fencingQuorum > 0 else { return ["fencing:off"] }
        return ["fencing:\(isFenced ? "fenced" : "open")",
                "fencing_quorum:\(config.fencingQuorum)",
                "fencing_lease_ms:\(config.fencingLeaseMs)",
                "fencing_holders:\(fencing.holderCount(now: EventLoop.boottimeMs()))"]
    }
}

enum FencingCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("fencing", -2, [.admin, .noscript, .loading, .stale, .fast], group: "server",
                    "Renews a sentinel's write lease on this master (not in Redis).", .server(fencing)),
    ]

    /// FENCING RENEW <sentinel-id> <token> [<lease-ms>]: replies the next token (an integer).
    /// Token 0 asks for a first token without granting anything. The lease is the shorter of
    /// fencing-lease-ms and the one the sentinel asks for: a sentinel times its own waits with the
    /// lease it knows, so a lease raised by CONFIG SET since it last read INFO cannot outlast them.
    static func fencing(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        switch a[1].utf8Text.lowercased() {
        case "renew":
            guard a.count == 4 || a.count == 5 else { return ctx.reply.error(Errors.arity("fencing|renew")) }
            guard let token = Numbers.int64(a[3]), token >= 0 else { return ctx.reply.error(Errors.notInteger) }
            var leaseMs = Int64(s.config.fencingLeaseMs)
            if a.count == 5 {
                guard let asked = Numbers.int64(a[4]), asked > 0 else { return ctx.reply.error(Errors.notInteger) }
                leaseMs = min(leaseMs, asked)
            }
            let id = a[2].utf8Text
            guard !id.isEmpty, id.utf8.count <= 64 else { return ctx.reply.error("ERR invalid sentinel id") }
            ctx.reply.integer(s.fencing.renew(id: id, token: token, leaseMs: leaseMs, now: EventLoop.boottimeMs()))
        case "help":
            ctx.reply.helpLines([
                "FENCING <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "RENEW <sentinel-id> <token> [<lease-ms>]",
                "    Renew the sentinel's write lease from <token> (the reply of its previous renewal; 0 for a first one).",
                "    Returns the next token.",
                "HELP",
                "    Print this help.",
            ])
        default:
            ctx.reply.error(Errors.unknownSubcommand(a[1], a[0].utf8Text))
        }
    }
}
