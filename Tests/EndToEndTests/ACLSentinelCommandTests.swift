import Foundation
import Testing
import TestSupport

/// The sentinel's own ACL (issue 12's list): GETUSER, CAT, DRYRUN, LOG with Redis 7.2's fields,
/// SAVE/LOAD with an aclfile, and `user` lines of sentinel.conf.
@Suite struct ACLSentinelCommandTests {
    @Test func sentinelACLCommands() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-acl-\(TestPorts.next())-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let aclfile = dir.appendingPathComponent("users.acl")
        try "user admin on >adminpw ~* &* +@all\nuser default on nopass ~* &* +@all\n".write(to: aclfile, atomically: true, encoding: .utf8)
        let s = try SentinelServerTests.startSentinel(config: "sentinel monitor m 127.0.0.1 1 2\naclfile \(aclfile.path)\n")
        let c = try s.connect()
        #expect(try c.call("ACL", "USERS").elements?.compactMap(\.text) == ["admin", "default"])
        #expect(try c.raw("ACL", "SETUSER", "watcher", "on", ">w", "-@all", "+sentinel|get-master-addr-by-name", "+ping") == "+OK\r\n")
        let getuser = try c.call("ACL", "GETUSER", "watcher").pairs ?? []
        #expect(getuser.first { $0.0.text == "commands" }?.1.text == "-@all +sentinel|get-master-addr-by-name +ping")
        #expect(try c.call("ACL", "DRYRUN", "watcher", "SENTINEL", "MASTERS") == .bulk("User watcher has no permissions to run the 'sentinel|masters' command"))
        #expect(try c.raw("ACL", "DRYRUN", "watcher", "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "m") == "+OK\r\n")
        let w = try s.connect()
        #expect(try w.raw("AUTH", "watcher", "w") == "+OK\r\n")
        #expect(try w.raw("SENTINEL", "MASTERS") == "-NOPERM User watcher has no permissions to run the 'sentinel|masters' command\r\n")
        #expect(try w.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "m").elements?.count == 2)
        // The log: 7.2's ten fields.
        let entry = try #require(try c.call("ACL", "LOG", "1").elements?.first?.pairs)
        #expect(entry.compactMap { $0.0.text } == ["count", "reason", "context", "object", "username", "age-seconds", "client-info",
                                                     "entry-id", "timestamp-created", "timestamp-last-updated"])
        #expect(entry.first { $0.0.text == "object" }?.1.text == "sentinel|masters")
        // CAT knows the sentinel's commands.
        #expect(try c.call("ACL", "CAT", "admin").elements?.compactMap(\.text).contains("sentinel|set") == true)
        // SAVE writes the file; LOAD reads it back (an edit made by hand included).
        #expect(try c.raw("ACL", "SAVE") == "+OK\r\n")
        let saved = try String(contentsOf: aclfile, encoding: .utf8)
        #expect(saved.contains("user watcher on #"))
        try (saved + "user extra on nopass +ping\n").write(to: aclfile, atomically: true, encoding: .utf8)
        #expect(try c.raw("ACL", "LOAD") == "+OK\r\n")
        #expect(try c.call("ACL", "USERS").elements?.compactMap(\.text) == ["admin", "default", "extra", "watcher"])
    }

    @Test func userLinesInSentinelConf() throws {
        let s = try SentinelServerTests.startSentinel(config: "sentinel monitor m 127.0.0.1 1 2\nuser default off\nuser ops on >opspw ~* &* +@all\n")
        #expect(try s.connect().raw("PING") == "-NOAUTH Authentication required.\r\n")
        let c = try s.connect()
        #expect(try c.raw("AUTH", "ops", "opspw") == "+OK\r\n")
        #expect(try c.call("ACL", "LIST").elements?.compactMap(\.text).contains("user default off sanitize-payload resetchannels -@all") == true)
    }
}
