import RESP

/// The aclfile's text, and `user` lines of a config file: one `user <name> <rule>...` per line.
/// Loading is all or nothing, as in Redis: the first bad line is reported as `file:line: why`
/// and nothing is applied.
public enum ACLFile {
    public static func parse(_ text: String, fileName: String, catalog: ACLCatalog) -> Result<[ACLUser], CommandError> {
        var users: [String: ACLUser] = [:]
        var order: [String] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingASCIISpaces
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(separator: " ").map { Array($0.utf8) }
            func fail(_ why: String) -> Result<[ACLUser], CommandError> { .failure(CommandError("\(fileName):\(n + 1): \(why)")) }
            guard words[0] == Array("user".utf8) else { return fail("should start with user keyword") }
            guard words.count >= 2 else { return fail("missing the user name") }
            let name = String(decoding: words[1], as: UTF8.self)
            guard users[name] == nil else { return fail("duplicate user '\(name)' found") }
            var u = ACLUser(name: name, catalog: catalog)
            for rule in words.dropFirst(2) {
                if let why = u.apply(rule, catalog: catalog) { return fail("Error in applying operation '\(String(decoding: rule, as: UTF8.self))': \(why)") }
            }
            users[name] = u
            order.append(name)
        }
        return .success(order.map { users[$0]! })
    }

    /// ACL SAVE's text: every user as ACL LIST shows them, in its (name) order.
    public static func render(_ acl: ACLUsers) -> String {
        acl.names.compactMap { acl.describe($0) }.map { $0 + "\n" }.joined()
    }
}

extension Substring {
    var trimmingASCIISpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return s
    }
}
