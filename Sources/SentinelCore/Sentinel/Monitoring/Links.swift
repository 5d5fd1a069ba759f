/// Opening, losing and using links. The machine only asks for connections; the shell opens them and
/// reports back.
extension Sentinel {
    static let helloChannel = "__sentinel__:hello"

    /// Redis's sentinelReconnectInstance: reopen missing connections, at most once per ping period
    /// so a dead instance is not hammered with connection attempts.
    mutating func reconnect(_ path: InstancePath, now: MonotonicMs) {
        var inst = self[path]
        guard inst.link.disconnected else { return }
        if let last = inst.link.lastReconnectMs, now - last < timers.pingPeriodMs { return }
        inst.link.lastReconnectMs = now
        let name = masters[path.master].name
        if inst.link.command.state == .disconnected {
            let id = newLinkID(name, inst, .command)
            inst.link.command = LinkEndpoint(id: id, state: .connecting)
            out.append(.connect(id))
        }
        if let pubsub = inst.link.pubsub, pubsub.state == .disconnected {
            let id = newLinkID(name, inst, .pubsub)
            inst.link.pubsub = LinkEndpoint(id: id, state: .connecting)
            out.append(.connect(id))
        }
        self[path] = inst
    }

    mutating func newLinkID(_ master: String, _ inst: InstanceState, _ kind: LinkKind) -> LinkID {
        defer { nextLinkIncarnation += 1 }
        return LinkID(master: master, role: inst.role, address: inst.address, kind: kind,
                      incarnation: nextLinkIncarnation)
    }

    mutating func linkConnected(_ link: LinkID, localIP: String?, now: MonotonicMs) {
        guard let path = path(of: link) else {
            // A connection we no longer want (the instance was removed or reset meanwhile).
            out.append(.close(link))
            return
        }
        var inst = self[path]
        if inst.link.command.id == link {
            inst.link.command.state = .connected
            inst.link.command.pending = []
            inst.infoRequests = []
            inst.link.command.connectedAtMs = now
            inst.link.localIP = localIP
            self[path] = inst
            sendHandshake(path, .command, now: now)
            sendPing(path, now: now)
            // Not in Redis: ask INFO at once on a new connection, so a returning instance (an old
            // master coming back as master) is seen within one round trip instead of up to 10 s.
            if inst.role != .sentinel { send(path, .command, ["INFO"], expect: .info) }
        } else if inst.link.pubsub?.id == link {
            inst.link.pubsub?.state = .connected
            inst.link.pubsub?.pending = []
            inst.link.pubsub?.connectedAtMs = now
            inst.link.pubsubLastActivityMs = now
            self[path] = inst
            sendHandshake(path, .pubsub, now: now)
            send(path, .pubsub, ["SUBSCRIBE", Self.helloChannel], expect: .subscribe)
        }
    }

    /// AUTH if configured, then CLIENT SETNAME so operators can tell sentinel connections apart.
    mutating func sendHandshake(_ path: InstancePath, _ kind: LinkKind, now: MonotonicMs) {
        let m = masters[path.master]
        let (user, pass): (String?, String?) =
            self[path].role == .sentinel ? (sentinelUser, sentinelPass) : (m.authUser, m.authPass)
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
        var inst = self[path]
        var wasConnected = false
        if inst.link.command.id == link {
            wasConnected = inst.link.command.isConnected
            inst.link.command = LinkEndpoint()
        } else if inst.link.pubsub?.id == link {
            wasConnected = inst.link.pubsub!.isConnected
            inst.link.pubsub = LinkEndpoint()
        }
        // Not in Redis: an established connection that drops (CLIENT KILL during a reconfiguration,
        // a restart) is reopened at the next tick; the once-per-second pacing only applies to
        // failed attempts. Otherwise a healthy instance whose connections were killed would look
        // unreachable for a second and could be judged SDOWN.
        if wasConnected { inst.link.lastReconnectMs = nil }
        self[path] = inst
        log(.debug, "link \(link) down: \(reason)")
    }

    /// Closes one connection of an instance (stale link, reset, removal).
    mutating func closeLink(_ path: InstancePath, _ kind: LinkKind) {
        var inst = self[path]
        switch kind {
        case .command:
            if let id = inst.link.command.id { out.append(.close(id)) }
            inst.link.command = LinkEndpoint()
        case .pubsub:
            if let id = inst.link.pubsub?.id { out.append(.close(id)) }
            if inst.link.pubsub != nil { inst.link.pubsub = LinkEndpoint() }
        }
        self[path] = inst
    }

    mutating func closeAllLinks(of inst: InstanceState) {
        if let id = inst.link.command.id { out.append(.close(id)) }
        if let id = inst.link.pubsub?.id { out.append(.close(id)) }
    }

    /// Sends a command if the link is up and records what its reply will answer. Commands to data
    /// nodes honour rename-command. Returns false when the link is down.
    @discardableResult
    mutating func send(_ path: InstancePath, _ kind: LinkKind, _ args: [String], expect: PendingRequest) -> Bool {
        var inst = self[path]
        var args = args
        if inst.role != .sentinel, let first = args.first {
            args[0] = masters[path.master].commandName(first)
        }
        switch kind {
        case .command:
            guard inst.link.command.isConnected, let id = inst.link.command.id else { return false }
            inst.link.command.pending.append(expect)
            if expect == .info {
                infoSeq += 1
                inst.infoRequests.append(infoSeq)
            }
            emit(.send(id, args))
        case .pubsub:
            guard let p = inst.link.pubsub, p.isConnected, let id = p.id else { return false }
            inst.link.pubsub!.pending.append(expect)
            emit(.send(id, args))
        }
        self[path] = inst
        return true
    }
}
