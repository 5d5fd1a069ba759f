import RESP
/// Commands from the sentinel's own clients that the machine answers.
extension Sentinel {
    mutating func clientCommand(_ client: ClientID, args raw: [[UInt8]], now: MonotonicMs) {
        let args = raw.map { String(decoding: $0, as: UTF8.self) }
        guard let name = args.first?.lowercased() else {
            emit(.notHandled(client))
            return
        }
        let reply: RESPValue?
        switch name {
        case "sentinel": reply = sentinelCommand(Array(args.dropFirst()), now: now)
        case "role": reply = .array([.bulk("sentinel"), .array(masters.map { .bulk($0.name) })])
        case "publish": reply = publishCommand(args, now: now)
        case "info":
            // Only the sentinel section is the machine's; the shell builds the other sections and
            // appends `infoSentinelSection(now: now)`.
            if args.count == 2 && args[1].lowercased() == "sentinel" {
                reply = .bulk("# Sentinel\r\n" + infoSentinelSection(now: now) + "\r\n")
            } else {
                reply = nil
            }
        default: reply = nil
        }
        if let reply { emit(.reply(client, reply)) } else { emit(.notHandled(client)) }
    }

    /// Sentinels accept PUBLISH only for hellos: that is how peers deliver them directly.
    mutating func publishCommand(_ args: [String], now: MonotonicMs) -> RESPValue {
        guard args.count == 3 else { return .wrongArity("publish") }
        guard args[1] == Self.helloChannel else {
            return .err("ERR Only HELLO messages are accepted by Sentinel instances.")
        }
        processHello(args[2], now: now)
        return .integer(1)
    }
}

extension RESPValue {
    static func err(_ text: String) -> RESPValue { .error(Array(text.utf8)) }
    static func simple(_ text: String) -> RESPValue { .simpleString(Array(text.utf8)) }
    static let ok = RESPValue.simpleString(Array("OK".utf8))
    static func wrongArity(_ command: String) -> RESPValue {
        .err("ERR wrong number of arguments for '\(command)' command")
    }
}
