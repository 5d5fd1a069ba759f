import Testing
import RESP
@testable import ServerKit

private func args(_ words: String...) -> [[UInt8]] { words.map { Array($0.utf8) } }

@Suite struct ClientSubcommandTests {
    private func run(_ a: [[UInt8]], _ session: inout ClientSession) -> String {
        var reply = RESPWriter()
        let sub = a[1].lowercasedASCII
        if let e = ClientSubcommands.arityError(sub, count: a.count) { reply.error(e) }
        else if !ClientSubcommands.runSessionOnly(sub, a, session: &session, reply: &reply) { return "unhandled" }
        return String(decoding: reply.buffer, as: UTF8.self)
    }

    @Test func setNameValidation() {
        var s = ClientSession(authenticated: true)
        #expect(run(args("CLIENT", "SETNAME", "a b"), &s) == "-ERR Client names cannot contain spaces, newlines or special characters.\r\n")
        #expect(run(args("CLIENT", "SETNAME", "caf\u{E9}"), &s).hasPrefix("-ERR Client names"))
        #expect(run(args("CLIENT", "SETNAME", "ok!~"), &s) == "+OK\r\n")
        #expect(run(args("CLIENT", "GETNAME"), &s) == "$4\r\nok!~\r\n")
        #expect(run(args("CLIENT", "SETNAME", ""), &s) == "+OK\r\n")
        #expect(run(args("CLIENT", "GETNAME"), &s) == "$-1\r\n")
    }

    @Test func sessionOnlyNamesWhatRunSessionOnlyAnswers() {
        for sub in ["setname", "getname", "setinfo", "no-evict", "no-touch", "help", "id", "list", "kill", "pause"] {
            var s = ClientSession(authenticated: true)
            var reply = RESPWriter()
            let handled = ClientSubcommands.runSessionOnly(sub, args("CLIENT", sub, "on", "x"), session: &s, reply: &reply)
            #expect(handled == ClientSubcommands.sessionOnly.contains(sub), "\(sub)")
            #expect(handled == !reply.buffer.isEmpty, "\(sub)")
        }
    }

    @Test func arityAsRedis() {
        // redis-server 7.0.15 and redis-sentinel: CLIENT ID x, CLIENT GETNAME x, CLIENT NO-EVICT.
        var s = ClientSession(authenticated: true)
        #expect(run(args("CLIENT", "GETNAME", "x"), &s) == "-ERR wrong number of arguments for 'client|getname' command\r\n")
        #expect(ClientSubcommands.arityError("id", count: 3) == "ERR wrong number of arguments for 'client|id' command")
        #expect(run(args("CLIENT", "NO-EVICT"), &s) == "-ERR wrong number of arguments for 'client|no-evict' command\r\n")
        #expect(ClientSubcommands.arityError("bogus", count: 9) == nil)
    }

    @Test func setInfoChecksTheOptionThenTheValue() {
        var s = ClientSession(authenticated: true)
        #expect(run(args("CLIENT", "SETINFO", "bogus", "a b"), &s) == "-ERR Unrecognized option 'bogus'\r\n")
        #expect(run(args("CLIENT", "SETINFO", "LIB-NAME", "a b"), &s) == "-ERR LIB-NAME cannot contain spaces, newlines or special characters.\r\n")
        #expect(run(args("CLIENT", "SETINFO", "lib-ver", "1.2"), &s) == "+OK\r\n")
        #expect(s.libVersion == Array("1.2".utf8))
    }

    @Test func noEvictAndNoTouchTakeOnOrOff() {
        var s = ClientSession(authenticated: true)
        #expect(run(args("CLIENT", "NO-EVICT", "maybe"), &s) == "-ERR syntax error\r\n")
        #expect(run(args("CLIENT", "NO-EVICT", "on"), &s) == "+OK\r\n")
        #expect(run(args("CLIENT", "NO-TOUCH", "ON"), &s) == "+OK\r\n")
        #expect(s.noEvict && s.noTouch)
        s.reset(authenticated: false)
        #expect(!s.noEvict && !s.noTouch && !s.authenticated)
    }

    @Test func resetKeepsTheLibraryAndDropsTheName() {
        var s = ClientSession(authenticated: true)
        s.name = Array("n".utf8)
        s.libName = Array("lib".utf8)
        s.reset(authenticated: true)
        #expect(s.name.isEmpty && s.libName == Array("lib".utf8))
    }

