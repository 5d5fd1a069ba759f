import SentinelCore
import Runtime

/// The /api/state document the web page renders: this sentinel, each master as ObservedMaster
/// sees it, and the recent events. Times are milliseconds ago, as in SENTINEL MASTER.
enum StateSnapshot {
    static func json(_ server: SentinelServer, http: HTTPServer) -> String {
        let now = EventLoop.monotonicMs()
        let machine = server.machine
        let me = JSON.object([
            ("id", JSON.string(machine.id)),
            ("port", "\(server.shell.port)"),
            ("current_epoch", "\(machine.epoch)"),
            ("tilt", machine.isInTilt ? "true" : "false"),
            ("uptime_seconds", "\((now - server.startedMs) / 1000)"),
            ("connected_clients", "\(server.clients.count)"),
            ("total_commands", "\(server.totalCommands)"),
            ("time", "\(EventLoop.wallClockMs())"),
        ])
        let masters = ObservedMaster.all(machine, now: now).map { m in
            JSON.object([
                ("name", JSON.string(m.name)),
                ("address", JSON.string(m.address)),
                ("status", JSON.string(m.status)),
                ("flags", JSON.string(m.flags)),
                ("config_epoch", "\(m.configEpoch)"),
                ("quorum", "\(m.quorum)"),
                ("failover_state", m.failoverState.map(JSON.string) ?? "null"),
                ("sdown_ms", m.sdownMs.map { "\($0)" } ?? "null"),
                ("odown_ms", m.odownMs.map { "\($0)" } ?? "null"),
                ("leader", m.vote.map { JSON.string($0.runID) } ?? "null"),
                ("leader_epoch", m.vote.map { "\($0.epoch)" } ?? "null"),
                ("fencing", m.fencing.map(JSON.string) ?? "null"),
                ("replicas", JSON.array(m.replicas.map { r in
                    JSON.object([("address", JSON.string(r.address)), ("flags", JSON.string(r.flags)),
                                 ("role", JSON.string(r.role)), ("link", JSON.string(r.linkOK ? "ok" : "err")),
                                 ("offset", "\(r.offset)"), ("lag", r.lag.map { "\($0)" } ?? "null"),
                                 ("priority", "\(r.priority)")])
                })),
                ("sentinels", JSON.array(m.sentinels.map { s in
                    JSON.object([("address", JSON.string(s.address)), ("runid", JSON.string(s.runID)),
                                 ("flags", JSON.string(s.flags)), ("last_hello_ms", "\(s.lastHelloMsAgo)"),
                                 ("voted_leader", JSON.string(s.votedLeader)), ("voted_leader_epoch", "\(s.votedLeaderEpoch)")])
                })),
            ])
        }
        return JSON.object([
            ("sentinel", me),
            ("masters", JSON.array(masters)),
            ("events", JSON.array(http.events.entries.map(\.json))),
        ])
    }
}
