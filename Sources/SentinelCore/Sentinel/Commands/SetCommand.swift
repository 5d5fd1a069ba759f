import RESP
/// SENTINEL SET: change a master's settings at run time. All options are checked before any is
/// applied, so a bad value leaves nothing half changed (Redis applies the ones before the error).
extension Sentinel {
    mutating func setCommand(_ args: [String], now: MonotonicMs) -> RESPValue {
        guard args.count >= 3 else { return .wrongArity("sentinel|set") }
        guard let m = masterIndex(named: args[0]) else { return noSuchMaster }
        var master = masters[m]
        var changes: [(String, String)] = []
        var i = 1
        func positive(_ v: String) -> Int64? { Int64(v).flatMap { $0 > 0 && $0 <= SentinelLimits.maxDurationMs ? $0 : nil } }
        while i < args.count {
            let option = args[i].lowercased()
            let needed = option == "rename-command" ? 2 : 1
            guard i + needed < args.count else {
                return .err("ERR Unknown option or number of arguments for SENTINEL SET '\(args[i])'")
            }
            let value = args[i + 1]
            let bad = RESPValue.err("ERR Invalid argument '\(value)' for SENTINEL SET '\(args[i])'")
            switch option {
            case "down-after-milliseconds":
                guard let v = positive(value) else { return bad }
                master.node.probe.downAfterMs = v
                for r in master.replicas.indices { master.replicas[r].probe.downAfterMs = v }
                for s in master.sentinels.indices { master.sentinels[s].probe.downAfterMs = v }
            case "failover-timeout":
                guard let v = positive(value) else { return bad }
                master.failoverTimeoutMs = v
            case "parallel-syncs":
                guard let v = positive(value), v <= Int64(Int32.max) else { return bad }
                master.parallelSyncs = Int(v)
            case "quorum":
                guard let v = positive(value), v <= Int64(Int32.max) else { return bad }
                master.quorum = Int(v)
            case "master-reboot-down-after-period":
                guard let v = Int64(value), v >= 0, v <= SentinelLimits.maxDurationMs else { return bad }
                master.masterRebootDownAfterPeriodMs = v
            case "auth-pass":
                master.authPass = value.isEmpty ? nil : value
            case "auth-user":
                master.authUser = value.isEmpty ? nil : value
            case "notification-script", "client-reconfig-script":
                if denyScriptsReconfig {
                    return .err("ERR Reconfiguration of scripts path is denied for security reasons. "
                        + "Check the deny-scripts-reconfig configuration directive in your config file.")
                }
                guard !value.contains(where: \.isNewline) else { return bad }
                if option == "notification-script" {
                    master.notificationScript = value.isEmpty ? nil : value
                } else {
                    master.clientReconfigScript = value.isEmpty ? nil : value
                }
            case "rename-command":
                let from = value, to = args[i + 2]
                // Redis names the new name when it is the empty one, else the command.
                if to.isEmpty { return .err("ERR Invalid argument '' for SENTINEL SET '\(args[i])'") }
                guard !from.isEmpty, !to.contains(where: { $0 == " " || $0.isNewline }) else { return bad }
                // As redis-sentinel: the earlier rename of the command (in any case) goes, and
                // one to the command's own name is not kept.
                for key in master.renamedCommands.keys where key.caseInsensitiveEquals(from) { master.renamedCommands[key] = nil }
                if !to.caseInsensitiveEquals(from) { master.renamedCommands[from] = to }
                changes.append((option, "\(value) \(to)"))
                i += 3
                continue
            default:
                return .err("ERR Unknown option or number of arguments for SENTINEL SET '\(args[i])'")
            }
            changes.append((option, value))
            i += 2
        }
        let authChanged = master.authPass != masters[m].authPass || master.authUser != masters[m].authUser
        masters[m] = master
        reindex()
        if authChanged {
            // New credentials only apply to new connections.
            for p in paths(of: m) where !p.isSentinel {
                closeLink(p, .command)
                closeLink(p, .pubsub)
            }
        }
        for (option, value) in changes {
            let shown = option.contains("pass") ? "******" : value
            event(.warning, .set, .master(m), "\(option) \(shown)", now: now)
        }
        needsPersist = true
        return .ok
    }
}
