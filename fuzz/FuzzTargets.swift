// libFuzzer entry point for the parsers that read untrusted bytes. Built by fuzz/run (not by
// SwiftPM): swiftc -sanitize=fuzzer,address with SentinelCore's sources. The target is chosen by
// FUZZ_TARGET: resp, commands, config, sentinel-config, rdb, hello.
import Glibc

private let target: String = {
    guard let p = getenv("FUZZ_TARGET") else { return "resp" }
    return String(cString: p)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    switch target {
    case "resp":
        // Whole values only, never past the input; every value re-encodes and parses back equal.
        let parser = RESPParser(maxBulkLength: 1 << 20, maxAggregateCount: 1 << 16, maxDepth: 32)
        var pos = 0
        while let (value, next) = (try? parser.parse(bytes, from: pos)) ?? nil {
            precondition(next > pos && next <= bytes.count, "parser consumed nothing or too much")
            var w = RESPWriter(protocolVersion: 3)
            w.value(value)
            if let (again, _) = (try? parser.parse(w.buffer)) ?? nil { _ = again }
            pos = next
        }
    case "commands":
        var parser = RESPCommandParser(maxBulkLength: 1 << 20)
        var pos = 0
        while let cmd = (try? parser.next(bytes, &pos)) ?? nil {
            precondition(pos <= bytes.count)
            _ = cmd
        }
    case "config":
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? ConfigFile.parse(text, file: "fuzz.conf")
        _ = ConfigFile.rewrite(original: text, values: [("port", ["1"]), ("save", ["60 1"])])
    case "sentinel-config":
        let text = String(decoding: bytes, as: UTF8.self)
        if let parsed = try? SentinelConfigParser.parse(text) {
            // What we write back must parse again.
            let lines = SentinelConfigRewriter.rewrite(lines: text.split(separator: "\n").map(String.init), with: parsed.config)
            precondition((try? SentinelConfigParser.parse(lines: lines)) != nil, "rewritten config does not parse")
        }
    case "rdb":
        _ = try? RDBReader.decode(bytes)
    case "hello":
        _ = Hello.parse(String(decoding: bytes, as: UTF8.self))
    default:
        fatalError("unknown FUZZ_TARGET \(target)")
    }
    return 0
}
