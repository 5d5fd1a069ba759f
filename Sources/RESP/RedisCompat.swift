/// Replies and texts both servers give exactly as Redis does, kept in one place so the data node
/// and the sentinel cannot drift apart.
public enum RedisCompat {
    /// The Redis version both servers report (their commands and replies follow Redis 7.2).
    public static let version = "7.2.4"

    public static let helloNeedsAuth = "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"

    /// What a client connecting from another host gets (then the connection is closed) when
    /// protected mode is on and no password is set: Redis 7.2's text, which redis-sentinel sends
    /// too (7.0 has a typo in point 4).
    public static let protectedModeDenied = "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside."

    /// `ERR unknown command 'x', with args beginning with: 'a' 'b' `, byte for byte as Redis
    /// builds it: the name cut at 128 bytes, then arguments while the list is under 128 bytes,
    /// each cut to what is left of those 128. Raw bytes: a client's non-UTF-8 name comes back
    /// as it was sent, as from Redis (a String would have replaced it with U+FFFD).
    public static func unknownCommand(_ args: [[UInt8]]) -> [UInt8] {
        var list: [UInt8] = []
        for a in args.dropFirst() {
            guard list.count < 128 else { break }
            list += [UInt8(ascii: "'")] + a.prefix(128 - list.count) + Array("' ".utf8)
        }
        return Array("ERR unknown command '".utf8) + args[0].prefix(128) + Array("', with args beginning with: ".utf8) + list
    }
}

extension RESPWriter {
    /// HELLO's reply map, in Redis's field order. A sentinel has no role field (nil), as in Redis.
    public mutating func helloReply(id: Int, mode: String, role: String?) {
        mapHeader(role == nil ? 6 : 7)
        bulk("server"); bulk("redis")
        bulk("version"); bulk(RedisCompat.version)
        bulk("proto"); integer(protocolVersion)
        bulk("id"); integer(id)
        bulk("mode"); bulk(mode)
        if let role { bulk("role"); bulk(role) }
        bulk("modules"); arrayHeader(0)
    }
}
