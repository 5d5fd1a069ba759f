@testable import SentinelCore
@testable import RESP

/// The server side: data nodes answering commands and replicating, sentinels answering peers.
extension Cluster {
    func serverReceive(_ c: Int, _ args: [String]) {
        let target = conns[c].target
        guard hostAlive(target), let first = args.first else { return }
        if target >= nodes.count {
            let k = target - nodes.count
            switch first.uppercased() {
            case "PING": sendToClient(c, .simpleString(Array("PONG".utf8)))
            case "AUTH", "CLIENT": sendToClient(c, .simpleString(Array("OK".utf8)))
            default: feed(k, .clientCommand(ClientID(UInt64(c)), args: args.map { Array($0.utf8) }))
            }
            return
        }
        if let reply = dataNodeCommand(target, c, args) { sendToClient(c, reply) }
    }

    func ok() -> RESPValue { .simpleString(Array("OK".utf8)) }

    func dataNodeCommand(_ i: Int, _ c: Int, _ args: [String]) -> RESPValue? {
        let cmd = args[0].uppercased()
        if conns[c].multi != nil && cmd != "EXEC" && cmd != "MULTI" {
            conns[c].multi!.append(args)
            return .simpleString(Array("QUEUED".utf8))
        }
        switch cmd {
        case "PING": return .simpleString(Array("PONG".utf8))
        case "AUTH", "SCRIPT": return ok()
        case "INFO": return .bulkString(Array(nodes[i].info(nowMs: now, replicas: connectedReplicas(of: i)).utf8))
        case "SUBSCRIBE":
            conns[c].subscribed = true
            return .array([.bulk("subscribe"), .bulk(args.count > 1 ? args[1] : ""), .integer(1)])
        case "PUBLISH":
            guard args.count == 3 else { return .error(Array("ERR wrong number of arguments".utf8)) }
            return .integer(Int64(publish(on: i, channel: args[1], message: args[2])))
        case "MULTI":
            conns[c].multi = []
            return ok()
        case "EXEC":
            guard let queued = conns[c].multi else { return .error(Array("ERR EXEC without MULTI".utf8)) }
            conns[c].multi = nil
            return .array(queued.map { execute(i, c, $0) })
        default:
            return execute(i, c, args)
        }
    }

    func execute(_ i: Int, _ c: Int, _ args: [String]) -> RESPValue {
        switch args[0].uppercased() {
        case "SLAVEOF", "REPLICAOF":
            let wasMaster = nodes[i].role == .master
            let reply = nodes[i].replicaOf(args, nowMs: now)
            if !wasMaster && nodes[i].role == .master {
                // A new history, drawn apart from the cluster's generator so that seeds replay
                // as before.
                var ids = SplitMix64(seed: UInt64(bitPattern: now) &* 31 &+ UInt64(i) &+ UInt64(bitPattern: nodes[i].offset))
                nodes[i].replID = ids.hexID()
                checkFencing(promoted: i)
            }
            return reply
        case "FENCING":
            let reply = nodes[i].renew(args, nowMs: now)
            checkFencing(promoted: nil)
            return reply
        case "CONFIG":
            nodes[i].persistedRole = nodes[i].role
            return ok()
        case "CLIENT":
            if args.count == 4, args[1].uppercased() == "KILL", args[2].uppercased() == "TYPE" {
                let pubsub = args[3].lowercased() == "pubsub"
                var killed = 0
                for k in openConns where conns[k].open && conns[k].target == i && k != c
                    && (conns[k].link.kind == .pubsub) == pubsub {
                    serverClose(k)
                    killed += 1
                }
                return .integer(Int64(killed))
            }
            return ok()
        case "PING": return .simpleString(Array("PONG".utf8))
        default: return .error(Array("ERR unknown command '\(args[0])'".utf8))
        }
    }

    /// Delivers to subscribers of node i and, as Redis propagates PUBLISH, of its synced replicas.
    func publish(on i: Int, channel: String, message: String) -> Int {
        var receivers = 0
        var hosts = [i]
        hosts += nodes.indices.filter { nodes[$0].alive && nodes[$0].linkUp && nodes[$0].masterAddress == nodes[i].address }
        for h in hosts {
            for c in openConns where conns[c].open && conns[c].target == h && conns[c].subscribed {
                let push = RESPValue.array([.bulk("message"), .bulk(channel), .bulk(message)])
                sendToClient(c, push)
                if chance(options.duplicateProbability) { sendToClient(c, push) }
                if h == i { receivers += 1 }
            }
        }
        return receivers
    }

