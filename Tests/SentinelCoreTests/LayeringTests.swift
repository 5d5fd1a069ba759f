import Foundation
import Testing

/// The module layering of docs/architecture.md, checked on the sources: a pure module that
/// started importing the OS (Glibc, Foundation, Dispatch) or a module above it fails here, not in
/// review. SwiftPM's target dependencies already stop imports of our own modules that a target
/// does not list; this also covers the toolchain's modules, which every target can import.
@Suite struct LayeringTests {
    /// Each pure module and the only modules its files may import; and ServerKit, the shared
    /// connection layer, which does its I/O through Runtime (Glibc only for close(2)), never
    /// Foundation.
    static let allowedImports: [String: Set<String>] = [
        "RESP": [],
        "Config": ["RESP"],
        "ACL": ["RESP"],
        "SentinelCore": ["RESP", "Config"],
        "ServerKit": ["RESP", "Runtime", "ACL", "Glibc"],
    ]

    static let sourcesDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    /// `import X`, `@testable import X`, `import struct X.Y`, `@_exported import X` → X.
    static func imports(in text: String) -> [String] {
        text.split(separator: "\n").compactMap { line -> String? in
            var words = line.split(separator: " ").map(String.init)
            while let first = words.first, first.hasPrefix("@") { words.removeFirst() }
            guard words.first == "import", words.count >= 2 else { return nil }
            let name = words.count >= 3 && ["struct", "class", "enum", "func", "protocol", "typealias", "var", "let"].contains(words[1]) ? words[2] : words[1]
            return String(name.split(separator: ".")[0])
        }
    }

    @Test(arguments: allowedImports.keys.sorted())
    func pureModulesImportOnlyWhatTheLayeringAllows(module: String) throws {
        let dir = Self.sourcesDirectory.appendingPathComponent(module)
        let files = try #require(FileManager.default.enumerator(atPath: dir.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        #expect(!files.isEmpty, "no sources found in \(dir.path)")
        for file in files {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            for imported in Self.imports(in: text) where !(Self.allowedImports[module]!.contains(imported)) {
                Issue.record("Sources/\(module)/\(file) imports \(imported); \(module) may import only \(Self.allowedImports[module]!.sorted())")
            }
        }
    }

    @Test func importParserSeesEveryForm() {
        let text = "import Glibc\n@testable import RESP\nimport struct Foundation.Date\n@_exported import Dispatch\n// import Nothing\n"
        #expect(Self.imports(in: text) == ["Glibc", "RESP", "Foundation", "Dispatch"])
    }
}
