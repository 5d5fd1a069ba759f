import Testing
@testable import miniredis

/// The checker the dispatcher runs after every command, exercised on handlers that break the
/// rules (the dispatcher traps on these in debug builds, so they are run here directly).
@Suite struct CommandObligationsTests {
    func fake(_ flags: CommandFlags, _ handler: @escaping DataHandler) -> (CommandSpec, DataHandler) {
        (CommandSpec("fake", -1, flags, group: "test", "A handler for the checker's tests.", .data(handler)), handler)
    }

    func outcome(_ flags: CommandFlags, _ handler: @escaping DataHandler) -> CommandHarness.Outcome {
        let (spec, h) = fake(flags, handler)
        return CommandHarness().run(spec, [Array("fake".utf8)], h)
    }

    @Test func replyingTwiceIsCaught() {
        let r = outcome([.readonly]) { ctx, _ in
            ctx.reply.ok()
            ctx.reply.integer(1)
        }
        #expect(r.violation == "'fake' replied 2 times instead of once")
    }

    @Test func notReplyingIsCaught() {
        let r = outcome([.readonly]) { _, _ in }
        #expect(r.violation == "'fake' replied 0 times instead of once")
    }

    @Test func anAggregateIsOneReply() {
        let r = outcome([.readonly]) { ctx, _ in
            ctx.reply.arrayHeader(3)
            ctx.reply.mapHeader(1)
            ctx.reply.bulk("k")
            ctx.reply.arrayHeader(0)
            ctx.reply.bulk("x")
            ctx.reply.setHeader(1)
            ctx.reply.integer(2)
        }
        #expect(r.violation == nil)
        let twoArrays = outcome([.readonly]) { ctx, _ in
            ctx.reply.arrayHeader(1)
            ctx.reply.bulk("a")
            ctx.reply.arrayHeader(1)
            ctx.reply.bulk("b")
        }
        #expect(twoArrays.violation == "'fake' replied 2 times instead of once")
    }

    @Test func aChangeWithoutTheWriteFlagIsCaught() {
        let r = outcome([.readonly]) { ctx, _ in
            ctx.db.dict[Key("k")] = .string(ByteString([1]))
            ctx.changed(Key("k"))
            ctx.reply.ok()
        }
        #expect(r.violation == "'fake' changed the dataset but has no write flag")
        let write = outcome([.write]) { ctx, _ in
            ctx.changed(Key("k"))
            ctx.reply.ok()
        }
        #expect(write.violation == nil)
    }

    @Test func aRewrittenFormWithoutAChangeIsCaught() {
        let r = outcome([.write]) { ctx, _ in
            ctx.propagate(as: [Array("DEL".utf8)])
            ctx.reply.ok()
        }
        #expect(r.violation == "'fake' chose how to propagate but changed nothing")
    }

    @Test func blockedAndVaryingCommandsOweNoSingleReply() {
        let spec = CommandSpec("fake", -1, [.pubsub], group: "test", "Replies once per argument.", replies: .varies, .data { ctx, a in
            for _ in a { ctx.reply.ok() }
        })
        let effects = CommandEffects()
        #expect(CommandObligations.violation(of: spec, effects: effects, replies: 3, blocked: false) == nil)
        let (once, _) = fake([.readonly]) { _, _ in }
        #expect(CommandObligations.violation(of: once, effects: effects, replies: 0, blocked: true) == nil)
    }
}
