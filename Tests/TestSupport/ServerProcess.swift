import Foundation
import Glibc

/// Locates the built binaries and the real Redis tools, and runs servers as child processes in
/// their own temporary directories. Every process is killed when its owner is released, so a
/// failing test leaves nothing behind.
public enum Binaries {
    /// The folder holding the test bundle is the build folder that also holds the executables.
    public static var buildDirectory: URL {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // XCTest on Linux runs `<pkg>PackageTests.xctest`; Swift Testing may run it from a helper.
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("miniredis").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../.build/debug").standardized
    }

    public static var miniredis: String { buildDirectory.appendingPathComponent("miniredis").path }
    public static var sentinel: String { buildDirectory.appendingPathComponent("sentinel").path }

    /// A real Redis tool from Debian's packages, or nil when it is not installed.
    public static func redis(_ name: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin"] {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// The interop tests need Debian's Redis. Without it they skip with a printed reason, except
    /// under CI (CI=true), where a skip would hide a missing install step, so they fail.
    public static func requireRedis(_ name: String) throws -> String? {
        if let p = redis(name) { return p }
        let reason = "\(name) is not installed (apt-get install redis-server redis-tools redis-sentinel)"
        if ProcessInfo.processInfo.environment["CI"] != nil {
            throw RedisConnection.Failure(description: "CI must run the interop tests, but \(reason)")
        }
        print("SKIPPED: \(reason)")
        return nil
    }
}

/// Ports for end-to-end tests: each test gets its own range so suites run in parallel without
/// colliding; the base is away from Redis's defaults.
public enum TestPorts {
    private static let counter = PortCounter()
    public static func next() -> Int { counter.next() }
}

public final class PortCounter: Sendable {
    private let value = Mutex(0)
    public func next() -> Int {
        // Spread by process id so two test processes on one machine do not collide either.
        let base = 20000 + Int(getpid() % 200) * 50
        return value.withLock { v in
            // Ranges of test processes running at once (other worktrees on one machine) overlap
            // once a process has used 50 ports: a port something already listens on is skipped.
            repeat { v += 1 } while !Self.isFree(base + v)
            return base + v
        }
    }

    /// True when nothing listens on the port (a bind to it on loopback succeeds).
    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

import Synchronization

/// A running server process with its own temporary directory.
public final class ServerProcess {
    public private(set) var process = Process()
    public let port: Int
    public let directory: URL
    public let logURL: URL
    public let executable: String
    public private(set) var arguments: [String]

    public init(executable: String, arguments: [String], port: Int, directory: URL? = nil) throws {
        self.port = port
        let dir = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(port)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        self.directory = dir
        self.logURL = dir.appendingPathComponent("server.log")
        self.executable = executable
        self.arguments = arguments
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        try launch()
    }

    private func launch() throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let log = try FileHandle(forWritingTo: logURL)
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// Starts the same program again in the same directory on the same port (after a crash, or
    /// after `kill`), keeping this object as the owner of the directory; waits until it answers.
    public func restart(arguments newArguments: [String]? = nil) throws {
        kill()
        if let newArguments { arguments = newArguments }
        try launch()
        try waitUntilReady()
    }

    /// Starts miniredis on a fresh port with `extra` directives and waits until it answers.
    public static func miniredis(_ extra: [String] = [], port: Int? = nil, directory: URL? = nil) throws -> ServerProcess {
        let p = port ?? TestPorts.next()
        let s = try ServerProcess(executable: Binaries.miniredis, arguments: ["--port", "\(p)", "--save", ""] + extra, port: p, directory: directory)
        try s.waitUntilReady()
        return s
    }

    /// Starts Debian's redis-server the same way (nil when it is not installed outside CI).
    public static func redisServer(_ extra: [String] = [], port: Int? = nil, directory: URL? = nil) throws -> ServerProcess? {
        guard let exe = try Binaries.requireRedis("redis-server") else { return nil }
        let p = port ?? TestPorts.next()
        let s = try ServerProcess(executable: exe, arguments: ["--port", "\(p)", "--save", "", "--appendonly", "no"] + extra, port: p, directory: directory)
        try s.waitUntilReady()
        return s
    }

    /// Waits (generously) until the server answers PING.
    public func waitUntilReady(timeoutSeconds: Double = 20) throws {
        try Wait.until(timeoutSeconds: timeoutSeconds, "server on port \(port) answers PING\n\(logText)") {
            guard process.isRunning, let c = try? RedisConnection(port: port) else { return false }
            c.timeoutSeconds = 2
            return (try? c.call("PING"))?.text == "PONG" || (try? c.call("PING"))?.isError == true
        }
    }

    public func connect() throws -> RedisConnection { try RedisConnection(port: port) }

    public var logText: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    public func kill(signal: Int32 = SIGKILL) {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, signal)
            process.waitUntilExit()
        }
    }

    /// SIGTERM and wait for a clean exit; returns the exit status.
    public func terminate() -> Int32 {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }
}

public enum Wait {
    /// Polls `condition` every 20 ms until it holds or the deadline passes (then throws with
    /// `what`). Tests wait for conditions; they never sleep a fixed time and hope.
    public static func until(timeoutSeconds: Double = 20, _ what: @autoclosure () -> String, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            if try condition() { return }
            usleep(20_000)
        }
        throw RedisConnection.Failure(description: "timed out after \(timeoutSeconds)s waiting until \(what())")
    }

    /// As `until`, for a condition read over connections a server may cut on purpose (a
    /// sentinel's CLIENT KILL after reconfiguring a node): a cut counts as "not yet" and the next
    /// try opens a new connection; any other error still fails at once.
    public static func untilSurvivingCuts(timeoutSeconds: Double = 20, _ what: @autoclosure () -> String, _ condition: () throws -> Bool) throws {
        try until(timeoutSeconds: timeoutSeconds, what()) {
            do { return try condition() } catch let f as RedisConnection.Failure where f.isConnectionCut { return false }
        }
    }
}

/// Runs a command-line tool and returns its output.
public enum Tool {
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        if let input {
            let inPipe = Pipe()
            p.standardInput = inPipe
            try p.run()
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try inPipe.fileHandleForWriting.close()
        } else {
            try p.run()
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
