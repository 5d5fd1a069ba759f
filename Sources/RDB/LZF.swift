/// LZF, the compression Redis applies to RDB strings longer than 20 bytes (`rdbcompression yes`).
///
/// The stream is a sequence of items, each starting with a control byte:
/// - `000LLLLL`: a literal run of L+1 bytes (1...32) follows.
/// - `LLLooooo oooooooo`: a back reference of L+2 bytes (L < 7) to offset o+1 bytes before the
///   output position; when L == 7 an extra byte follows the control byte and adds to the length.
/// Offsets reach 8 KiB back and one reference covers at most 264 bytes, so the output of a valid
/// stream is at most 88 times its input: the reader uses that bound to refuse absurd lengths.
public enum LZF {
    static let maxLiteral = 32
    static let maxOffset = 1 << 13
    static let maxReference = (1 << 8) + (1 << 3)
    /// A 3-byte reference yields at most 264 bytes.
    public static let maxExpansionRatio = 88

    /// Compresses `input` into at most `maxOutput` bytes, or returns nil when the result would not
    /// fit (the caller then stores the data uncompressed, as Redis does).
    public static func compress(_ input: [UInt8], maxOutput: Int) -> [UInt8]? {
        guard maxOutput > 0, !input.isEmpty else { return nil }
        var out = [UInt8](repeating: 0, count: maxOutput)
        let n = input.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in compress(src, into: dst) }
        }
        guard n > 0 else { return nil }
        out.removeLast(out.count - n)
        return out
    }

    /// Compresses into `out`; returns the compressed length, or 0 when `out` is too small.
    public static func compress(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var table = [Int32](repeating: 0, count: 1 << hashBits(for: input.count))
        return table.withUnsafeMutableBufferPointer { compress(input, into: out, table: $0) }
    }

    /// Hash table sizes follow the input, so that short strings do not pay for a 64 KiB table.
    static func hashBits(for count: Int) -> Int {
        var bits = 6
        while bits < maxHashBits && (1 << bits) < count { bits += 1 }
        return bits
    }

    static let maxHashBits = 14

    /// Compresses using `table` (at least `1 << hashBits(for: input.count)` entries, contents
    /// ignored) as scratch, so a caller compressing many strings allocates it once.
    static func compress(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>,
                         table: UnsafeMutableBufferPointer<Int32>) -> Int {
        let inLen = input.count
        let outLen = out.count
        guard inLen > 0, outLen > 0 else { return 0 }
        // The hash table maps a 3-byte prefix to (position + 1) of its last occurrence; 0 = none.
        let hashBits = hashBits(for: inLen)
        precondition(table.count >= 1 << hashBits, "LZF scratch table too small")
        let htab = UnsafeMutableBufferPointer(rebasing: table[0..<(1 << hashBits)])
        htab.update(repeating: 0)
        let shift = UInt32(32 - hashBits)
        @inline(__always) func hash(_ i: Int) -> Int {
            let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            return Int((v &* 2_654_435_761) >> shift)
        }
        var ip = 0
        var op = 1          // out[0] is reserved for the first literal run's control byte
        var lit = 0         // length of the literal run being built
        while ip + 2 < inLen {
            let h = hash(ip)
            let ref = Int(htab[h]) - 1
            htab[h] = Int32(ip + 1)
            let off = ip - ref - 1
            if ref >= 0, off < maxOffset,
               input[ref] == input[ip], input[ref + 1] == input[ip + 1], input[ref + 2] == input[ip + 2] {
                // A match of at least 3 bytes; leave the last 2 input bytes out, as liblzf does.
                let maxLen = min(inLen - ip - 2, maxReference)
                var len = 2
                repeat { len += 1 } while len < maxLen && input[ref + len] == input[ip + len]
                // Worst case: 3 bytes for the reference plus a control byte for the next run.
                guard op + 4 <= outLen else { return 0 }
                if lit > 0 { out[op - lit - 1] = UInt8(lit - 1) } else { op -= 1 }
                let code = len - 2
                if code < 7 {
                    out[op] = UInt8(off >> 8) | UInt8(code << 5)
                    op += 1
                } else {
                    out[op] = UInt8(off >> 8) | (7 << 5)
                    out[op + 1] = UInt8(code - 7)
                    op += 2
                }
                out[op] = UInt8(off & 0xff)
                op += 2 // skip the control byte of the next literal run
                lit = 0
                ip += len
                // Index the last two positions of the match so following data can refer to it.
                if ip + 2 < inLen {
                    htab[hash(ip - 1)] = Int32(ip)
                    htab[hash(ip - 2)] = Int32(ip - 1)
                }
                continue
            }
            guard op < outLen else { return 0 }
            out[op] = input[ip]
            op += 1
            ip += 1
            lit += 1
            if lit == maxLiteral {
                out[op - lit - 1] = UInt8(maxLiteral - 1)
                lit = 0
                op += 1
            }
        }
        while ip < inLen {
            guard op < outLen else { return 0 }
            out[op] = input[ip]
            op += 1
            ip += 1
            lit += 1
            if lit == maxLiteral {
                out[op - lit - 1] = UInt8(maxLiteral - 1)
                lit = 0
                op += 1
            }
        }
        if lit > 0 { out[op - lit - 1] = UInt8(lit - 1) } else { op -= 1 }
        return op
    }

    /// Decompresses `input`, which must expand to exactly `outputLength` bytes.
    public static func decompress(_ input: [UInt8], outputLength: Int) throws(RDBError) -> [UInt8] {
        guard outputLength >= 0 else { throw RDBError.corrupt("LZF: negative output length") }
        guard outputLength <= input.count &* maxExpansionRatio else {
            throw RDBError.corrupt("LZF: \(input.count) compressed bytes cannot expand to \(outputLength)")
        }
        var ok = false
        let out = [UInt8](unsafeUninitializedCapacity: outputLength) { buffer, initialized in
            ok = input.withUnsafeBufferPointer { src in decompress(src, into: buffer) }
            // Every byte was written when ok; otherwise hand back an empty array.
            initialized = ok ? outputLength : 0
        }
        guard ok else { throw RDBError.corrupt("LZF: invalid compressed string") }
        return out
    }

    /// Decompresses into `out`; true only if the input is valid and fills `out` exactly.
    public static func decompress(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        guard let src = input.baseAddress else { return out.count == 0 }
        guard let dst = out.baseAddress else { return false }
        var ip = 0
        var op = 0
        let inLen = input.count
        let outLen = out.count
        while ip < inLen {
            let ctrl = Int(src[ip])
            ip += 1
            if ctrl < 32 {
                let run = ctrl + 1
                guard run <= inLen - ip, run <= outLen - op else { return false }
                (dst + op).update(from: src + ip, count: run)
                ip += run
                op += run
            } else {
                var len = ctrl >> 5
                if len == 7 {
                    guard ip < inLen else { return false }
                    len += Int(src[ip])
                    ip += 1
                }
                guard ip < inLen else { return false }
                let distance = ((ctrl & 0x1f) << 8) + Int(src[ip]) + 1
                ip += 1
                len += 2
                let ref = op - distance
                guard ref >= 0, len <= outLen - op else { return false }
                if distance >= len {
                    (dst + op).update(from: dst + ref, count: len)
                } else {
                    // Overlapping: the output repeats with period `distance`. Copy whole periods
                    // from `ref`, doubling the span each time (1, 2, 4... periods), so a long run
                    // of one byte costs a handful of copies, not one step per byte.
                    var done = 0
                    var span = distance
                    while done < len {
                        let n = min(span, len - done)
                        (dst + op + done).update(from: dst + ref, count: n)
                        done += n
                        span = distance + done
                    }
                }
                op += len
            }
        }
        return op == outLen
    }
}
