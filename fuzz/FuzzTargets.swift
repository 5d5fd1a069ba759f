// libFuzzer entry point for the parsers that read untrusted bytes. Built by fuzz/build (not by
// SwiftPM) with -sanitize=fuzzer,address. The target is chosen by FUZZ_TARGET (fuzz/run lists
// them). Besides "never crash", each target checks a property: a value parses the same whether
// its bytes come at once or in pieces, and what we write back reads back the same.
import Glibc
import RESP
import Config
import RDB
import SentinelCore
import ACL

private let target: String = {
    guard let p = getenv("FUZZ_TARGET") else { return "resp" }
    return String(cString: p)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    switch target {
    case "resp": fuzzReplies(bytes)
    case "commands": fuzzCommands(bytes)
    case "config": fuzzConfigFile(bytes)
    case "server-config": fuzzServerConfig(bytes)
    case "sentinel-config": fuzzSentinelConfig(bytes)
    case "rdb": fuzzRDB(bytes)
    case "hello": fuzzHello(bytes)
    case "info": _ = InfoReport.parse(String(decoding: bytes, as: UTF8.self))
    case "acl": fuzzACL(bytes)
    default: fatalError("unknown FUZZ_TARGET \(target)")
    }
    return 0
}

/// A property that must hold. Not precondition: -O builds drop its message.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

// MARK: - RESP

/// Replies as the sentinel reads them from instances (its InstanceLink's limits, a smaller bulk
/// bound). Every value is whole and within the input; one byte less is "need more", never an
/// error or another value; written back (RESP3 and RESP2) it parses as exactly one value, and
/// the RESP3 form gives back the value itself (up to what the writer normalises).
func fuzzReplies(_ bytes: [UInt8]) {
    let parser = RESPParser(maxBulkLength: 1 << 20, maxAggregateCount: 1 << 20, maxDepth: 16)
    var pos = 0
    while let (value, next) = (try? parser.parse(bytes, from: pos)) ?? nil {
        check(next > pos && next <= bytes.count, "parser consumed nothing or too much")
        let whole = Array(bytes[pos..<next])
        for cut in Set([whole.count - 1, whole.count / 2]) {
            let partial = Array(whole[..<cut])
            do {
                let parsed = try parser.parse(partial)
                check(parsed == nil, "a prefix of a value is a value")
            } catch {
                fatalError("a prefix of a value is an error: \(error)")
            }
        }
        for version in [2, 3] {
            var w = RESPWriter(protocolVersion: version)
            w.value(value)
            let again: (value: RESPValue, next: Int)?
            do { again = try parser.parse(w.buffer) } catch { fatalError("written back, \(value) does not parse: \(error)") }
            guard let again else { fatalError("written back, \(value) is incomplete") }
            check(again.next == w.buffer.count, "written back, \(value) is more than one value")
            if version == 3 { check(again.value == writtenForm(value), "\(value) came back as \(again.value)") }
        }
        pos = next
    }
}

/// What RESPWriter (RESP3) makes of a value: verbatim strings get the "txt" format, and an error
/// line cannot hold CR or LF (a blob error may), which it writes as spaces.
func writtenForm(_ v: RESPValue) -> RESPValue {
    switch v {
    case .error(let b): return .error(b.map { $0 == 13 || $0 == 10 ? 32 : $0 })
    case .verbatim(_, let t): return .verbatim(format: Array("txt".utf8), text: t)
    case .array(let a): return .array(a.map(writtenForm))
    case .set(let a): return .set(a.map(writtenForm))
    case .push(let a): return .push(a.map(writtenForm))
    case .map(let m): return .map(m.map { (writtenForm($0.0), writtenForm($0.1)) })
    default: return v
    }
}

/// Requests as a server reads them, with the AOF loader's bulk limit (the largest). The commands
/// (and whether it ends in a protocol error) are the same when the input arrives at once and
/// when it arrives in reads of 1 to 16 bytes with the consumed part dropped after each read, as
/// miniredis and the sentinel do.
func fuzzCommands(_ bytes: [UInt8]) {
    let atOnce = parseCommands(bytes, readSizes: [bytes.count])
    let sizes = bytes.isEmpty ? [1] : bytes.map { Int($0 & 15) + 1 }
    check(parseCommands(bytes, readSizes: sizes) == atOnce, "commands differ when the input arrives in pieces")
}

