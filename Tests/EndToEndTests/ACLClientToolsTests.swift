import Foundation
import Testing
import TestSupport

/// The clients people use, logging in as ACL users: redis-cli (`--user`/`--pass`) and redis-py
/// (username/password, and its Sentinel class with sentinel_kwargs for sentinels that have
/// users of their own).
@Suite struct ACLClientToolsTests {
    @Test func redisCliWithAUser() throws {
        guard let cli = try Binaries.requireRedis("redis-cli") else { return }
        let node = try ServerProcess.miniredis()
        let admin = try node.connect()
        #expect(try admin.raw("ACL", "SETUSER", "app", "on", ">apppw", "~app:*", "-@all", "+@read", "+@write") == "+OK\r\n")
        let base = ["-p", "\(node.port)", "--no-auth-warning", "--user", "app", "--pass", "apppw"]
        #expect(try Tool.run(cli, base + ["SET", "app:1", "hello"]).output == "OK\n")
        #expect(try Tool.run(cli, base + ["GET", "app:1"]).output == "hello\n")
        #expect(try Tool.run(cli, base + ["GET", "other"]).output.contains("NOPERM this user has no permissions to access one of the keys used as arguments"))
        #expect(try Tool.run(cli, base + ["ACL", "WHOAMI"]).output.contains("NOPERM"), "ACL WHOAMI is not in +@read/+@write")
        let wrong = try Tool.run(cli, ["-p", "\(node.port)", "--no-auth-warning", "--user", "app", "--pass", "nope", "PING"])
        #expect(wrong.output.contains("WRONGPASS"))
    }

    @Test func redisPyWithUsersAndThroughSentinels() throws {
        guard let python = try SentinelFailoverTests.pythonWithRedis() else { return }
        // Nodes with an application user; the sentinel watches them as the default user and has
        // a user of its own that clients must log in as.
        guard let fleet = try FailoverFleet(nodes: .miniredis, sentinels: [.ours], replicas: 1,
                                            nodeExtra: ["--user", "app", "on", ">apppw", "~app:*", "&*", "-@all", "+@read", "+@write", "+ping", "+info", "+role"],
                                            quorum: 1) else { return }
        try fleet.waitDiscovery()
        let s = try fleet.sentinels[0].connect()
        #expect(try s.raw("ACL", "SETUSER", "watcher", "on", ">watchpw", "-@all", "+sentinel|get-master-addr-by-name", "+sentinel|sentinels",
                          "+sentinel|slaves", "+sentinel|replicas", "+sentinel|masters", "+sentinel|master", "+ping", "+hello", "+auth") == "+OK\r\n")
        #expect(try s.raw("ACL", "SETUSER", "default", "off") == "+OK\r\n")
        let script = """
        import sys, redis
        from redis.sentinel import Sentinel
        node_port, sentinel_port = int(sys.argv[1]), int(sys.argv[2])
        r = redis.Redis(port=node_port, username="app", password="apppw")
        r.set("app:py", "1")
        print("get", r.get("app:py").decode())
        try:
            r.get("other")
            print("other allowed")
        except redis.exceptions.NoPermissionError as e:
            print("noperm", e)
        try:
            redis.Redis(port=node_port, username="app", password="bad").ping()
        except (redis.exceptions.AuthenticationError, redis.exceptions.ResponseError) as e:
            # redis-py before 8 keeps the error code in the text, 8 drops it (the class says it).
            refused = "invalid username-password pair or user is disabled" in str(e)
            print("wrongpass" if refused else "other error %s" % e)
        sentinel = Sentinel([("127.0.0.1", sentinel_port)], sentinel_kwargs={"username": "watcher", "password": "watchpw"},
                            username="app", password="apppw", socket_timeout=3)
        print("master", sentinel.discover_master("mymaster")[1])
        m = sentinel.master_for("mymaster", socket_timeout=3)
        m.set("app:through-sentinel", "yes")
        print("through", m.get("app:through-sentinel").decode())
        try:
            Sentinel([("127.0.0.1", sentinel_port)], socket_timeout=3).discover_master("mymaster")
            print("anonymous allowed")
        except Exception as e:
            print("anonymous refused", type(e).__name__)
        """
        let path = fleet.master.directory.appendingPathComponent("acl_client.py")
        try script.write(to: path, atomically: true, encoding: .utf8)
        let run = try Tool.run(python, [path.path, "\(fleet.master.port)", "\(fleet.sentinels[0].port)"])
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(run.status == 0, "\(run.output)")
        #expect(lines.contains("get 1"))
        #expect(lines.contains { $0.hasPrefix("noperm") })
        #expect(lines.contains("wrongpass"))
        #expect(lines.contains("master \(fleet.master.port)"))
        #expect(lines.contains("through yes"))
        #expect(lines.contains { $0.hasPrefix("anonymous refused") }, "\(run.output)")
    }
}
