import Foundation
import Testing
import TestSupport

/// The data node driven by Debian's redis-cli and redis-benchmark, as people use them.
@Suite struct RedisToolsInteropTests {
    @Test func redisCliCommandsAndPipeMode() throws {
        guard let cli = try Binaries.requireRedis("redis-cli") else { return }
        let server = try ServerProcess.miniredis()
        let p = "\(server.port)"
        #expect(try Tool.run(cli, ["-p", p, "PING"]).output == "PONG\n")
        #expect(try Tool.run(cli, ["-p", p, "SET", "greeting", "hello world"]).output == "OK\n")
        #expect(try Tool.run(cli, ["-p", p, "GET", "greeting"]).output == "hello world\n")
        #expect(try Tool.run(cli, ["-p", p, "RPUSH", "l", "a", "b"]).output == "2\n")
        #expect(try Tool.run(cli, ["-p", p, "LRANGE", "l", "0", "-1"]).output == "a\nb\n")
        #expect(try Tool.run(cli, ["-p", p, "--no-raw", "LRANGE", "l", "0", "-1"]).output == "1) \"a\"\n2) \"b\"\n")
        #expect(try Tool.run(cli, ["-p", p, "-3", "HSET", "h", "f", "v"]).output == "1\n")
        #expect(try Tool.run(cli, ["-p", p, "-3", "--no-raw", "HGETALL", "h"]).output == "1# \"f\" => \"v\"\n")
        #expect(try Tool.run(cli, ["-p", p, "NOSUCH"]).output.hasPrefix("ERR unknown command 'NOSUCH'"))
        #expect(try Tool.run(cli, ["-p", p, "INFO", "server"]).output.contains("redis_version:"))
        // Mass insertion with --pipe, as documented for Redis.
        var input = ""
        for i in 0..<1000 { input += "SET pipe:\(i) \(i)\r\n" }
        let pipe = try Tool.run(cli, ["-p", p, "--pipe"], input: input)
        #expect(pipe.status == 0, "\(pipe.output)")
        #expect(pipe.output.contains("errors: 0, replies: 1000"))
        #expect(try Tool.run(cli, ["-p", p, "DBSIZE"]).output == "1003\n")
        // Interactive mode reads commands from stdin.
        let interactive = try Tool.run(cli, ["-p", p], input: "SET a 1\nINCR a\nGET a\n")
        #expect(interactive.output.contains("2"))
        // --scan uses SCAN with a pattern.
        let scanned = try Tool.run(cli, ["-p", p, "--scan", "--pattern", "pipe:99*"]).output.split(separator: "\n")
        #expect(Set(scanned) == ["pipe:99", "pipe:990", "pipe:991", "pipe:992", "pipe:993", "pipe:994", "pipe:995", "pipe:996", "pipe:997", "pipe:998", "pipe:999"])
    }

    @Test func redisBenchmarkRunsEveryDefaultTest() throws {
        guard let bench = try Binaries.requireRedis("redis-benchmark") else { return }
        let server = try ServerProcess.miniredis()
        let tests = "ping,set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange,mset"
        let run = try Tool.run(bench, ["-p", "\(server.port)", "-n", "2000", "-c", "10", "-t", tests, "-q", "--csv"])
        #expect(run.status == 0, "\(run.output)")
        // One CSV line per test with a positive rate: no test hung or failed.
        let lines = run.output.split(separator: "\n").filter { $0.hasPrefix("\"") && !$0.hasPrefix("\"test\"") }
        #expect(lines.count >= 15, "\(run.output)")
        for line in lines {
            let fields = line.split(separator: ",")
            let rps = Double(fields[1].replacingOccurrences(of: "\"", with: "")) ?? 0
            #expect(rps > 0, "\(line)")
        }
        let pipelined = try Tool.run(bench, ["-p", "\(server.port)", "-n", "20000", "-P", "16", "-t", "set,get", "-q"])
        #expect(pipelined.status == 0)
        let c = try server.connect()
        #expect((try c.call("DBSIZE").integerValue ?? 0) > 0)
        #expect(try c.raw("PING") == "+PONG\r\n")
    }
}
