import SentinelCore
import Runtime

/// Prometheus text for `GET /metrics` on the HTTP port (`metrics-port`, off by default): per
/// master its status, epochs, sentinels, replicas, failovers and time since the last one, how long
/// it has been down; per process TILT, clients, commands and the HTTP side's own counters. Redis
/// Sentinel has none; people run an exporter for it. The HTTP I/O is HTTPServer's.
final class MetricsEndpoint {
    unowned let server: SentinelServer
    /// Failovers seen (+switch-master events), per master, and when the last one happened.
    var failovers: [String: Int] = [:]
    var lastFailoverMs: [String: Int64] = [:]

    init(server: SentinelServer) {
        self.server = server
    }

    func recordSwitch(master name: String) {
        failovers[name, default: 0] += 1
        lastFailoverMs[name] = EventLoop.monotonicMs()
    }

    /// One metric family: its samples are written together after its HELP and TYPE lines, as the
    /// text format requires (interleaving families per master is invalid with two masters).
    private struct Family {
        let name: String
        let help: String
        let type: String
        var samples: [String] = []
        mutating func add(_ labels: String, _ value: some CustomStringConvertible) { samples.append("\(name)\(labels) \(value)") }
        var text: String { "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n" + samples.map { $0 + "\n" }.joined() }
    }

