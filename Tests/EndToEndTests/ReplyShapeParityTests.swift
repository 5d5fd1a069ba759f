import Testing
import RESP
import TestSupport

/// Replies whose shape or order Redis fixes by its encodings and that clients see: compared byte
/// for byte with redis-server in the same run.
@Suite struct ReplyShapeParityTests {
    static func replies(_ server: ServerProcess) throws -> [String] {
        let c = try server.connect()
        _ = try c.call(["SADD", "ints", "10", "-3", "7", "0", "1000000", "2"])
        _ = try c.call(["SADD", "notcanonical", "10", "007", "3"])
        var out = [try c.raw("SMEMBERS", "ints")]
        // "007" is not an integer in canonical form: no intset, so no order promised; only the
        // members are compared.
        out.append(((try c.call("SMEMBERS", "notcanonical").elements ?? []).compactMap(\.text)).sorted().joined(separator: ","))
        _ = try c.call("HELLO", "3")
        out.append(try c.raw("PUBSUB", "NUMSUB", "a", "b"))
        out.append(try c.raw("SMEMBERS", "ints"))
        return out
    }

    @Test func intsetOrderAndResp3NumsubAsRedis() throws {
        let mine = try Self.replies(try ServerProcess.miniredis())
        #expect(mine[0] == "*6\r\n$2\r\n-3\r\n$1\r\n0\r\n$1\r\n2\r\n$1\r\n7\r\n$2\r\n10\r\n$7\r\n1000000\r\n")
        #expect(mine[2] == "*4\r\n$1\r\na\r\n:0\r\n$1\r\nb\r\n:0\r\n")
        guard let redis = try ServerProcess.redisServer() else { return }
        #expect(mine == (try Self.replies(redis)))
    }
}
