import RESP

extension ACLUsers {
    /// A `user` line's rules as Redis applies them: after a `reset`, so that the line alone says
    /// what the user is (`user default off` leaves default with no commands either).
    public static func configuredRules(_ words: [String]) -> [[UInt8]] {
        [Array("reset".utf8)] + words.dropFirst().map { Array($0.utf8) }
    }

    /// Why a `user` line of a config file is refused, or nil (checked as the file is read, so
    /// the error names its line).
    public static func checkConfigured(_ words: [String], catalog: ACLCatalog) -> String? {
        var probe = ACLUsers(catalog: catalog)
        return probe.setUser(words[0], rules: configuredRules(words))
    }

    /// The users a server starts with, in Redis's order: requirepass (the default user's
    /// password), then the config's `user` lines, then the aclfile's text (read by `readFile`)
    /// replacing them all. Redis's error text, or nil.
    public mutating func loadAtStartup(requirepass: [UInt8], userLines: [[String]], aclFile: String?,
                                       readFile: (String) -> Result<String, CommandError>) -> String? {
        setRequirepass(requirepass)
        for words in userLines {
            if let error = setUser(words[0], rules: Self.configuredRules(words)) { return error }
        }
        guard let aclFile else { return nil }
        switch readFile(aclFile).flatMap({ ACLFile.parse($0, fileName: aclFile, catalog: catalog) }) {
        case .failure(let e): return e.text
        case .success(let users): replaceAll(users)
        }
        return nil
    }

    /// What an ACL LOG entry of a denial records: its reason and the object refused (the
    /// command's full name `entry`, as `entryName` gives it; the key; the channel).
    public static func logEntry(for denial: Denial, entry: String, _ args: [[UInt8]]) -> (reason: ACLLog.Reason, object: String) {
        switch denial {
        case .command: (.command, entry)
        case .key(let p): (.key, args[p].utf8Text)
        case .channel(let p): (.channel, args[p].utf8Text)
        }
    }
}
