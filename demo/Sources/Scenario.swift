
/// The failover story, step by step. Each step waits for a condition through the stage (so the
/// view stays live and Ctrl-C works) and throws a DemoError naming what did not happen.
final class Scenario {
    let stage: Stage
    var fleet: Fleet { stage.fleet }
    var options: Options { fleet.options }

    /// What the summary prints and the test checks.
    struct Times {
        var odown: Int64?
        var allReport: Int64?
        var replicasLinked: Int64?
        var writesResumed: Int64?
        var rejoined: Int64?
        var restartMs: Int64?
    }
    private(set) var times = Times()

    init(stage: Stage) { self.stage = stage }

    // MARK: Starting

    func startFleet() throws {
        let master = fleet.nodes[0]
        stage.phase = "starting the master and \(options.replicas) replica(s)"
        for (i, n) in fleet.nodes.enumerated() {
            try n.process.start()
            stage.markStarted(i)
        }
        try stage.waitUntil("every data node answers and every replica's link to the master is up", timeoutSeconds: 30) {
            try checkAlive()
            return stage.nodes.enumerated().allSatisfy { i, s in
                i == 0 ? s.role == "master" : (s.masterPort == master.port && s.linkUp == true)
            }
        }
        stage.say("✔ master \(master.name) on 127.0.0.1:\(master.port), replicas "
                  + fleet.nodes.dropFirst().map { "\($0.name) :\($0.port)" }.joined(separator: ", ") + " linked")

        stage.phase = "starting \(options.sentinels) sentinel(s)"
        for s in fleet.sentinels { try s.process.start() }
        try stage.waitUntil("every sentinel answers and is subscribed to", timeoutSeconds: 30) {
            try checkAlive()
            return stage.sentinels.allSatisfy(\.reachable) && stage.subscribedCount == fleet.sentinels.count
        }
        stage.phase = "sentinels discovering the replicas (INFO, every 10 s) and each other (hello, every 2 s)"
        try stage.waitUntil("every sentinel knows \(options.replicas) replica(s) and \(options.sentinels - 1) other sentinel(s)", timeoutSeconds: 40) {
            try checkAlive()
            return stage.sentinels.allSatisfy { $0.replicas == options.replicas && $0.otherSentinels == options.sentinels - 1 }
        }
        stage.say("✔ sentinel(s) " + fleet.sentinels.map { "\($0.name) :\($0.port)" }.joined(separator: ", ")
                  + " monitor the master and know its \(options.replicas) replica(s)"
                  + (options.sentinels > 1 ? " and each other" : ""))
    }

    /// A server that died on its own is a failure, with the end of its log.
    func checkAlive() throws {
        for (i, n) in fleet.all.enumerated() where n.process.hasExited {
            if i < fleet.nodes.count, stage.processNote(i) == "KILLED" { continue }
            throw DemoError("\(n.name) (:\(n.port)) \(n.process.exitDescription ?? "stopped"); end of \(n.process.logPath):\n\(n.process.logTail())")
        }
    }

    // MARK: Data

    func writeKeys() throws {
        let master = fleet.nodes[0]
        stage.phase = "writing \(options.keys) keys to the master and waiting for the replicas' acknowledgement"
        let link = NodeLink(port: master.port, timeoutMs: 5000)
        for batch in stride(from: 0, to: options.keys, by: 250) {
            let cmds = (batch..<min(options.keys, batch + 250)).map { ["SET", "key:\($0)", "value:\($0)"] }
            let replies = try link.pipeline(cmds)
            if let bad = replies.first(where: { $0.isError }) { throw DemoError("SET on the master failed: \(bad)") }
            try stage.tick()
        }
        let acked = try link.require(["WAIT", "\(options.replicas)", "5000"])
        guard acked.integerValue == Int64(options.replicas) else {
            throw DemoError("WAIT \(options.replicas) 5000 answered \(acked): not every replica acknowledged the keys")
        }
        stage.say("✔ wrote \(options.keys) keys; WAIT \(options.replicas) 5000 → \(acked.integerValue ?? 0): every replica acknowledged them")
    }

    /// Every acknowledged key, with its value, on the node at `port`.
    func countKeys(port: Int) throws -> Int {
        let link = NodeLink(port: port, timeoutMs: 5000)
        var present = 0
        for batch in stride(from: 0, to: options.keys, by: 500) {
            let range = batch..<min(options.keys, batch + 500)
            let reply = try link.require(["MGET"] + range.map { "key:\($0)" })
            guard let values = reply.elements else { throw DemoError("MGET on :\(port) answered \(reply)") }
            for (i, v) in zip(range, values) where v.text == "value:\(i)" { present += 1 }
        }
        return present
    }

    // MARK: The failover

    func askMaster() throws -> Int {
        let s = fleet.sentinels[0]
        let reply = try NodeLink(port: s.port).require(["SENTINEL", "GET-MASTER-ADDR-BY-NAME", fleet.masterName])
        guard let parts = reply.elements, parts.count == 2, let port = parts[1].text.flatMap({ Int($0) }) else {
            throw DemoError("SENTINEL GET-MASTER-ADDR-BY-NAME \(fleet.masterName) on \(s.name) answered \(reply)")
        }
        stage.say("✔ \(s.name) says: SENTINEL GET-MASTER-ADDR-BY-NAME \(fleet.masterName) → 127.0.0.1:\(port)")
        guard port == fleet.nodes[0].port else {
            throw DemoError("\(s.name) names :\(port) as the master, not \(fleet.nodes[0].name) :\(fleet.nodes[0].port)")
        }
        return port
    }

