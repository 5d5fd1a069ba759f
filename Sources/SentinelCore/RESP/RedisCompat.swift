/// Replies and texts both servers give exactly as Redis does, kept in one place so the data node
/// and the sentinel cannot drift apart.
public enum RedisCompat {
    /// The Redis version both servers report (their commands and replies follow Redis 7.2).
    public static let version = "7.2.4"

    public static let helloNeedsAuth = "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"

    /// `ERR unknown command 'x', with args beginning with: 'a' 'b' ` (each part cut at 128 bytes).
    public static func unknownCommand(_ args: [[UInt8]]) -> String {
        var s = "ERR unknown command '\(String(decoding: args[0].prefix(128), as: UTF8.self))', with args beginning with: "
        for a in args.dropFirst().prefix(128) { s += "'\(String(decoding: a.prefix(128), as: UTF8.self))' " }
        return s
    }
}

extension RESPWriter {
    /// HELLO's reply map, in Redis's field order.
    public mutating func helloReply(id: Int, mode: String, role: String) {
        mapHeader(7)
        bulk("server"); bulk("redis")
        bulk("version"); bulk(RedisCompat.version)
        bulk("proto"); integer(protocolVersion)
        bulk("id"); integer(id)
        bulk("mode"); bulk(mode)
        bulk("role"); bulk(role)
        bulk("modules"); arrayHeader(0)
    }
}
