import Testing
import Config
@testable import miniredis

/// rename-command applied to the command table: lookup by the new name only, an empty name
/// removes, chains follow the command, Redis's reasons for the refused lines.
@Suite struct CommandRenamesTests {
    static func table(_ renames: [(from: String, to: String)]) throws(CommandTable.RenameFailure) -> CommandTable {
        try CommandTable.standard(renamed: renames)
    }

    @Test func lookupUsesTheNewNameAndKeepsTheCommandsOwn() throws {
        let t = try Self.table([("CONFIG", "XCONFIG"), ("flushall", "")])
        #expect(t.lookup(Array("xConfig".utf8))?.name == "config")
        #expect(t.lookup(Array("config".utf8)) == nil)
        #expect(t.lookup(Array("flushall".utf8)) == nil)
        #expect(t.all.count == CommandTable.standard.all.count - 1)
        #expect(t.all.contains { $0.name == "config" } && !t.all.contains { $0.name == "flushall" })
        #expect(t.lookup(Array("get".utf8))?.name == "get")
    }

    @Test func chainsAndRenamesToItself() throws {
        let t = try Self.table([("CONFIG", "A"), ("a", "B"), ("PING", "ping")])
        #expect(t.lookup(Array("b".utf8))?.name == "config")
        #expect(t.lookup(Array("a".utf8)) == nil)
        #expect(t.lookup(Array("PING".utf8))?.name == "ping")
    }

    @Test func refusedLinesNameTheLineAndRedisReason() {
        func failure(_ renames: [(from: String, to: String)]) -> (Int, String)? {
            do throws(CommandTable.RenameFailure) { _ = try Self.table(renames); return nil } catch { return (error.index, error.reason) }
        }
        #expect(failure([("NOPE", "X")])! == (0, "No such command in rename-command"))
        #expect(failure([("CONFIG", "X"), ("CONFIG", "Y")])! == (1, "No such command in rename-command"))
        #expect(failure([("GET", "set")])! == (0, "Target command name already exists"))
        #expect(failure([("CONFIG", "X"), ("GET", "x")])! == (1, "Target command name already exists"))
        #expect(failure([("CONFIG", ""), ("CONFIG", "X")])! == (1, "No such command in rename-command"))
    }

    @Test func configLinesAreCheckedAsTheyAreRead() throws {
        var c = ServerConfig()
        let ok = [ConfigDirective(name: "rename-command", args: ["CONFIG", "XCONFIG"], line: 1, text: "rename-command CONFIG XCONFIG")]
        try c.apply(ok, file: "r.conf", renameCheck: CommandTable.renameCheck)
        #expect(c.renamedCommands.map(\.to) == ["XCONFIG"])
        let bad = ConfigDirective(name: "rename-command", args: ["CONFIG", "Y"], line: 2, text: "rename-command CONFIG Y")
        #expect(throws: ConfigError.self) { try c.apply([bad], file: "r.conf", renameCheck: CommandTable.renameCheck) }
        do throws(ConfigError) { try c.apply([bad], file: "r.conf", renameCheck: CommandTable.renameCheck) } catch {
            #expect(error.line == 2 && error.reason == "No such command in rename-command")
        }
    }
}