struct ParsedCommands: Equatable {
    var commands: [[[UInt8]]] = []
    var error: String?
}

func parseCommands(_ input: [UInt8], readSizes: [Int]) -> ParsedCommands {
    var parser = RESPCommandParser(maxBulkLength: Int.max / 2)
    var result = ParsedCommands()
    var buffer: [UInt8] = []
    var pos = 0
    var offset = 0
    var read = 0
    while offset < input.count {
        let n = min(readSizes[read % readSizes.count], input.count - offset)
        buffer.append(contentsOf: input[offset..<(offset + n)])
        offset += n
        read += 1
        while true {
            let before = pos
            do {
                guard let command = try parser.next(buffer, &pos) else { break }
                check(pos > before && pos <= buffer.count, "a command consumed nothing or too much")
                result.commands.append(command)
            } catch {
                result.error = error.message
                return result
            }
        }
        buffer.removeFirst(pos)
        pos = 0
    }
    return result
}

// MARK: - Configuration files

/// redis.conf-style text and CONFIG REWRITE's merge: a file that parses still parses after the
/// rewrite, with the rewritten directives holding exactly the new values (first occurrence
/// replaced, later ones dropped, missing ones appended) and every other directive unchanged.
func fuzzConfigFile(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let before = try? ConfigFile.parse(text, file: "fuzz.conf") else { return }
    let values: [(name: String, lines: [String])] = [
        ("port", ["1"]), ("save", ["60 1", "\"\""]), ("requirepass", [ConfigFile.quote("a \"b\"\r\n")]), ("dir", []),
    ]
    let rewritten = ConfigFile.rewrite(original: text, values: values)
    let after: [ConfigDirective]
    do { after = try ConfigFile.parse(rewritten) } catch { fatalError("rewritten file does not parse: \(error)") }

    var expected: [(String, [String])] = []
    var done: Set<String> = []
    for d in before {
        guard let new = values.first(where: { $0.name == d.name }) else {
            expected.append((d.name, d.args))
            continue
        }
        if done.insert(d.name).inserted {
            expected += new.lines.map { (d.name, ArgumentSplitter.split($0)!) }
        }
    }
    for (name, lines) in values where !done.contains(name) {
        expected += lines.map { (name, ArgumentSplitter.split($0)!) }
    }
    check(after.map(\.name) == expected.map(\.0) && after.map(\.args) == expected.map(\.1),
          "rewrite gave \(after.map { [$0.name] + $0.args }), expected \(expected)")
}

/// miniredis's config table and CONFIG REWRITE. Input: a config file, then after a NUL byte
/// lines of `name value` applied as CONFIG SET would (value = the rest of the line). Whatever
/// loads, CONFIG REWRITE writes a file that loads again into the same configuration.
func fuzzServerConfig(_ bytes: [UInt8]) {
    let parts = bytes.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
    let file = String(decoding: parts[0], as: UTF8.self)
    var config = ServerConfig()
    guard let directives = try? ConfigFile.parse(file), (try? config.apply(directives, file: nil)) != nil else { return }
    if parts.count > 1 {
        for line in parts[1].split(separator: 10) {
            let words = line.split(separator: 32, maxSplits: 1, omittingEmptySubsequences: false)
            guard let e = ConfigTable.entry(String(decoding: words[0], as: UTF8.self)), !e.immutable else { continue }
            _ = ConfigTable.setAtRunTime(&config, e, words.count > 1 ? String(decoding: words[1], as: UTF8.self) : "")
        }
    }
    let rewritten = ConfigFile.rewrite(original: file, values: ConfigTable.rewriteValues(config, original: file))
    var reloaded = ServerConfig()
    do {
        try reloaded.apply(try ConfigFile.parse(rewritten), file: nil)
    } catch {
        fatalError("the rewritten file does not load: \(error)\n\(rewritten)")
    }
    for e in ConfigTable.entries {
        check(e.get(reloaded) == e.get(config), "\(e.name): '\(e.get(config))' reloads as '\(e.get(reloaded))'\n\(rewritten)")
    }
}

