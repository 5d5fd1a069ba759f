/// The request head of an HTTP/1.x request, read incrementally: the connection appends what it
/// reads and asks again; nothing is parsed until the blank line that ends the head arrives, and a
/// head longer than the limit is refused rather than buffered (the endpoint only serves GETs, so a
/// body is never read).
struct HTTPRequestHead {
    var method: String
    /// The path without the query string.
    var path: String
    var version: String
    /// Header fields, names lowercased, in order (the event stream reads Last-Event-ID).
    var headers: [(name: String, value: String)] = []

    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    enum Outcome {
        case incomplete
        case request(HTTPRequestHead)
        /// Malformed request line: 400.
        case bad
        /// The head exceeded the limit before it ended: 431.
        case tooLarge
    }

    /// Looks for a complete head in `bytes` (everything read so far on the connection).
    static func parse(_ bytes: [UInt8], limit: Int) -> Outcome {
        guard let end = headEnd(bytes) else { return bytes.count > limit ? .tooLarge : .incomplete }
        if end > limit { return .tooLarge }
        let lineEnd = bytes[..<end].firstIndex(of: UInt8(ascii: "\n")) ?? end
        var line = bytes[..<lineEnd]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[1].first == UInt8(ascii: "/"),
              parts[2].starts(with: Array("HTTP/1.".utf8)),
              parts[0].allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return .bad }
        var target = parts[1]
        if let q = target.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) { target = target[..<q] }
        var head = HTTPRequestHead(method: String(decoding: parts[0], as: UTF8.self),
                                   path: String(decoding: target, as: UTF8.self),
                                   version: String(decoding: parts[2], as: UTF8.self))
        for field in bytes[min(lineEnd + 1, end)..<end].split(separator: UInt8(ascii: "\n")) {
            guard let colon = field.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: field[..<colon], as: UTF8.self).lowercased()
            var value = String(decoding: field[field.index(after: colon)...], as: UTF8.self)
            value = String(value.drop { $0 == " " || $0 == "\t" })
            while let last = value.last, last == "\r" || last == " " || last == "\t" { value.removeLast() }
            head.headers.append((name, value))
        }
        return .request(head)
    }

    /// The index just past the blank line (CRLF CRLF, or bare LF LF as lenient servers accept).
    private static func headEnd(_ b: [UInt8]) -> Int? {
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "\n") {
                if i + 1 < b.count && b[i + 1] == UInt8(ascii: "\n") { return i + 2 }
                if i + 2 < b.count && b[i + 1] == UInt8(ascii: "\r") && b[i + 2] == UInt8(ascii: "\n") { return i + 3 }
            }
            i += 1
        }
        return nil
    }
}

/// A complete response, written once: the endpoint closes every connection after its response
/// (except the event stream), so there is no keep-alive state to get wrong.
enum HTTPResponse {
    static func make(status: String, contentType: String, body: [UInt8], extraHeaders: String = "") -> [UInt8] {
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
            + "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\(extraHeaders)Connection: close\r\n\r\n"
        return Array(head.utf8) + body
    }

    static func error(_ status: String, extraHeaders: String = "") -> [UInt8] {
        make(status: status, contentType: "text/plain; charset=utf-8", body: Array((status + "\n").utf8), extraHeaders: extraHeaders)
    }
}
