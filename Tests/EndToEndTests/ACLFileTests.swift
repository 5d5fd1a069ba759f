import Foundation
import Testing
import TestSupport

/// Users that outlive the process: the aclfile (read at start-up, ACL SAVE, ACL LOAD) and
/// `user` lines of the config file, with the errors redis-server gives for each bad case.
@Suite struct ACLFileTests {
    static func tempDir(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(TestPorts.next())-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    @Test func aclFileLoadedSavedAndReloaded() throws {
        let dir = try Self.tempDir("aclfile")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("users.acl")
        try "user alice on >alicepw ~* &* +@all\n".write(to: file, atomically: true, encoding: .utf8)
        let node = try ServerProcess.miniredis(["--aclfile", file.path])
        let admin = try node.connect()
        let alice = try node.connect()
        #expect(try alice.raw("AUTH", "alice", "alicepw") == "+OK\r\n")
        #expect(try admin.raw("ACL", "SETUSER", "bob", "on", "nopass", "~cache:*", "-@all", "+@read") == "+OK\r\n")
        #expect(try admin.raw("ACL", "SAVE") == "+OK\r\n")
        let listed = (try admin.call("ACL", "LIST")).elements?.compactMap(\.text) ?? []
        #expect(try Self.read(file) == listed.map { $0 + "\n" }.joined())
        #expect(listed.count == 3)

        // A bad line: nothing changes, and the reply names the file and the line.
        try "user alice on >alicepw ~* &* +@all\nuser bob on +nosuch\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try admin.raw("ACL", "LOAD") == "-ERR \(file.path):2: Error in applying operation '+nosuch': Unknown command or category name in ACL. WARNING: ACL errors detected, no change to the previously active ACL rules was performed\r\n")
        #expect(try admin.call("ACL", "USERS").elements?.compactMap(\.text) == ["alice", "bob", "default"])
        #expect(try alice.raw("PING") == "+PONG\r\n")

        // A good file replaces the users; alice changed, so her connection is closed.
        try "user alice on >newpw ~* &* +@all\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try admin.raw("ACL", "LOAD") == "+OK\r\n")
        #expect(try admin.call("ACL", "USERS").elements?.compactMap(\.text) == ["alice", "default"])
        try Wait.until(timeoutSeconds: 10, "alice's old session is closed") { (try? alice.raw("PING")) == nil }
        let again = try node.connect()
        #expect(try again.raw("AUTH", "alice", "alicepw") == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        #expect(try again.raw("AUTH", "alice", "newpw") == "+OK\r\n")

        // A file that went away: Redis's error, users kept.
        try FileManager.default.removeItem(at: file)
        #expect(try admin.raw("ACL", "LOAD") == "-ERR Error loading ACLs, opening file '\(file.path)': No such file or directory\r\n")
        #expect(try admin.call("ACL", "USERS").elements?.compactMap(\.text) == ["alice", "default"])

        // Saving where the file cannot be written (its directory replaced by a plain file).
        let sub = dir.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let inSub = sub.appendingPathComponent("users.acl")
        try "user carol on nopass +@all ~*\n".write(to: inSub, atomically: true, encoding: .utf8)
        let second = try ServerProcess.miniredis(["--aclfile", inSub.path])
        try FileManager.default.removeItem(at: sub)
        try "not a directory".write(to: sub, atomically: true, encoding: .utf8)
        let c2 = try second.connect()
        #expect(try c2.raw("ACL", "SAVE") == "-ERR There was an error trying to save the ACLs. Please check the server logs for more information\r\n")
        #expect(try c2.raw("PING") == "+PONG\r\n")
        #expect(second.logText.contains("ACL SAVE"))
    }

    @Test func aclFileSurvivesARestart() throws {
        let dir = try Self.tempDir("aclrestart")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("users.acl")
        try "".write(to: file, atomically: true, encoding: .utf8)
        let node = try ServerProcess.miniredis(["--aclfile", file.path])
        let c = try node.connect()
        #expect(try c.raw("ACL", "SETUSER", "dave", "on", ">d", "~d:*", "+@all") == "+OK\r\n")
        #expect(try c.raw("ACL", "SAVE") == "+OK\r\n")
        let before = try c.raw("ACL", "LIST")
        try node.restart()
        let after = try node.connect()
        #expect(try after.raw("ACL", "LIST") == before)
        #expect(try after.raw("AUTH", "dave", "d") == "+OK\r\n")
        #expect(try after.raw("GET", "other").hasPrefix("-NOPERM"))
    }

    @Test func startupRefusesBadACLConfiguration() throws {
        let dir = try Self.tempDir("aclbad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.acl")
        try "user alice on >pw ~* &* +@all\nuser bob on +nosuch\n".write(to: bad, atomically: true, encoding: .utf8)
        let r1 = try Tool.run(Binaries.miniredis, ["--port", "0", "--aclfile", bad.path])
        #expect(r1.status == 1)
        #expect(r1.output.contains("Aborting Redis startup because of ACL errors: \(bad.path):2: Error in applying operation '+nosuch': Unknown command or category name in ACL"))
        let missing = dir.appendingPathComponent("none.acl").path
        let r2 = try Tool.run(Binaries.miniredis, ["--port", "0", "--aclfile", missing])
        #expect(r2.status == 1)
        #expect(r2.output.contains("Aborting Redis startup because of ACL errors: Error loading ACLs, opening file '\(missing)': No such file or directory"))
        let both = dir.appendingPathComponent("both.conf")
        try "port 0\nuser alice on nopass\naclfile \(bad.path)\n".write(to: both, atomically: true, encoding: .utf8)
        let r3 = try Tool.run(Binaries.miniredis, [both.path])
        #expect(r3.status == 1)
        #expect(r3.output.contains("Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid"))
        let badUser = dir.appendingPathComponent("baduser.conf")
        try "port 0\n\nuser alice on +nosuch\n".write(to: badUser, atomically: true, encoding: .utf8)
        let r4 = try Tool.run(Binaries.miniredis, [badUser.path])
        #expect(r4.status == 1)
        #expect(r4.output.contains("at line 3"))
        #expect(r4.output.contains("Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL"))
    }

    @Test func userLinesOfTheConfigFile() throws {
        let node = try ServerProcess.miniredisFromFile(["user app on >apppw ~app:* &* -@all +@read +@write", "user off-user off"])
        let c = try node.connect()
        #expect(try c.call("ACL", "USERS").elements?.compactMap(\.text) == ["app", "default", "off-user"])
        #expect(try c.raw("AUTH", "app", "apppw") == "+OK\r\n")
        #expect(try c.raw("SET", "app:1", "v") == "+OK\r\n")
        #expect(try c.raw("SET", "other", "v").hasPrefix("-NOPERM"))
        #expect(try c.raw("AUTH", "off-user", "x") == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
    }

    /// Without an aclfile, CONFIG REWRITE keeps the users as `user` lines (as redis-server
    /// does), and requirepass is the default user's password that ACL SETUSER may change.
    @Test func configRewriteKeepsUsersAndRequirepassIsTheDefaultPassword() throws {
        let node = try ServerProcess.miniredisFromFile(["requirepass secret"])
        let c = try node.connect()
        #expect(try c.raw("AUTH", "secret") == "+OK\r\n")
        let hash = (try c.call("ACL", "GETUSER", "default").pairs ?? []).first { $0.0.text == "passwords" }?.1.elements?.first?.text
        #expect(hash == "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b", "SHA-256 of 'secret'")
        #expect(try c.raw("ACL", "SETUSER", "zed", "on", ">z", "~z*", "+get") == "+OK\r\n")
        #expect(try c.raw("CONFIG", "REWRITE") == "+OK\r\n")
        let conf = try Self.read(node.directory.appendingPathComponent("redis.conf"))
        #expect(conf.contains("\nuser default on #2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b ~* &* +@all\n"))
        #expect(conf.contains("\nuser zed on #594e519ae499312b29433b7dd8a97ff068defcba9755b6d5d00e84c524d67b06 ~z* resetchannels -@all +get\n"))
        try node.restart()
        let again = try node.connect()
        #expect(try again.raw("AUTH", "zed", "z") == "+OK\r\n")
        #expect(try again.raw("GET", "zz") == "$-1\r\n")
        #expect(try again.raw("SET", "zz", "v").hasPrefix("-NOPERM"))
        // CONFIG SET requirepass replaces the default user's password; ACL SETUSER can drop it.
        let admin = try node.connect()
        #expect(try admin.raw("AUTH", "secret") == "+OK\r\n")
        #expect(try admin.raw("CONFIG", "SET", "requirepass", "other") == "+OK\r\n")
        #expect(try node.connect().raw("AUTH", "secret") == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        #expect(try node.connect().raw("AUTH", "other") == "+OK\r\n")
        #expect(try admin.raw("ACL", "SETUSER", "default", "nopass") == "+OK\r\n")
        #expect(try node.connect().raw("PING") == "+PONG\r\n", "a nopass default user needs no AUTH")
    }
}
