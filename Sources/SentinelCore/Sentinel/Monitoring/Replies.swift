import RESP
/// Matching replies to the commands that asked for them.
extension Sentinel {
    mutating func received(_ value: RESPValue, on link: LinkID, now: MonotonicMs) {
        guard let path = path(of: link) else { return }
        if link.kind == .pubsub {
            self[probe: path].link.pubsubLastActivityMs = now
            // Compared as bytes: no String per pub/sub message but the payload's (the same test as
            // text?.lowercased() == "message" and text == helloChannel, which are ASCII).
            if let e = value.elements, e.count == 3, Self.textBytes(e[0]).map(Self.isMessageWord) == true {
                if Self.textBytes(e[1]) == Self.helloChannelBytes, let payload = e[2].text {
                    processHello(payload, now: now)
                }
            } else if !readProbe(path, { $0.link.pubsub!.pending.isEmpty }) {
                let request = self[probe: path].link.pubsub!.pending.removeFirst()
                // As redis-sentinel (its client library drops a subscribed connection on an error
                // reply): a refused SUBSCRIBE (NOAUTH, NOPERM) closes the hello link, reopened at
                // the paced reconnect, so the instance shows as disconnected until the
                // credentials are fixed (03-runtime-reconf).
                if case .subscribe = request, value.isError {
                    log(.debug, "\(describe(path)) refused SUBSCRIBE: \(value.text ?? "")")
                    closeLink(path, .pubsub)
                }
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

    static let helloChannelBytes = Array(helloChannel.utf8)

    /// The bytes `RESPValue.text` decodes: a string-like value's or an error's.
    static func textBytes(_ v: RESPValue) -> [UInt8]? {
        if case .error(let b) = v { return b }
        return v.bytes
    }

    /// "message" in any ASCII letter case.
    static func isMessageWord(_ b: [UInt8]) -> Bool {
        b.count == 7 && zip(b, "message".utf8).allSatisfy { x, y in x == y || (x >= 65 && x <= 90 && x | 0x20 == y) }
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
            if case .sentinel = path, let runID = readProbe(path, { $0.runID }) { peerLiveness[runID, default: PeerLiveness()].lastPongMs = now }
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
