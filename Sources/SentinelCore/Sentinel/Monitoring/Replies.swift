import RESP
/// Matching replies to the commands that asked for them.
extension Sentinel {
    mutating func received(_ value: RESPValue, on link: LinkID, now: MonotonicMs) {
        guard let path = path(of: link) else { return }
        if link.kind == .pubsub {
            self[probe: path].link.pubsubLastActivityMs = now
            if let e = value.elements, e.count == 3, e[0].text?.lowercased() == "message" {
                if e[1].text == Self.helloChannel, let payload = e[2].text {
                    processHello(payload, now: now)
                }
            } else if !readProbe(path, { $0.link.pubsub!.pending.isEmpty }) {
                self[probe: path].link.pubsub!.pending.removeFirst()
            }
            return
        }
        guard !readProbe(path, { $0.link.command.pending.isEmpty }) else { return }
        let request = self[probe: path].link.command.pending.removeFirst()
        // Not in Redis, which only shows the instance as down: say why, once per connection, when
        // the instance refuses us for a missing or wrong password.
        if value.isError, let text = value.text, text.hasPrefix("NOAUTH") || text.hasPrefix("WRONGPASS"),
           !readProbe(path, { $0.link.command.refusalLogged }) {
            self[probe: path].link.command.refusalLogged = true
            let setting = path.role == .sentinel ? "sentinel sentinel-pass" : "sentinel auth-pass \(masters[path.master].name)"
            log(.warning, "\(describe(path)) refuses our commands: \(text) Check \(setting).")
        }
        switch request {
        case .ping: pingReply(value, path, now: now)
        case .info:
            let seq = readInfo(path, { $0.infoRequests.isEmpty }) ? 0 : self[info: path].infoRequests.removeFirst()
            if !value.isError, let text = value.text {
                self[info: path].answeredInfoSeq = seq
                refreshInfo(path, text, now: now)
            }
        case .isMasterDown: masterDownReply(value, path, now: now)
        case .fencingRenew: leaseReply(value, path, now: now)
        case .switchoverPause: switchoverPauseReply(value, path.master, now: now)
        case .ignored, .publishHello, .subscribe: break
        }
    }

    mutating func pingReply(_ value: RESPValue, _ path: InstancePath, now: MonotonicMs) {
        self[probe: path].link.lastPongMs = now
        let text = value.text ?? ""
        let valid: Bool
        switch value {
        case .simpleString, .bulkString: valid = text == "PONG"
        case .error: valid = text.hasPrefix("LOADING") || text.hasPrefix("MASTERDOWN")
        default: valid = false
        }
        if valid {
            self[probe: path].link.lastAvailMs = now
            self[probe: path].link.actPingMs = nil
            self[probe: path].awaitingFirstChance = false
            // A rebooted master that answers PONG serves again.
            if text == "PONG", case .master(let m) = path { masters[m].node.rebootSinceMs = nil }
        } else {
            // A master busy in a script cannot answer; kill the script once, as Redis does.
            if value.isError, text.hasPrefix("BUSY"), readProbe(path, { $0.isSubjectivelyDown }), !readProbe(path, { $0.scriptKillSent }) {
                if send(path, .command, ["SCRIPT", "KILL"], expect: .ignored) {
                    self[probe: path].scriptKillSent = true
                }
            }
        }
    }
}
