/// The live panel: the data nodes, the sentinels' view of the master, the writer, and the tail
/// of the event time line. Laid out to fit 80 columns.
extension Stage {
    func draw() {
        guard term.live else { return }
        var lines: [String] = []
        let o = fleet.options
        let title = "FAILOVER DEMO  master + \(o.replicas) replicas + \(o.sentinels) sentinels, quorum \(o.effectiveQuorum), down-after \(o.downAfterMs) ms"
        lines.append(Style.bold(term.fit(title)))
        lines.append(term.fit("t=\(sinceStart(Clock.nowMs()))s  ▶ \(phase)"))
        lines.append("")
        lines.append(Style.dim(" " + "NODE".padded(7) + "PORT".padded(7) + "PROCESS".padded(10) + "ROLE".padded(9)
                               + "OFFSET".padded(10) + "LINK".padded(22) + "KEYS"))
        for (i, node) in fleet.nodes.enumerated() {
            let s = nodes[i]
            let process = processNote(i)
            var processCell = process.padded(10)
            if process == "KILLED" || process == "exited" { processCell = Style.red(processCell) }
            var role = (s.reachable ? (s.role == "slave" ? "replica" : s.role ?? "?") : "-").padded(9)
            if s.role == "master" { role = Style.bold(Style.green(role)) }
            let link: String
            if !s.reachable {
                link = "-"
            } else if s.role == "slave" {
                link = "→ :\(s.masterPort.map(String.init) ?? "?") " + (s.linkUp == true ? "up" : "down")
            } else {
                link = "\(s.connectedReplicas ?? 0) replica(s)"
            }
            var linkCell = link.padded(22)
            if s.role == "slave" && s.linkUp != true { linkCell = Style.yellow(linkCell) }
            lines.append(" " + node.name.padded(7) + "\(node.port)".padded(7) + processCell + role
                         + (s.offset.map(String.init) ?? "-").padded(10) + linkCell + (s.keys.map(String.init) ?? "-"))
        }
        lines.append("")
        lines.append(Style.dim(" " + "SENTINEL".padded(9) + "PORT".padded(7) + "MASTER AT".padded(11) + "REPLICAS".padded(10)
                               + "SENTINELS".padded(11) + "EPOCH".padded(7) + "FLAGS"))
        for (i, sn) in fleet.sentinels.enumerated() {
            let s = sentinels[i]
            guard s.reachable else {
                lines.append(" " + sn.name.padded(9) + "\(sn.port)".padded(7) + "-")
                continue
            }
            let replicas = "\(s.replicas ?? 0)/\(o.replicas)"
            let others = "\(s.otherSentinels ?? 0)/\(o.sentinels - 1)"
            var at = (s.masterPort.map { ":\($0)" } ?? "?").padded(11)
            if let p = s.masterPort, p != killedPort, killMs != nil { at = Style.green(at) }
            var flags = s.flags ?? ""
            if flags.contains("down") { flags = Style.red(flags) }
            lines.append(" " + sn.name.padded(9) + "\(sn.port)".padded(7) + at + replicas.padded(10) + others.padded(11)
                         + (s.epoch.map(String.init) ?? "-").padded(7) + flags)
        }
        lines.append("")
        if writing || writer.accepted > 0 {
            var w = " WRITER  \(writer.accepted) writes accepted, \(writer.refused) refused"
            if let p = writer.lastPort { w += ", last to :\(p)" }
            if let e = writer.lastError { w += "  (\(e))" }
            lines.append(term.fit(w))
            lines.append("")
        }
        let killNote = killMs.map { ", K = since the kill at t=\(sinceStart($0))s" } ?? ""
        lines.append(Style.dim(" EVENTS  t since start\(killNote)"))
        let room = max(3, term.rows - lines.count - 2)
        for e in events.suffix(room) {
            let text = term.fit(" \(stamp(e.atMs)) \(e.sentinel.padded(5))\(e.compact)")
            lines.append(e.sentinel == "demo" ? Style.bold(Style.red(text)) : text)
        }
        // A panel taller than the screen could not be redrawn in place (the cursor cannot move
        // above the top row), so a small terminal sees its top part only.
        term.panel(Array(lines.prefix(term.rows - 1)))
    }
}

extension Stage {
    /// The failover's steps once each, as the first sentinel published them: the time line to
    /// keep after the panel's tail has scrolled on.
    func printTimeline(since killMs: Int64, restartMs: Int64?) {
        let steps = ["+sdown", "+odown", "+try-failover", "+elected-leader", "+selected-slave",
                     "+promoted-slave", "+switch-master", "+slave-reconf-done", "+failover-end"]
        var rows: [(ms: Int64, text: String)] = steps.compactMap { channel in
            firstEvent(channel, after: killMs).map { ($0.atMs, "\($0.sentinel.padded(4))\($0.compact)") }
        }
        if let r = restartMs {
            rows.append((r, "demo restart of the old master"))
            if let e = firstEvent("+convert-to-slave", after: r) { rows.append((e.atMs, "\(e.sentinel.padded(4))\(e.compact)")) }
        }
        say("")
        say("Failover time line (K = since the kill; the first sentinel to publish each step)")
        for row in rows.sorted(by: { $0.ms < $1.ms }) {
            say("  K+\(Clock.seconds(row.ms - killMs).padded(7)) \(row.text)")
        }
    }
}
