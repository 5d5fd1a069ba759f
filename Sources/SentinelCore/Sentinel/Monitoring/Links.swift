/// Opening, losing and using links. The machine only asks for connections; the shell opens them and
/// reports back.
extension Sentinel {
    static let helloChannel = "__sentinel__:hello"

    /// Redis's sentinelReconnectInstance: reopen missing connections, at most once per ping period
    /// so a dead instance is not hammered with connection attempts.
    mutating func reconnect(_ path: InstancePath, now: MonotonicMs) {
        guard readProbe(path, { $0.link.disconnected }) else { return }
        if let last = readProbe(path, { $0.link.lastReconnectMs }), now - last < timers.pingPeriodMs { return }
        self[probe: path].link.lastReconnectMs = now
        if readProbe(path, { $0.link.command.state }) == .disconnected {
            let id = newLinkID(path, .command)
            self[probe: path].link.command = LinkEndpoint(id: id, state: .connecting)
            index.linkOwner[id.incarnation] = path
            out.append(.connect(id))
        }
        if readProbe(path, { $0.link.pubsub?.state }) == .disconnected {
            let id = newLinkID(path, .pubsub)
            self[probe: path].link.pubsub = LinkEndpoint(id: id, state: .connecting)
            index.linkOwner[id.incarnation] = path
            out.append(.connect(id))
        }
    }

    mutating func newLinkID(_ path: InstancePath, _ kind: LinkKind) -> LinkID {
        defer { nextLinkIncarnation += 1 }
        return LinkID(master: masters[path.master].name, role: path.role, address: readProbe(path, { $0.address }),
                      kind: kind, incarnation: nextLinkIncarnation)
    }

    mutating func linkConnected(_ link: LinkID, localIP: String?, peerIP: String? = nil, now: MonotonicMs) {
        guard let path = path(of: link) else {
            // A connection we no longer want (the instance was removed or reset meanwhile).
            out.append(.close(link))
            return
        }
        if readProbe(path, { $0.link.command.id }) == link {
            self[probe: path].link.command.state = .connected
            self[probe: path].link.command.pending = []
            if path.role != .sentinel { self[info: path].infoRequests = [] }
            self[probe: path].link.command.connectedAtMs = now
            self[probe: path].link.localIP = localIP
            if let peerIP, peerIP != readProbe(path, { $0.address.host }) { self[probe: path].resolvedIP = peerIP }
            sendHandshake(path, .command, now: now)
            sendPing(path, now: now)
            // Not in Redis: ask INFO at once on a new connection, so a returning instance (an old
            // master coming back as master) is seen within one round trip instead of up to 10 s.
            if path.role != .sentinel { send(path, .command, ["INFO"], expect: .info) }
        } else if readProbe(path, { $0.link.pubsub?.id }) == link {
            self[probe: path].link.pubsub?.state = .connected
            self[probe: path].link.pubsub?.pending = []
            self[probe: path].link.pubsub?.connectedAtMs = now
            self[probe: path].link.pubsubLastActivityMs = now
            sendHandshake(path, .pubsub, now: now)
            send(path, .pubsub, ["SUBSCRIBE", Self.helloChannel], expect: .subscribe)
        }
    }

    /// AUTH if configured, then CLIENT SETNAME so operators can tell sentinel connections apart.
    mutating func sendHandshake(_ path: InstancePath, _ kind: LinkKind, now: MonotonicMs) {
        let m = masters[path.master]
        let (user, pass): (String?, String?) =
            path.role == .sentinel ? (sentinelUser, sentinelPass) : (m.authUser, m.authPass)
        if let pass {
            send(path, kind, user.map { ["AUTH", $0, pass] } ?? ["AUTH", pass], expect: .ignored)
        }
        let clientName = "sentinel-\(myID.prefix(8))-\(kind.rawValue)"
        send(path, kind, ["CLIENT", "SETNAME", clientName], expect: .ignored)
    }

    /// A connect failed or a connection died: forget what it owed us; reconnection is paced by the
    /// timer.
    mutating func linkDown(_ link: LinkID, reason: String, now: MonotonicMs) {
        guard let path = path(of: link) else { return }
        var wasConnected = false
        index.linkOwner[link.incarnation] = nil
        if readProbe(path, { $0.link.command.id }) == link {
            wasConnected = readProbe(path, { $0.link.command.isConnected })
            self[probe: path].link.command = LinkEndpoint()
        } else if readProbe(path, { $0.link.pubsub?.id }) == link {
            wasConnected = readProbe(path, { $0.link.pubsub!.isConnected })
            self[probe: path].link.pubsub = LinkEndpoint()
        }
        // Not in Redis: an established connection that drops (CLIENT KILL during a reconfiguration,
        // a restart) is reopened at the next tick; the once-per-second pacing only applies to
        // failed attempts. Otherwise a healthy instance whose connections were killed would look
        // unreachable for a second and could be judged SDOWN.
        if wasConnected { self[probe: path].link.lastReconnectMs = nil }
        log(.debug, "link \(link) down: \(reason)")
    }

    /// Closes one connection of an instance (stale link, reset, removal).
    mutating func closeLink(_ path: InstancePath, _ kind: LinkKind) {
        switch kind {
        case .command:
            if let id = readProbe(path, { $0.link.command.id }) {
                out.append(.close(id))
                index.linkOwner[id.incarnation] = nil
            }
            self[probe: path].link.command = LinkEndpoint()
        case .pubsub:
            if let id = readProbe(path, { $0.link.pubsub?.id }) {
                out.append(.close(id))
                index.linkOwner[id.incarnation] = nil
            }
            if readProbe(path, { $0.link.pubsub }) != nil { self[probe: path].link.pubsub = LinkEndpoint() }
        }
    }

    /// Only emits the closes: the caller replaces or removes the instance, then calls `reindex()`.
    mutating func closeAllLinks(of link: InstanceLink) {
        if let id = link.command.id { out.append(.close(id)) }
        if let id = link.pubsub?.id { out.append(.close(id)) }
    }

    /// Sends a command if the link is up and records what its reply will answer. Commands to data
    /// nodes honour rename-command. Returns false when the link is down.
    @discardableResult
    mutating func send(_ path: InstancePath, _ kind: LinkKind, _ args: [String], expect: PendingRequest) -> Bool {
        var args = args
        if path.role != .sentinel, !masters[path.master].renamedCommands.isEmpty, let first = args.first {
            args[0] = masters[path.master].commandName(first)
        }
        switch kind {
        case .command:
            guard readProbe(path, { $0.link.command.isConnected }), let id = readProbe(path, { $0.link.command.id }) else { return false }
            self[probe: path].link.command.pending.append(expect)
            if expect == .info {
                infoSeq += 1
                self[info: path].infoRequests.append(infoSeq)
            }
            emit(.send(id, args))
        case .pubsub:
            guard let p = readProbe(path, { $0.link.pubsub }), p.isConnected, let id = p.id else { return false }
            self[probe: path].link.pubsub!.pending.append(expect)
            emit(.send(id, args))
        }
        return true
    }
}