    @Test func killFilters() throws {
        #expect(try ClientKill.parse(args("CLIENT", "KILL", "1.2.3.4:5")).get() == .address("1.2.3.4:5"))
        #expect(kill(args("CLIENT", "KILL", "ID", "abc")) == "ERR client-id should be greater than 0")
        #expect(kill(args("CLIENT", "KILL", "BOGUS", "x")) == "ERR syntax error")
        #expect(kill(args("CLIENT", "KILL", "TYPE", "bogus")) == "ERR Unknown client type 'bogus'")
        #expect(kill(args("CLIENT", "KILL", "SKIPME", "maybe")) == "ERR syntax error")
        #expect(kill(args("CLIENT", "KILL", "ID", "1", "TYPE")) == "ERR syntax error")
        // Redis reads the options in order: the bad id answers before the missing value.
        #expect(kill(args("CLIENT", "KILL", "ID", "x", "TYPE")) == "ERR client-id should be greater than 0")
        #expect(kill(args("CLIENT", "KILL", "USER", "nobody")) == "ERR No such user 'nobody'")
        #expect(kill(args("CLIENT", "KILL", "USER", "Default")) == "ERR No such user 'Default'")
        // MAXAGE came with Redis 7.4; 7.2 has no such filter.
        #expect(kill(args("CLIENT", "KILL", "MAXAGE", "10")) == "ERR syntax error")
        guard case .filters(let u) = try ClientKill.parse(args("CLIENT", "KILL", "USER", "default")).get() else {
            Issue.record("not filters"); return
        }
        #expect(u.user == "default")
        #expect(u.matches(ClientFacts(id: 3, address: "a:1", localAddress: "b:2", type: .normal), isCaller: false))
        #expect(!u.matches(ClientFacts(id: 3, address: "a:1", localAddress: "b:2", type: .normal, user: "other"), isCaller: false))
        guard case .filters(let f) = try ClientKill.parse(args("CLIENT", "KILL", "TYPE", "slave", "SKIPME", "no")).get() else {
            Issue.record("not filters"); return
        }
        let replica = ClientFacts(id: 3, address: "a:1", localAddress: "b:2", type: .replica)
        #expect(f.matches(replica, isCaller: true))
        #expect(!f.matches(ClientFacts(id: 4, address: "a:1", localAddress: "b:2", type: .normal), isCaller: false))
        guard case .filters(let g) = try ClientKill.parse(args("CLIENT", "KILL", "ADDR", "a:1")).get() else { return }
        #expect(!g.matches(replica, isCaller: true))
        #expect(g.matches(replica, isCaller: false))
    }

    @Test func listFilters() throws {
        #expect(list(args("CLIENT", "LIST", "bogus")) == "ERR syntax error")
        #expect(list(args("CLIENT", "LIST", "TYPE", "bogus")) == "ERR Unknown client type 'bogus'")
        #expect(list(args("CLIENT", "LIST", "ID", "0")) == "ERR Invalid client ID")
        let f = try ClientListFilter.parse(args("CLIENT", "LIST", "TYPE", "pubsub", "ID", "2", "3")).get()
        #expect(f.matches(ClientFacts(id: 2, address: "", localAddress: "", type: .pubsub)))
        #expect(!f.matches(ClientFacts(id: 4, address: "", localAddress: "", type: .pubsub)))
        #expect(!f.matches(ClientFacts(id: 2, address: "", localAddress: "", type: .normal)))
    }

    @Test func unknownSubcommandIsCutAt128Bytes() {
        let long = String(repeating: "x", count: 200)
        #expect(ClientSubcommands.unknown(Array(long.utf8)) == "ERR unknown subcommand '\(String(repeating: "x", count: 128))'. Try CLIENT HELP.")
    }

    private func kill(_ a: [[UInt8]]) -> String? {
        if case .failure(let e) = ClientKill.parse(a) { return e.text }
        return nil
    }
    private func list(_ a: [[UInt8]]) -> String? {
        if case .failure(let e) = ClientListFilter.parse(a) { return e.text }
        return nil
    }
}

@Suite struct ClientInfoLineTests {
    @Test func redisFieldOrder() {
        var session = ClientSession(authenticated: true)
        session.name = Array("app".utf8)
        session.libName = Array("redis-py".utf8)
        var line = ClientInfoLine(id: 5, address: "127.0.0.1:5000", localAddress: "127.0.0.1:6379", fd: 9, session: session,
                                  ageSeconds: 3, idleSeconds: 1, flags: "N", command: "client", resp: 2)
        line.qbuf = 26
        #expect(line.text == "id=5 addr=127.0.0.1:5000 laddr=127.0.0.1:6379 fd=9 name=app age=3 idle=1 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=client user=default redir=-1 resp=2 lib-name=redis-py lib-ver=")
    }
}
