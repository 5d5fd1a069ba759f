@testable import SentinelCore
@testable import RESP

/// Connections: TCP-like, in order, held during partitions, reset on faults.
extension Cluster {
    func connection(_ owner: Int, _ link: LinkID) -> Int? {
        // Recent connections are at the end.
        byLink[ConnKey(owner: owner, link: link)]
    }

    func connect(_ j: Int, _ link: LinkID) {
        let incarnation = sentinels[j].incarnation
        let from = host(ofSentinel: j)
        guard let target = host(at: link.address) else {
            queue.push(now + 1, .connectFailed(sentinel: j, incarnation: incarnation, link: link))
            return
        }
        if !reachable(from, target) {
            queue.push(now + options.connectTimeoutMs, .connectFailed(sentinel: j, incarnation: incarnation, link: link))
        } else if !hostAlive(target) {
            queue.push(now + 2 * delay(), .connectFailed(sentinel: j, incarnation: incarnation, link: link))
        } else {
            let c = conns.count
            conns.append(SimConnection(id: c, owner: j, ownerIncarnation: incarnation, link: link, target: target))
            openConns.append(c)
            byLink[ConnKey(owner: j, link: link)] = c
            let ready = now + 2 * delay()
            conns[c].lastClientReadyMs = ready
            queue.push(ready, .connectDone(conn: c))
        }
    }

    /// The server side ends a connection (crash, CLIENT KILL, reset): the owner hears about it.
    /// Marks a connection closed and drops it from the indexes (the record stays for late events).
    func closeConnection(_ c: Int) {
        guard conns[c].open else { return }
        conns[c].open = false
        openConns.removeAll { $0 == c }
        byLink[ConnKey(owner: conns[c].owner, link: conns[c].link)] = nil
    }

    func serverClose(_ c: Int) {
        guard conns[c].open else { return }
        closeConnection(c)
        conns[c].toServer = []
        conns[c].toClient = []
        let ready = max(now + delay(), conns[c].lastClientReadyMs)
        queue.push(ready, .lost(conn: c))
    }

    func sendToClient(_ c: Int, _ value: RESPValue) {
        guard c < conns.count, conns[c].open else { return }
        let ready = max(now + delay(), conns[c].lastClientReadyMs)
        conns[c].lastClientReadyMs = ready
        conns[c].toClient.append((ready, value))
        queue.push(ready, .pump(conn: c, toServer: false))
    }

    /// Delivers what is due on a connection, in order; while a partition separates the two ends the
    /// data waits (TCP retransmits) and is retried.
    func pump(_ c: Int, toServer: Bool) {
        let owner = host(ofSentinel: conns[c].owner)
        while conns[c].open {
            let head = toServer ? conns[c].toServer.first?.readyMs : conns[c].toClient.first?.readyMs
            guard let ready = head, ready <= now else { return }
            if !reachable(owner, conns[c].target) {
                queue.push(now + 200, .pump(conn: c, toServer: toServer))
                return
            }
            if toServer {
                let args = conns[c].toServer.removeFirst().args
                serverReceive(c, args)
            } else {
                let value = conns[c].toClient.removeFirst().value
                let j = conns[c].owner
                guard sentinels[j].incarnation == conns[c].ownerIncarnation else { return }
                feed(j, .reply(conns[c].link, value))
            }
        }
    }
}
