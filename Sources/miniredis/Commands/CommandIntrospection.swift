
/// COMMAND, COMMAND COUNT, COMMAND INFO, COMMAND DOCS, COMMAND LIST.
enum CommandIntrospection {
    static func command(_ ctx: inout CommandContext, _ s: Server, _ c: Client, _ a: [[UInt8]]) {
        if a.count == 1 {
            ctx.reply.arrayHeader(s.commands.all.count)
            for spec in s.commands.all { writeInfo(&ctx, spec) }
            return
        }
        switch a[1].lowercasedASCII {
        case "count":
            ctx.reply.integer(s.commands.all.count)
        case "info":
            // By the names commands answer to (a renamed one under its new name, reported
            // under its own, as redis-server does); with no names, every command.
            guard a.count > 2 else {
                ctx.reply.arrayHeader(s.commands.all.count)
                for spec in s.commands.all { writeInfo(&ctx, spec) }
                return
            }
            ctx.reply.arrayHeader(a.count - 2)
            for n in a.dropFirst(2) {
                // An unknown name is a null (RESP2 `$-1`, as redis-server 7.0 answers).
                if let spec = s.commands.lookup(n) { writeInfo(&ctx, spec) } else { ctx.reply.nullBulk() }
            }
        case "docs":
            let specs = a.count > 2 ? a.dropFirst(2).compactMap { s.commands.lookup($0) } : s.commands.all
            ctx.reply.mapHeader(specs.count)
            for spec in specs {
                ctx.reply.bulk(spec.name)
                ctx.reply.mapHeader(3)
                ctx.reply.bulk("summary"); ctx.reply.bulk(spec.summary)
                ctx.reply.bulk("since"); ctx.reply.bulk("1.0.0")
                ctx.reply.bulk("group"); ctx.reply.bulk(spec.group)
            }
        case "list":
            ctx.reply.arrayHeader(s.commands.all.count)
            for spec in s.commands.all { ctx.reply.bulk(spec.name) }
        case "getkeys":
            guard a.count >= 3, let spec = s.commands.lookup(a[2]) else { return ctx.reply.error("ERR Invalid command specified") }
            let args = Array(a.dropFirst(2))
            guard spec.arityOK(args.count) else { return ctx.reply.error("ERR Invalid number of arguments specified for command") }
            guard spec.firstKey > 0 else { return ctx.reply.error("ERR The command has no key arguments") }
            let last = spec.lastKey < 0 ? args.count + spec.lastKey : spec.lastKey
            let keys = stride(from: spec.firstKey, through: last, by: spec.step).map { args[$0] }
            ctx.reply.arrayHeader(keys.count)
            for k in keys { ctx.reply.bulk(k) }
        case "help":
            ctx.reply.arrayHeader(1)
            ctx.reply.simple("COMMAND [COUNT|INFO|DOCS|LIST|GETKEYS]")
        default:
            ctx.reply.error(Errors.unknownSubcommand(a[1], a[0].utf8Text))
        }
    }

    /// Redis 7's COMMAND INFO entry: name, arity, flags, first key, last key, step, ACL
    /// categories, tips, key specs, subcommands.
    static func writeInfo(_ ctx: inout CommandContext, _ spec: CommandSpec) {
        ctx.reply.arrayHeader(10)
        ctx.reply.bulk(spec.name)
        ctx.reply.integer(spec.arity)
        let flags = spec.flags.names
        ctx.reply.setHeader(flags.count)
        for f in flags { ctx.reply.simple(f) }
        ctx.reply.integer(spec.firstKey)
        ctx.reply.integer(spec.lastKey)
        ctx.reply.integer(spec.step)
        ctx.reply.setHeader(1)
        ctx.reply.simple("@\(spec.group)")
        ctx.reply.arrayHeader(0)
        ctx.reply.arrayHeader(0)
        ctx.reply.arrayHeader(0)
    }
}
