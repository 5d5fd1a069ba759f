/// Redis's glob-style pattern matching (stringmatchlen) for SENTINEL RESET and CONFIG GET:
/// `*`, `?`, `[abc]`, `[^a-z]`, `\x`. Case-insensitive when asked.
enum Glob {
    static func matches(_ pattern: String, _ text: String, caseInsensitive: Bool = true) -> Bool {
        let p = Array(caseInsensitive ? pattern.lowercased() : pattern)
        let t = Array(caseInsensitive ? text.lowercased() : text)
        return match(p[...], t[...], depth: 0)
    }

    private static func match(_ p: ArraySlice<Character>, _ t: ArraySlice<Character>, depth: Int) -> Bool {
        // Bounded recursion: a hostile pattern of many stars cannot blow the stack.
        if depth > 64 { return false }
        var p = p, t = t
        while let c = p.first {
            switch c {
            case "*":
                while p.first == "*" { p = p.dropFirst() }
                if p.isEmpty { return true }
                var rest = t
                while true {
                    if match(p, rest, depth: depth + 1) { return true }
                    if rest.isEmpty { return false }
                    rest = rest.dropFirst()
                }
            case "?":
                guard !t.isEmpty else { return false }
                p = p.dropFirst(); t = t.dropFirst()
            case "[":
                guard let ch = t.first else { return false }
                p = p.dropFirst()
                var negate = false
                if p.first == "^" { negate = true; p = p.dropFirst() }
                var found = false
                while let x = p.first, x != "]" {
                    if x == "\\", p.count >= 2 {
                        p = p.dropFirst()
                        if p.first == ch { found = true }
                        p = p.dropFirst()
                    } else if p.count >= 3, p[p.startIndex + 1] == "-" {
                        let lo = x, hi = p[p.startIndex + 2]
                        if (min(lo, hi)...max(lo, hi)).contains(ch) { found = true }
                        p = p.dropFirst(3)
                    } else {
                        if x == ch { found = true }
                        p = p.dropFirst()
                    }
                }
                p = p.dropFirst()
                if found == negate { return false }
                t = t.dropFirst()
            case "\\" where p.count >= 2:
                p = p.dropFirst()
                guard t.first == p.first else { return false }
                p = p.dropFirst(); t = t.dropFirst()
            default:
                guard t.first == c else { return false }
                p = p.dropFirst(); t = t.dropFirst()
            }
        }
        return t.isEmpty
    }
}
