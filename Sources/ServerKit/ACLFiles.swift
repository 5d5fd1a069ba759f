import RESP
import Runtime

/// The aclfile on disk, for both servers: read with Redis's error, written atomically.
public enum ACLFiles {
    public static func read(_ path: String) -> Result<String, CommandError> {
        guard let text = FileIO.readText(path) else {
            return .failure(CommandError("Error loading ACLs, opening file '\(path)': \(SystemError.lastErrorText)"))
        }
        return .success(text)
    }

    /// ACL SAVE's write: nil, or the reason (also logged, as Redis logs it).
    public static func save(_ path: String, _ text: String, log: Logger) -> String? {
        do {
            try FileIO.replaceAtomically(path, with: Array(text.utf8))
            return nil
        } catch {
            log.warning("Opening temp ACL file for ACL SAVE: \(error)")
            return "\(error)"
        }
    }
}
