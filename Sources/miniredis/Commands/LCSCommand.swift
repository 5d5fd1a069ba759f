import RESP

/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest common subsequence
/// of two strings, by Redis's dynamic program and its backtracking, so IDX lists the same
/// ranges in the same order (last match first).
enum LCSCommand {
    static let specs: [CommandSpec] = [
        CommandSpec("lcs", -3, [.readonly], keys: (1, 1, 1), group: "string", "Finds the longest common substring.", .data(lcs)),
    ]

    static func lcs(_ ctx: inout CommandContext, _ args: [[UInt8]]) {
        var a: [UInt8] = [], b: [UInt8] = []
        for (i, k) in [args[1], args[2]].enumerated() {
            switch ctx.lookupRead(k) {
            case nil: break
            case .string(let s)?: if i == 0 { a = s.bytes } else { b = s.bytes }
            default: return ctx.reply.error("ERR The specified keys must contain string values")
            }
        }
        var getLen = false, getIdx = false, withMatchLen = false
        var minMatchLen = 0
        var j = 3
        while j < args.count {
            switch args[j].lowercasedASCII {
            case "idx": getIdx = true
            case "len": getLen = true
            case "withmatchlen": withMatchLen = true
            case "minmatchlen" where j + 1 < args.count:
                guard let n = Numbers.int64(args[j + 1]) else { return ctx.reply.error(Errors.notInteger) }
                minMatchLen = n < 0 ? 0 : Int(min(n, Int64(Int32.max)))
                j += 1
            default: return ctx.reply.error(Errors.syntax)
            }
            j += 1
        }
        if getIdx && getLen { return ctx.reply.error("ERR If you want both the length and indexes, please just use IDX.") }
        let alen = a.count, blen = b.count
        guard (alen + 1) * (blen + 1) <= 1 << 28 else {
            return ctx.reply.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
        }
        var dp = [UInt32](repeating: 0, count: (alen + 1) * (blen + 1))
        func at(_ i: Int, _ j: Int) -> UInt32 { dp[i + j * (alen + 1)] }
        if alen > 0 && blen > 0 {
            for jj in 1...blen {
                for ii in 1...alen {
                    dp[ii + jj * (alen + 1)] = a[ii - 1] == b[jj - 1] ? at(ii - 1, jj - 1) + 1 : max(at(ii - 1, jj), at(ii, jj - 1))
                }
            }
        }
        let total = Int(at(alen, blen))
        if getLen { return ctx.reply.integer(total) }
        var result = [UInt8](repeating: 0, count: total)
        var matches: [(a: (Int, Int), b: (Int, Int), len: Int)] = []
        var idx = total
        var aStart = alen, aEnd = 0, bStart = 0, bEnd = 0
        var i = alen, k = blen
        while i > 0 && k > 0 {
            var emit = false
            if a[i - 1] == b[k - 1] {
                result[idx - 1] = a[i - 1]
                if aStart == alen {
                    (aStart, aEnd, bStart, bEnd) = (i - 1, i - 1, k - 1, k - 1)
                } else if aStart == i && bStart == k {
                    aStart -= 1
                    bStart -= 1
                } else {
                    emit = true
                }
                if aStart == 0 || bStart == 0 { emit = true }
                idx -= 1; i -= 1; k -= 1
            } else {
                if at(i - 1, k) > at(i, k - 1) { i -= 1 } else { k -= 1 }
                if aStart != alen { emit = true }
            }
            let matchLen = aEnd - aStart + 1
            if emit && (minMatchLen == 0 || matchLen >= minMatchLen) {
                matches.append(((aStart, aEnd), (bStart, bEnd), matchLen))
            }
            if emit { aStart = alen }
        }
        guard getIdx else { return ctx.reply.bulk(result) }
        ctx.reply.mapHeader(2)
        ctx.reply.bulk("matches")
        ctx.reply.arrayHeader(matches.count)
        for m in matches {
            ctx.reply.arrayHeader(withMatchLen ? 3 : 2)
            ctx.reply.arrayHeader(2); ctx.reply.integer(m.a.0); ctx.reply.integer(m.a.1)
            ctx.reply.arrayHeader(2); ctx.reply.integer(m.b.0); ctx.reply.integer(m.b.1)
            if withMatchLen { ctx.reply.integer(m.len) }
        }
        ctx.reply.bulk("len")
        ctx.reply.integer(total)
    }
}
