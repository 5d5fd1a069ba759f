import SentinelCore

/// What a data node said last time we asked (INFO replication, DBSIZE).
struct NodeState: Equatable {
    var reachable = false
    var role: String?
    var offset: Int?
    var masterPort: Int?
    var linkUp: Bool?
    var connectedReplicas: Int?
    var keys: Int?

    init() {}

    init(info: [String: String], keys: Int?) {
        reachable = true
        role = info["role"]
        offset = (info["master_repl_offset"]).flatMap { Int($0) }
        if role == "slave" {
            masterPort = info["master_port"].flatMap { Int($0) }
            linkUp = info["master_link_status"] == "up"
        } else {
            connectedReplicas = info["connected_slaves"].flatMap { Int($0) }
        }
        self.keys = keys
    }

    /// The part worth a line in plain output when it changes (offsets and key counts move all
    /// the time).
    var summary: String {
        guard reachable else { return "unreachable" }
        if role == "slave" {
            return "replica of :\(masterPort.map(String.init) ?? "?"), link \(linkUp == true ? "up" : "down")"
        }
        return "\(role ?? "?") with \(connectedReplicas ?? 0) replica(s)"
    }
}

/// What a sentinel said about the master (SENTINEL GET-MASTER-ADDR-BY-NAME and MASTER).
struct SentinelState: Equatable {
    var reachable = false
    var masterPort: Int?
    var flags: String?
    var replicas: Int?
    var otherSentinels: Int?
    var epoch: Int?
}

/// One message from a sentinel's event channels.
struct SentinelEvent {
    let atMs: Int64
    let sentinel: String
    let channel: String
    let payload: String

    init?(sentinel: String, atMs: Int64, message: RESPValue) {
        guard let parts = message.elements, parts.count == 4, parts[0].text == "pmessage",
              let channel = parts[2].text, let payload = parts[3].text else { return nil }
        self.atMs = atMs
        self.sentinel = sentinel
        self.channel = channel
        self.payload = payload
    }

    var text: String { "\(channel) \(payload)" }
}
