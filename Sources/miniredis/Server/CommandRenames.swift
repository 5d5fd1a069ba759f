/// `rename-command` as Redis applies it at start-up: each line takes a command out of the table
/// under its current name and puts it back under the new one (an empty new name leaves it out).
/// The command keeps its own name everywhere else (COMMAND INFO/LIST, arity errors, CLIENT LIST's
/// cmd=, as redis-server shows `config` for a CONFIG renamed to XCONFIG); only lookup changes.
extension CommandTable {
    /// Why a rename line was refused, with Redis's words; `index` is the line in `renames`.
    struct RenameFailure: Error {
        let index: Int
        let reason: String
    }

    /// Every command and the name it answers to after `renames`, in table order. A rename of a
    /// name not in the table (never there, already renamed away or removed) and a new name
    /// another command answers to are refused, as Redis's config loader refuses them.
    static func names(of specs: [CommandSpec], renamed renames: [(from: String, to: String)]) throws(RenameFailure) -> [(name: String, spec: CommandSpec)] {
        var entries: [(name: String, spec: CommandSpec)] = []
        var position: [String: Int] = [:]
        for spec in specs {
            // A later spec of a name replaces the earlier, as the name index always did.
            if let at = position[spec.name.lowercased()] { entries[at].spec = spec; continue }
            position[spec.name.lowercased()] = entries.count
            entries.append((spec.name, spec))
        }
        for (i, r) in renames.enumerated() {
            guard let at = entries.firstIndex(where: { $0.name.lowercased() == r.from.lowercased() }) else {
                throw RenameFailure(index: i, reason: "No such command in rename-command")
            }
            let spec = entries.remove(at: at).spec
            if r.to.isEmpty { continue }
            guard !entries.contains(where: { $0.name.lowercased() == r.to.lowercased() }) else {
                throw RenameFailure(index: i, reason: "Target command name already exists")
            }
            entries.insert((r.to, spec), at: at)
        }
        return entries
    }

    /// ServerConfig's check of rename-command lines as it reads them, against the standard table.
    static let renameCheck: ServerConfig.RenameCheck = { renames in
        do throws(RenameFailure) {
            _ = try names(of: standard.all, renamed: renames)
            return nil
        } catch {
            return error.reason
        }
    }

    /// The standard table with `renames` applied (already checked by the config loader).
    static func standard(renamed renames: [(from: String, to: String)]) throws(RenameFailure) -> CommandTable {
        if renames.isEmpty { return standard }
        return CommandTable(named: try names(of: standard.all, renamed: renames))
    }
}
