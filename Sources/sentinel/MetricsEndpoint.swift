import Glibc
import SentinelCore
import Runtime

/// An optional Prometheus text endpoint (`metrics-port`, off by default): per master its status,
/// config epoch, sentinels, replicas, failovers and time since the last one. Redis Sentinel has
/// none; people run an exporter for it.
final class MetricsEndpoint: EventHandler {
    let fd: Int32
    unowned let server: SentinelServer
    /// Failovers seen (+switch-master events), per master, and when the last one happened.
    var failovers: [String: Int] = [:]
    var lastFailoverMs: [String: Int64] = [:]

    init(server: SentinelServer, port: Int, host: String) throws(SystemError) {
        self.server = server
        fd = try Socket.listen(host: host, port: port)
        try server.loop.register(fd, self)
    }

    func recordSwitch(master name: String) {
        failovers[name, default: 0] += 1
        lastFailoverMs[name] = EventLoop.monotonicMs()
    }

    func readable() {
        // One short request per connection; scrapes are rare, so the request is read with a
        // brief blocking wait rather than another state machine.
        while let (conn, _, _) = Socket.accept(fd) {
            var p = pollfd(fd: conn, events: Int16(POLLIN), revents: 0)
            var request = [UInt8](repeating: 0, count: 4096)
            var n = 0
            if poll(&p, 1, 200) > 0 {
                n = request.withUnsafeMutableBytes { Glibc.read(conn, $0.baseAddress, $0.count) }
            }
            let line = String(decoding: request.prefix(Swift.max(0, n)), as: UTF8.self).split(separator: "\r\n").first ?? ""
            let parts = line.split(separator: " ")
            let response: String
            if parts.count >= 2, parts[0] == "GET", parts[1] == "/metrics" || parts[1] == "/" {
                let body = render()
                response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
            } else {
                response = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            }
            var bytes = Array(response.utf8)
            _ = bytes.withUnsafeMutableBytes { FileIO.writeAll(conn, UnsafeRawBufferPointer($0)) }
            close(conn)
        }
    }

    func writable() {}

    /// The INFO sentinel lines `masterN:name=..,status=..,address=..,slaves=..,sentinels=..`
    /// plus the persisted epochs, in Prometheus's text format.
    func render() -> String {
        let now = EventLoop.monotonicMs()
        let config = server.machine.snapshot()
        var out = """
        # HELP sentinel_master_status 0 ok, 1 subjectively down, 2 objectively down.
        # TYPE sentinel_master_status gauge
        # HELP sentinel_master_config_epoch Configuration epoch of the master.
        # TYPE sentinel_master_config_epoch gauge
        # HELP sentinel_master_sentinels Sentinels monitoring the master, counting this one.
        # TYPE sentinel_master_sentinels gauge
        # HELP sentinel_master_replicas Replicas known for the master.
        # TYPE sentinel_master_replicas gauge
        # HELP sentinel_master_failovers_total Failovers (+switch-master) seen since this sentinel started.
        # TYPE sentinel_master_failovers_total counter
        # HELP sentinel_master_seconds_since_last_failover Seconds since the last failover seen, -1 if none.
        # TYPE sentinel_master_seconds_since_last_failover gauge
        # HELP sentinel_current_epoch Current epoch of this sentinel.
        # TYPE sentinel_current_epoch gauge
        # HELP sentinel_tilt 1 while in TILT mode.
        # TYPE sentinel_tilt gauge

        """
        out += "sentinel_current_epoch \(config.currentEpoch)\n"
        out += "sentinel_tilt \(server.machine.isInTilt ? 1 : 0)\n"
        for line in server.machine.infoSentinelSection(now: now).split(separator: "\r\n") where line.hasPrefix("master") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            var fields: [String: String] = [:]
            for kv in line[line.index(after: colon)...].split(separator: ",") {
                let pair = kv.split(separator: "=", maxSplits: 1)
                if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
            }
            guard let name = fields["name"] else { continue }
            let labels = "{master=\"\(escape(name))\",address=\"\(escape(fields["address"] ?? ""))\"}"
            let status = fields["status"] == "odown" ? 2 : fields["status"] == "sdown" ? 1 : 0
            let epoch = config.masters.first { $0.name == name }?.configEpoch ?? 0
            out += "sentinel_master_status\(labels) \(status)\n"
            out += "sentinel_master_config_epoch\(labels) \(epoch)\n"
            out += "sentinel_master_sentinels\(labels) \(fields["sentinels"] ?? "0")\n"
            out += "sentinel_master_replicas\(labels) \(fields["slaves"] ?? "0")\n"
            out += "sentinel_master_failovers_total\(labels) \(failovers[name] ?? 0)\n"
            out += "sentinel_master_seconds_since_last_failover\(labels) \(lastFailoverMs[name].map { (now - $0) / 1000 } ?? -1)\n"
        }
        return out
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
