/// Splits one redis.conf line into arguments like Redis's sdssplitargs: spaces separate, "double
/// quotes" understand \n \r \t \b \a \\ \" and \xHH, 'single quotes' understand \' only. Returns nil
/// for unbalanced quotes or a closing quote not followed by a space.
enum ConfigTokenizer {
    static func split(_ line: String) -> [String]? {
        var args: [String] = []
        var chars = Array(line.utf8)[...]
        func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 || c == 11 || c == 12 }
        while true {
            while let c = chars.first, isSpace(c) { chars = chars.dropFirst() }
            guard !chars.isEmpty else { return args }
            var current: [UInt8] = []
            var inDouble = false, inSingle = false
            tokenLoop: while true {
                if inDouble {
                    guard let c = chars.first else { return nil }
                    if c == UInt8(ascii: "\\"), chars.count >= 4, chars[chars.startIndex + 1] == UInt8(ascii: "x"),
                       let h = hex(chars[chars.startIndex + 2]), let l = hex(chars[chars.startIndex + 3]) {
                        current.append(h << 4 | l)
                        chars = chars.dropFirst(4)
                    } else if c == UInt8(ascii: "\\"), chars.count >= 2 {
                        let e = chars[chars.startIndex + 1]
                        switch e {
                        case UInt8(ascii: "n"): current.append(10)
                        case UInt8(ascii: "r"): current.append(13)
                        case UInt8(ascii: "t"): current.append(9)
                        case UInt8(ascii: "b"): current.append(8)
                        case UInt8(ascii: "a"): current.append(7)
                        default: current.append(e)
                        }
                        chars = chars.dropFirst(2)
                    } else if c == UInt8(ascii: "\"") {
                        chars = chars.dropFirst()
                        if let n = chars.first, !isSpace(n) { return nil }
                        break tokenLoop
                    } else {
                        current.append(c)
                        chars = chars.dropFirst()
                    }
                } else if inSingle {
                    guard let c = chars.first else { return nil }
                    if c == UInt8(ascii: "\\"), chars.count >= 2, chars[chars.startIndex + 1] == UInt8(ascii: "'") {
                        current.append(UInt8(ascii: "'"))
                        chars = chars.dropFirst(2)
                    } else if c == UInt8(ascii: "'") {
                        chars = chars.dropFirst()
                        if let n = chars.first, !isSpace(n) { return nil }
                        break tokenLoop
                    } else {
                        current.append(c)
                        chars = chars.dropFirst()
                    }
                } else {
                    guard let c = chars.first, !isSpace(c) else { break tokenLoop }
                    if c == UInt8(ascii: "\"") { inDouble = true } else if c == UInt8(ascii: "'") { inSingle = true } else { current.append(c) }
                    chars = chars.dropFirst()
                }
            }
            args.append(String(decoding: current, as: UTF8.self))
        }
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }

    /// Quotes an argument for writing back when it would not survive `split` as is.
    static func quote(_ s: String) -> String {
        let needsQuotes = s.isEmpty || s.utf8.contains { $0 <= 32 || $0 == 34 || $0 == 39 || $0 == 92 || $0 >= 127 }
        guard needsQuotes else { return s }
        var out = "\""
        for b in s.utf8 {
            switch b {
            case 34: out += "\\\""
            case 92: out += "\\\\"
            case 10: out += "\\n"
            case 13: out += "\\r"
            case 9: out += "\\t"
            case 32...126: out.append(Character(Unicode.Scalar(b)))
            default:
                let digits = Array("0123456789abcdef")
                out += "\\x" + String(digits[Int(b >> 4)]) + String(digits[Int(b & 15)])
            }
        }
        return out + "\""
    }
}
