/// Redis's glob-style pattern matching (stringmatchlen): `*`, `?`, `[abc]`, `[^a-z]`, `\x`.
/// Used by KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET and SENTINEL RESET.
public enum Glob {
    public static func match(_ pattern: [UInt8], _ string: [UInt8], caseInsensitive: Bool = false) -> Bool {
        pattern.withUnsafeBufferPointer { p in
            string.withUnsafeBufferPointer { s in
                var budget = 100_000
                return matchFrom(p, 0, s, 0, caseInsensitive, &budget)
            }
        }
    }

    public static func match(_ pattern: String, _ string: String, caseInsensitive: Bool = false) -> Bool {
        match(Array(pattern.utf8), Array(string.utf8), caseInsensitive: caseInsensitive)
    }

    @inline(__always)
    private static func fold(_ c: UInt8, _ ci: Bool) -> UInt8 {
        ci && c >= 65 && c <= 90 ? c | 0x20 : c
    }

    /// `budget` bounds the backtracking so a hostile pattern (`*a*a*a*...b`) cannot hang the
    /// server; Redis 7 added the same guard (a nesting limit) after a CVE.
    private static func matchFrom(_ p: UnsafeBufferPointer<UInt8>, _ pi0: Int, _ s: UnsafeBufferPointer<UInt8>, _ si0: Int, _ ci: Bool, _ budget: inout Int) -> Bool {
        var pi = pi0, si = si0
        budget -= 1
        if budget <= 0 { return false }
        while pi < p.count {
            switch p[pi] {
            case UInt8(ascii: "*"):
                while pi + 1 < p.count && p[pi + 1] == UInt8(ascii: "*") { pi += 1 }
                if pi + 1 == p.count { return true }
                var k = si
                while k <= s.count {
                    if matchFrom(p, pi + 1, s, k, ci, &budget) { return true }
                    if budget <= 0 { return false }
                    k += 1
                }
                return false
            case UInt8(ascii: "?"):
                guard si < s.count else { return false }
                si += 1
            case UInt8(ascii: "["):
                guard si < s.count else { return false }
                pi += 1
                var negate = false
                if pi < p.count && p[pi] == UInt8(ascii: "^") { negate = true; pi += 1 }
                var matched = false
                while pi < p.count && p[pi] != UInt8(ascii: "]") {
                    if p[pi] == UInt8(ascii: "\\") && pi + 1 < p.count {
                        pi += 1
                        if fold(p[pi], ci) == fold(s[si], ci) { matched = true }
                    } else if pi + 2 < p.count && p[pi + 1] == UInt8(ascii: "-") && p[pi + 2] != UInt8(ascii: "]") {
                        var lo = fold(p[pi], ci), hi = fold(p[pi + 2], ci)
                        if lo > hi { swap(&lo, &hi) }
                        let c = fold(s[si], ci)
                        if c >= lo && c <= hi { matched = true }
                        pi += 2
                    } else if fold(p[pi], ci) == fold(s[si], ci) {
                        matched = true
                    }
                    pi += 1
                }
                // An unterminated class matches as if closed here, as Redis does.
                if negate { matched = !matched }
                guard matched else { return false }
                si += 1
            case UInt8(ascii: "\\") where pi + 1 < p.count:
                pi += 1
                guard si < s.count, fold(p[pi], ci) == fold(s[si], ci) else { return false }
                si += 1
            default:
                guard si < s.count, fold(p[pi], ci) == fold(s[si], ci) else { return false }
                si += 1
            }
            pi += 1
        }
        return si == s.count
    }
}