    /// Kills the master and follows the failover; returns the index of the promoted node.
    func killAndFailOver() throws -> Int {
        let old = fleet.nodes[0]
        stage.writing = true
        stage.phase = "a client writes through the sentinel-reported master"
        try stage.waitUntil("the writer's first writes are accepted", timeoutSeconds: 10) { stage.writer.accepted >= 5 }

        old.process.killHard()
        stage.markKilled(0)
        let killMs = stage.killMs!
        stage.say("✘ killed the master \(old.name) (:\(old.port)) with SIGKILL at t=\(stage.sinceStart(killMs))s")

        stage.phase = "master killed: sentinels must agree it is down (+sdown, +odown), elect a leader, promote a replica"
        try stage.waitUntil("every sentinel reports the same new master", timeoutSeconds: 45) {
            try checkAlive()
            if times.odown == nil, let e = stage.firstEvent("+odown", after: killMs) { times.odown = e.atMs - killMs }
            let ports = stage.sentinels.map(\.masterPort)
            guard let first = ports.first, let p = first, p != old.port, ports.allSatisfy({ $0 == p }) else { return false }
            times.allReport = Clock.nowMs() - killMs
            return true
        }
        let newPort = stage.sentinels[0].masterPort!
        guard let newIndex = stage.nodeIndex(port: newPort) else { throw DemoError("the sentinels name :\(newPort), which is not one of the demo's nodes") }
        let newNode = fleet.nodes[newIndex]

        stage.phase = "new master \(newNode.name) :\(newPort): the other replicas must follow it"
        let others = fleet.nodes.indices.filter { $0 != 0 && $0 != newIndex }
        try stage.waitUntil("\(newNode.name) is a master and the other replicas are linked to it", timeoutSeconds: 45) {
            try checkAlive()
            if times.odown == nil, let e = stage.firstEvent("+odown", after: killMs) { times.odown = e.atMs - killMs }
            guard stage.nodes[newIndex].role == "master" else { return false }
            guard others.allSatisfy({ stage.nodes[$0].masterPort == newPort && stage.nodes[$0].linkUp == true }) else { return false }
            if !others.isEmpty { times.replicasLinked = Clock.nowMs() - killMs }
            return true
        }
        guard times.odown != nil else { throw DemoError("no sentinel published +odown for the killed master") }

        stage.say("✔ new master: 127.0.0.1:\(newPort) (\(newNode.name)), reported by \(fleet.sentinels.count > 1 ? "all \(fleet.sentinels.count) sentinels" : "the sentinel"):")
        for (i, s) in fleet.sentinels.enumerated() {
            stage.say("    \(s.name) :\(s.port)  SENTINEL GET-MASTER-ADDR-BY-NAME \(fleet.masterName) → 127.0.0.1:\(stage.sentinels[i].masterPort.map(String.init) ?? "?")")
        }
        if !others.isEmpty {
            stage.say("✔ replicas " + others.map { "\(fleet.nodes[$0].name) :\(fleet.nodes[$0].port)" }.joined(separator: ", ")
                      + " linked to the new master")
        }
        return newIndex
    }

    func checkSurvivors(newIndex: Int) throws {
        let node = fleet.nodes[newIndex]
        stage.phase = "reading the acknowledged keys back from the new master"
        let present = try countKeys(port: node.port)
        guard present == options.keys else {
            throw DemoError("only \(present) of the \(options.keys) acknowledged keys are on the new master :\(node.port)")
        }
        stage.say("✔ keys survived: \(present)/\(options.keys) acknowledged keys on the new master 127.0.0.1:\(node.port)")

        stage.phase = "the writer keeps writing through the new master"
        let before = stage.writer.acceptedBy[node.port] ?? 0
        try stage.waitUntil("the new master accepts the writer's writes", timeoutSeconds: 20) {
            (stage.writer.acceptedBy[node.port] ?? 0) >= before + 10
        }
        times.writesResumed = stage.writesResumedMs.map { $0 - stage.killMs! }
        stage.say("✔ writes continue through the new master: \(stage.writer.acceptedBy[node.port] ?? 0) accepted by :\(node.port), "
                  + "\(stage.writer.refused) refused while there was no master")
    }

    func restartOldMaster(newIndex: Int) throws {
        let old = fleet.nodes[0]
        let newPort = fleet.nodes[newIndex].port
        stage.phase = "restarting the old master: it comes back as a master with no data; the sentinels must demote it"
        try old.process.start()
        stage.markStarted(0, restarted: true)
        let restartMs = Clock.nowMs()
        times.restartMs = restartMs
        stage.say("↻ restarted the old master \(old.name) on :\(old.port) (empty: it saves no snapshot)")
        try stage.waitUntil("the old master is a replica of the new master with its link up", timeoutSeconds: 45) {
            try checkAlive()
            let s = stage.nodes[0]
            return s.role == "slave" && s.masterPort == newPort && s.linkUp == true
        }
        times.rejoined = Clock.nowMs() - restartMs
        guard let key = stage.writer.lastKey, stage.writer.lastPort == newPort else {
            throw DemoError("the writer has no write accepted by the new master")
        }
        stage.phase = "the old master catches up with the writes made after the failover"
        let link = NodeLink(port: old.port)
        try stage.waitUntil("the old master has \(key), written to the new master", timeoutSeconds: 20) {
            link.call("GET", key)?.text == String(key.dropFirst("writer:".count))
        }
        let acked = try countKeys(port: old.port)
        guard acked == options.keys else { throw DemoError("the rejoined old master has \(acked) of the \(options.keys) keys") }
        stage.say("✔ old master rejoined: 127.0.0.1:\(old.port) is a replica of 127.0.0.1:\(newPort), link up, "
                  + "with the \(options.keys) keys and the writes made after the failover (\(key))")
        stage.writing = false
    }
}
