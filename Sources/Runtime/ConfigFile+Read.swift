import Config
import Glibc
import Config

// Reading a config file is I/O, so it lives here; the Config module only parses text.
extension ConfigFile {
    public static func read(path: String) throws(ConfigError) -> String {
        guard let text = FileIO.readText(path) else {
            throw ConfigError(file: path, reason: "Fatal error, can't open config file '\(path)': \(SystemError.text(errno))")
        }
        return text
    }
}