/// sentinel.conf: what the sentinel persists (the file rewritten in place, or the generated lines
/// alone in a state file) loads back into the same configuration.
func fuzzSentinelConfig(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let parsed = try? SentinelConfigParser.parse(text) else { return }
    let lines = ConfigFile.splitLines(text)
    let rewritten = SentinelConfigRewriter.rewrite(lines: lines, with: parsed.config)
    do {
        let again = try SentinelConfigParser.parse(lines: rewritten)
        check(again.config == parsed.config, "rewritten config loads differently:\n\(rewritten.joined(separator: "\n"))")
    } catch {
        fatalError("rewritten config does not parse: \(error)\n\(rewritten.joined(separator: "\n"))")
    }
    let state = SentinelConfigRewriter.generatedLines(parsed.config)
    var expected = parsed.config
    expected.port = SentinelConfig().port      // port and loglevel are server lines, not state
    expected.logLevel = SentinelConfig().logLevel
    check((try? SentinelConfigParser.parse(lines: state))?.config == expected, "state lines load differently")
}

// MARK: - RDB and hello

/// The RDB reader, checksum off so mutated files get past the trailer: a file that loads,
/// written again by RDBWriter (LZF included), loads back into the same keys.
func fuzzRDB(_ bytes: [UInt8]) {
    var options = RDBReaderOptions()
    options.verifyChecksum = false
    guard let (entries, _) = try? RDBReader.decode(bytes, options: options) else { return }
    do {
        let again = try RDBReader.decode(try RDBWriter.encode(entries)).entries
        check(again == entries, "entries changed through RDBWriter")
    } catch {
        fatalError("entries read from a file cannot be written and read back: \(error)")
    }
}

/// Hello messages anyone who can PUBLISH may send: one that parses prints back as a payload that
/// parses to the same hello.
func fuzzHello(_ bytes: [UInt8]) {
    guard let hello = Hello.parse(String(decoding: bytes, as: UTF8.self)) else { return }
    check(Hello.parse(hello.payload) == hello, "hello does not survive its own payload")
}

// MARK: - ACL

private let aclCatalog = ACLCatalog.redis()

/// ACL rules as ACL SETUSER, an aclfile or a `user` line give them: never a crash; a user that
/// was accepted prints (ACL LIST, ACL SAVE) a line that reads back as the same user; and the
/// permission check over any call (random key counts for the key specs) never traps.
func fuzzACL(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    guard case .success(let users) = ACLFile.parse(text, fileName: "fuzz.acl", catalog: aclCatalog) else { return }
    var acl = ACLUsers(catalog: aclCatalog)
    acl.replaceAll(users)
    for u in users {
        // Whitespace inside a rule does not survive a line split on spaces; such input is only
        // checked for crashes.
        let line = u.aclLine
        if !line.utf8.contains(where: { $0 < 0x21 && $0 != 0x20 }) {
            guard case .success(let back) = ACLFile.parse(line + "\n", fileName: "again", catalog: aclCatalog), back.count == 1 else {
                check(false, "ACL LIST line does not parse back: \(line)"); return
            }
            check(back[0] == u, "ACL LIST line reads back as another user: \(line) -> \(back[0].aclLine)")
        }
        // Calls made of the input's bytes, the command chosen from the catalog by the first.
        for start in stride(from: 0, to: min(bytes.count, 64), by: 8) {
            let entry = aclCatalog.entries[Int(bytes[start]) % aclCatalog.count]
            let name = entry.name.split(separator: "|").map(String.init)
            let rest = bytes[(start + 1)...].prefix(7).map { [$0 % 4 == 0 ? UInt8(ascii: "2") : $0] }
            let call = name.map { Array($0.utf8) } + rest
            _ = acl.denial(user: u.name, command: name[0], call)
        }
    }
}
