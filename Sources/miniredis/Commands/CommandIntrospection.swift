
/// COMMAND, COMMAND COUNT, COMMAND INFO, COMMAND DOCS, COMMAND LIST.
enum CommandIntrospection {
    static func command(_ s: Server, _ c: Client, _ a: [[UInt8]]) {
        if a.count == 1 {
            c.reply.arrayHeader(s.commands.all.count)
            for spec in s.commands.all { writeInfo(c, spec) }
            return
        }
        switch a[1].lowercasedASCII {
        case "count":
            c.reply.integer(s.commands.all.count)
        case "info":
            let names = a.count > 2 ? Array(a.dropFirst(2)) : s.commands.all.map { Array($0.name.utf8) }
            c.reply.arrayHeader(names.count)
            for n in names {
                if let spec = s.commands.lookup(n) { writeInfo(c, spec) } else { c.reply.nullArray() }
            }
        case "docs":
            let specs = a.count > 2 ? a.dropFirst(2).compactMap { s.commands.lookup($0) } : s.commands.all
            c.reply.mapHeader(specs.count)
            for spec in specs {
                c.reply.bulk(spec.name)
                c.reply.mapHeader(3)
                c.reply.bulk("summary"); c.reply.bulk(spec.summary)
                c.reply.bulk("since"); c.reply.bulk("1.0.0")
                c.reply.bulk("group"); c.reply.bulk(spec.group)
            }
        case "list":
            c.reply.arrayHeader(s.commands.all.count)
            for spec in s.commands.all { c.reply.bulk(spec.name) }
        case "getkeys":
            guard a.count >= 3, let spec = s.commands.lookup(a[2]) else { return c.reply.error("ERR Invalid command specified") }
            let args = Array(a.dropFirst(2))
            guard spec.arityOK(args.count) else { return c.reply.error("ERR Invalid number of arguments specified for command") }
            guard spec.firstKey > 0 else { return c.reply.error("ERR The command has no key arguments") }
            let last = spec.lastKey < 0 ? args.count + spec.lastKey : spec.lastKey
            let keys = stride(from: spec.firstKey, through: last, by: spec.step).map { args[$0] }
            c.reply.arrayHeader(keys.count)
            for k in keys { c.reply.bulk(k) }
        case "help":
            c.reply.arrayHeader(1)
            c.reply.simple("COMMAND [COUNT|INFO|DOCS|LIST|GETKEYS]")
        default:
            c.reply.error(Errors.unknownSubcommand(a[1], "command"))
        }
    }

    /// Redis 7's COMMAND INFO entry: name, arity, flags, first key, last key, step, ACL
    /// categories, tips, key specs, subcommands.
    static func writeInfo(_ c: Client, _ spec: CommandSpec) {
        c.reply.arrayHeader(10)
        c.reply.bulk(spec.name)
        c.reply.integer(spec.arity)
        let flags = spec.flags.names
        c.reply.setHeader(flags.count)
        for f in flags { c.reply.simple(f) }
        c.reply.integer(spec.firstKey)
        c.reply.integer(spec.lastKey)
        c.reply.integer(spec.step)
        c.reply.setHeader(1)
        c.reply.simple("@\(spec.group)")
        c.reply.arrayHeader(0)
        c.reply.arrayHeader(0)
        c.reply.arrayHeader(0)
    }
}
