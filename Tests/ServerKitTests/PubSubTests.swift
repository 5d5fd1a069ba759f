import Testing
import RESP
@testable import ServerKit

private final class Sub {
    var subs = Subscriptions()
    var reply = RESPWriter()
    let name: String
    init(_ name: String) { self.name = name }
    var text: String { String(decoding: reply.buffer, as: UTF8.self) }
}

private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

@Suite struct PubSubTests {
    @Test func publishDeliversInSubscriptionOrderChannelsThenPatterns() {
        var registry = PubSubRegistry<Sub>()
        let x = Sub("x"), y = Sub("y"), z = Sub("z")
        registry.psubscribe(z, &z.subs, pattern: b("n*"))
        registry.subscribe(y, &y.subs, channel: b("news"))
        registry.subscribe(x, &x.subs, channel: b("news"))
        registry.psubscribe(y, &y.subs, pattern: b("*s"))
        var order: [String] = []
        let n = PubSubRegistry.publish(registry, channel: b("news"), message: b("hi")) { sub, frame in
            frame(&sub.reply)
            order.append(sub.name)
        }
        #expect(n == 4)
        #expect(order == ["y", "x", "z", "y"])
        #expect(x.text == "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n")
        #expect(z.text == "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n")
    }

    @Test func registryAndClientSideAgree() {
        var registry = PubSubRegistry<Sub>()
        let x = Sub("x")
        #expect(registry.subscribe(x, &x.subs, channel: b("a")))
        #expect(!registry.subscribe(x, &x.subs, channel: b("a")))
        registry.psubscribe(x, &x.subs, pattern: b("p*"))
        #expect(x.subs.count == 2)
        #expect(registry.subscriberCount(b("a")) == 1)
        registry.removeAll(x, &x.subs)
        #expect(x.subs.isEmpty)
        #expect(registry.channels.isEmpty && registry.patterns.isEmpty)
    }

    @Test func confirmationsAreArraysInRESP2AndPushesInRESP3() {
        var registry = PubSubRegistry<Sub>()
        let x = Sub("x")
        PubSub.subscribe(&registry, x, &x.subs, &x.reply, channels: [b("a"), b("b")])
        #expect(x.text == "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n")
        let y = Sub("y")
        y.reply.protocolVersion = 3
        PubSub.punsubscribe(&registry, y, &y.subs, &y.reply, patterns: [])
        #expect(y.text == ">3\r\n$12\r\npunsubscribe\r\n_\r\n:0\r\n")
    }

    @Test func unsubscribeWithoutNamesLeavesEveryChannel() {
        var registry = PubSubRegistry<Sub>()
        let x = Sub("x")
        PubSub.subscribe(&registry, x, &x.subs, &x.reply, channels: [b("a"), b("b")])
        x.reply.buffer = []
        PubSub.unsubscribe(&registry, x, &x.subs, &x.reply, channels: [])
        #expect(x.subs.isEmpty && registry.channels.isEmpty)
        #expect(x.text.hasSuffix(":0\r\n") && x.text.contains(":1\r\n"))
    }

    @Test func onlySubscriptionCommandsInRESP2WhileSubscribed() {
        let get = [Array("GET".utf8), Array("k".utf8)]
        #expect(PubSub.contextRefusal(command: "get", arguments: get, protocolVersion: 2, subscribed: true)
                == "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
        #expect(PubSub.contextRefusal(command: "get", arguments: get, protocolVersion: 3, subscribed: true) == nil)
        #expect(PubSub.contextRefusal(command: "get", arguments: get, protocolVersion: 2, subscribed: false) == nil)
        for allowed in ["ping", "quit", "reset", "subscribe", "punsubscribe"] {
            #expect(PubSub.contextRefusal(command: allowed, arguments: [Array(allowed.utf8)], protocolVersion: 2, subscribed: true) == nil)
        }
        // redis-server 7.0.15 names a subcommand by its full name.
        #expect(PubSub.contextRefusal(command: "client", arguments: [b("CLIENT"), b("ID")], protocolVersion: 2, subscribed: true)?
                .hasPrefix("ERR Can't execute 'client|id':") == true)
        // An unknown subcommand or a wrong count gets CLIENT's own error, as from Redis.
        #expect(PubSub.contextRefusal(command: "client", arguments: [b("CLIENT"), b("BOGUS")], protocolVersion: 2, subscribed: true) == nil)
        #expect(PubSub.contextRefusal(command: "client", arguments: [b("CLIENT"), b("ID"), b("x")], protocolVersion: 2, subscribed: true) == nil)
    }

    @Test func pingInTheMessageShapeWhileSubscribedInRESP2() {
        var w = RESPWriter()
        w.pong(nil, subscribed: true)
        #expect(String(decoding: w.buffer, as: UTF8.self) == "*2\r\n$4\r\npong\r\n$0\r\n\r\n")
        w = RESPWriter(protocolVersion: 3)
        w.pong(b("x"), subscribed: true)
        #expect(String(decoding: w.buffer, as: UTF8.self) == "$1\r\nx\r\n")
    }
}