    func connectedReplicas(of i: Int) -> [(Address, Int64)] {
        nodes.indices.filter { nodes[$0].alive && nodes[$0].linkUp && nodes[$0].masterAddress == nodes[i].address }
            .map { (nodes[$0].address, nodes[$0].offset) }
    }

    /// Writes grow every master's offset; replicas follow their master with lag, after a sync delay
    /// when their link (re)starts.
    func replicate() {
        // Writes reach a master only while it accepts them (with fencing: while it is open).
        for i in nodes.indices where nodes[i].alive && nodes[i].isOpen(nowMs: now) {
            nodes[i].offset += rng.below(1_000)
        }
        if options.fencingQuorum > 0 { recordCommitted() }
        for i in nodes.indices where nodes[i].alive {
            guard let masterAddress = nodes[i].masterAddress else { continue }
            let m = host(at: masterAddress)
            let ok = m.map { $0 < nodes.count && nodes[$0].alive && reachable(i, $0) && $0 != i } ?? false
            if !ok {
                if nodes[i].linkUp {
                    nodes[i].linkUp = false
                    nodes[i].linkDownSinceMs = now
                }
                nodes[i].syncReadyAtMs = nil
                continue
            }
            let master = nodes[m!]
            if !nodes[i].linkUp {
                if nodes[i].syncReadyAtMs == nil { nodes[i].syncReadyAtMs = now + 100 + rng.below(400) }
                if now >= nodes[i].syncReadyAtMs! {
                    nodes[i].linkUp = true
                    nodes[i].linkDownSinceMs = nil
                    nodes[i].offset = master.offset
                    nodes[i].replID = master.replID
                }
            } else if master.offset > nodes[i].offset {
                let gap = master.offset - nodes[i].offset
                // At least half the gap (rounded up): a replica of an idle master catches up.
                nodes[i].offset += (gap + 1) / 2 + rng.below(gap / 2 + 1)
            }
        }
    }

    /// With fencing, clients wait for a majority of the data nodes (WAIT): the highest offset that
    /// a majority held while their master was open is acknowledged and must never be lost.
    func recordCommitted() {
        let majority = nodes.count / 2 + 1
        for m in nodes.indices where nodes[m].alive && nodes[m].isOpen(nowMs: now) {
            let offsets = ([nodes[m].offset] + nodes.indices.filter {
                nodes[$0].alive && nodes[$0].linkUp && nodes[$0].masterAddress == nodes[m].address
            }.map { nodes[$0].offset }).sorted(by: >)
            if offsets.count >= majority { checker.committedOffset = max(checker.committedOffset, offsets[majority - 1]) }
        }
    }

    /// Fencing's two promises: never two masters open at once, and a promoted node holds every
    /// acknowledged write.
    func checkFencing(promoted: Int?) {
        guard options.fencingQuorum > 0 else { return }
        let open = nodes.indices.filter { nodes[$0].alive && nodes[$0].isOpen(nowMs: now) }
        if open.count > 1 { checker.fail("two masters accept writes at once: \(open.map { nodes[$0].address })") }
        if let p = promoted, nodes[p].offset < checker.committedOffset {
            checker.fail("promoted \(nodes[p].address) with offset \(nodes[p].offset) < acknowledged \(checker.committedOffset)")
        }
    }

    func crashNode(_ i: Int) {
        guard nodes[i].alive else { return }
        nodes[i].alive = false
        nodes[i].linkUp = false
        for c in openConns where conns[c].open && conns[c].target == i { serverClose(c) }
    }

    func restartNode(_ i: Int, keepData: Bool) {
        guard !nodes[i].alive else { return }
        nodes[i].alive = true
        nodes[i].runID = rng.hexID()
        nodes[i].role = nodes[i].persistedRole
        if !keepData { nodes[i].offset = 0 }
        nodes[i].linkUp = false
        nodes[i].syncReadyAtMs = nil
        nodes[i].linkDownSinceMs = now
    }
}
