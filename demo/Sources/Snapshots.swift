import RESP

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

    /// The event in a few words for the panel: instances as ":port", without the repeated
    /// "@ mymaster 127.0.0.1 6379" and without run ids in full.
    var compact: String {
        let t = payload.split(separator: " ").map(String.init)
        var rest: ArraySlice<String>
        var head: String
        if t.count >= 4, ["master", "slave", "sentinel"].contains(t[0]) {
            head = "\(t[0]) :\(t[3])"
            rest = t[4...]
            if rest.first == "@", rest.count >= 4 { rest = rest.dropFirst(4) }
        } else if channel == "+switch-master", t.count == 5 {
            return "\(channel) \(t[0]) :\(t[2]) → :\(t[4])"
        } else if channel == "+vote-for-leader", t.count == 2 {
            return "\(channel) \(t[0].prefix(8))… epoch \(t[1])"
        } else {
            return text
        }
        if !rest.isEmpty { head += " " + rest.joined(separator: " ") }
        return "\(channel) \(head)"
    }
}
