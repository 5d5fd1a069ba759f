@testable import miniredis

/// Runs data commands the way the dispatcher does, against a bare Database: no server, no
/// sockets, no process. Each run returns the reply bytes as text and the effects recorded.
final class CommandHarness {
    let db = Database(id: 0)
    var unixMs: Int64 = 1_700_000_000_000
    var expiryMode = CommandContext.ExpiryMode.delete
    var isMaster = true

    struct Outcome {
        var reply: String
        var effects: CommandEffects
        var violation: String?

        /// The commands that would be propagated, as text (nil: the command as called).
        var propagated: [[String]]? {
            switch effects.propagation {
            case .asCalled: nil
            case .nothing: []
            case .rewritten(let form): [form.map { String(decoding: $0, as: UTF8.self) }]
            case .several(let forms): forms.map { $0.map { String(decoding: $0, as: UTF8.self) } }
            }
        }
        var changedKeys: [String] { effects.changedKeys.map { String(decoding: $0.bytes, as: UTF8.self) } }
    }

    @discardableResult
    func run(_ words: String...) -> Outcome {
        let args = words.map { Array($0.utf8) }
        guard let spec = CommandTable.standard.lookup(args[0]) else { fatalError("no command \(words[0])") }
        guard case .data(let handler) = spec.handler else { fatalError("\(spec.name) is not a data command") }
        return run(spec, args, handler)
    }

    func run(_ spec: CommandSpec, _ args: [[UInt8]], _ handler: DataHandler) -> Outcome {
        var ctx = CommandContext(db: db, reply: ReplyBuffer(), expiryMode: expiryMode, isMaster: isMaster, unixMs: unixMs)
        handler(&ctx, args)
        let violation = CommandObligations.violation(of: spec, effects: ctx.effects, replies: ctx.reply.count, blocked: false)
        return Outcome(reply: ctx.reply.out.text, effects: ctx.effects, violation: violation)
    }
}