    /// Per master (labels `master` and `address`, the master's current address) from the same
    /// replies as SENTINEL MASTERS / REPLICAS / SENTINELS, plus the process's counters.
    func render() -> String {
        let now = EventLoop.monotonicMs()
        let machine = server.machine
        let config = machine.snapshot()
        var info: [String: String] = [:]
        for line in machine.infoSentinelSection(now: now).split(separator: "\r\n") where !line.hasPrefix("master") {
            let kv = line.split(separator: ":", maxSplits: 1)
            if kv.count == 2 { info[String(kv[0])] = String(kv[1]) }
        }
        func family(_ name: String, _ type: String, _ help: String) -> Family { Family(name: name, help: help, type: type) }
        var status = family("sentinel_master_status", "gauge", "0 ok, 1 subjectively down, 2 objectively down.")
        var configEpoch = family("sentinel_master_config_epoch", "gauge", "Configuration epoch of the master.")
        var sentinels = family("sentinel_master_sentinels", "gauge", "Sentinels monitoring the master, counting this one.")
        var replicas = family("sentinel_master_replicas", "gauge", "Replicas known for the master.")
        var failoversTotal = family("sentinel_master_failovers_total", "counter", "Failovers (+switch-master) seen since this sentinel started.")
        var sinceFailover = family("sentinel_master_seconds_since_last_failover", "gauge", "Seconds since the last failover seen, -1 if none.")
        var okSentinels = family("sentinel_master_ok_sentinels", "gauge", "Sentinels for the master that are reachable (not sdown or disconnected), counting this one.")
        var okReplicas = family("sentinel_master_ok_replicas", "gauge", "Replicas reachable with their replication link up.")
        var quorum = family("sentinel_master_quorum", "gauge", "Configured quorum for ODOWN.")
        var sdownSeconds = family("sentinel_master_sdown_seconds", "gauge", "Seconds the master has been subjectively down, 0 when it is not.")
        var odownSeconds = family("sentinel_master_odown_seconds", "gauge", "Seconds the master has been objectively down, 0 when it is not.")
        var inFailover = family("sentinel_master_failover_in_progress", "gauge", "1 while this sentinel runs a failover of the master.")
        var leaderEpoch = family("sentinel_master_leader_epoch", "gauge", "Epoch of this sentinel's last failover-leader vote for the master, 0 if none.")
        var fenced = family("sentinel_master_fenced", "gauge", "1 when the master reports itself fenced (write fencing), 0 open; absent when it has no fencing.")
        var replicaLink = family("sentinel_replica_link_ok", "gauge", "1 when the replica reports its link to the master up.")
        var replicaLag = family("sentinel_replica_lag_bytes", "gauge", "Bytes the replica is behind: the master's offset minus the one it lists as acknowledged by the replica, from the same INFO.")
        var sentinelHello = family("sentinel_peer_last_hello_seconds", "gauge", "Seconds since the last hello from the peer sentinel.")
        let masters = ObservedMaster.all(machine, now: now)
        for m in masters {
            let labels = "{master=\"\(escape(m.name))\",address=\"\(escape(m.address))\"}"
            status.add(labels, m.status == "odown" ? 2 : m.status == "sdown" ? 1 : 0)
            configEpoch.add(labels, config.masters.first { $0.name == m.name }?.configEpoch ?? UInt64(m.configEpoch))
            sentinels.add(labels, m.sentinels.count + 1)
            replicas.add(labels, m.replicas.count)
            failoversTotal.add(labels, failovers[m.name] ?? 0)
            sinceFailover.add(labels, lastFailoverMs[m.name].map { (now - $0) / 1000 } ?? -1)
            okSentinels.add(labels, m.okSentinels + 1)
            okReplicas.add(labels, m.okReplicas)
            quorum.add(labels, m.quorum)
            sdownSeconds.add(labels, (m.sdownMs ?? 0) / 1000)
            odownSeconds.add(labels, (m.odownMs ?? 0) / 1000)
            inFailover.add(labels, m.failoverState == nil ? 0 : 1)
            leaderEpoch.add(labels, m.vote?.epoch ?? 0)
            if m.fencing == "fenced" || m.fencing == "open" { fenced.add(labels, m.fencing == "fenced" ? 1 : 0) }
            for r in m.replicas {
                let rl = "{master=\"\(escape(m.name))\",replica=\"\(escape(r.address))\"}"
                replicaLink.add(rl, r.linkOK ? 1 : 0)
                if let lag = r.lag { replicaLag.add(rl, lag) }
            }
            for s in m.sentinels {
                sentinelHello.add("{master=\"\(escape(m.name))\",sentinel=\"\(escape(s.address))\"}", s.lastHelloMsAgo / 1000)
            }
        }
        var process: [Family] = []
        func gauge(_ name: String, _ type: String, _ help: String, _ value: some CustomStringConvertible) {
            var f = family(name, type, help)
            f.add("", value)
            process.append(f)
        }
        gauge("sentinel_current_epoch", "gauge", "Current epoch of this sentinel.", config.currentEpoch)
        gauge("sentinel_tilt", "gauge", "1 while in TILT mode.", machine.isInTilt ? 1 : 0)
        gauge("sentinel_tilt_since_seconds", "gauge", "Seconds in the current TILT, -1 when not in TILT.", info["sentinel_tilt_since_seconds"] ?? "-1")
        gauge("sentinel_masters", "gauge", "Masters this sentinel monitors.", masters.count)
        gauge("sentinel_running_scripts", "gauge", "Notification and reconfiguration scripts running.", info["sentinel_running_scripts"] ?? "0")
        gauge("sentinel_scripts_queue_length", "gauge", "Scripts waiting to run.", info["sentinel_scripts_queue_length"] ?? "0")
        gauge("sentinel_connected_clients", "gauge", "Client connections on the sentinel port (clients and peer sentinels).", server.clients.count)
        gauge("sentinel_connections_received_total", "counter", "Connections accepted on the sentinel port.", server.totalConnections)
        gauge("sentinel_commands_processed_total", "counter", "Commands received on the sentinel port.", server.totalCommands)
        gauge("sentinel_uptime_seconds", "gauge", "Seconds since the sentinel started.", (now - server.startedMs) / 1000)
        if let http = server.http {
            gauge("sentinel_http_connections", "gauge", "Open connections on the HTTP port, event streams included.", http.openConnections)
            gauge("sentinel_http_event_streams", "gauge", "Open event streams (GET /events).", http.openStreams)
            gauge("sentinel_http_requests_total", "counter", "HTTP requests answered.", http.requestsTotal)
            gauge("sentinel_http_refused_total", "counter", "HTTP connections refused at the connection or stream cap.", http.refusedTotal)
            gauge("sentinel_http_timeouts_total", "counter", "HTTP connections closed at their deadline.", http.timedOutTotal)
            gauge("sentinel_http_streams_dropped_total", "counter", "Event streams dropped because the peer stopped reading.", http.droppedStreamsTotal)
            gauge("sentinel_http_accept_pauses_total", "counter", "Times the HTTP port stopped accepting for a while because the process was out of file descriptors.", http.acceptPausesTotal)
        }
        let families = [status, configEpoch, sentinels, replicas, failoversTotal, sinceFailover, okSentinels, okReplicas, quorum,
                        sdownSeconds, odownSeconds, inFailover, leaderEpoch, fenced, replicaLink, replicaLag, sentinelHello] + process
        return families.map(\.text).joined()
    }

    private func escape(_ s: String) -> String {
        s.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"").replacingAll("\n", with: "\\n")
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
