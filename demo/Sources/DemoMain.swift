import Foundation
import Glibc

/// Runs the demo and always tears down: every exit path (success, a failed step, Ctrl-C,
/// SIGTERM, SIGHUP) goes through the one `defer` that stops and reaps every child.
enum DemoMain {
    static func run(_ args: [String]) -> Int32 {
        let signals: SignalInbox
        do { signals = try SignalInbox() } catch { return fail("\(error)") }
        let options: Options
        do {
            guard let o = try Options.parse(args) else { print(Options.usage); return 0 }
            options = o
        } catch {
            return fail("\(error)", status: 2)
        }
        let binDir = options.binDir ?? executableDirectory()
        let fleet: Fleet
        do { fleet = try Fleet(options: options, binDir: binDir) } catch { return fail("\(error)") }

        let term = Terminal(forcePlain: options.plain)
        let stage = Stage(fleet: fleet, term: term, signals: signals)
        let scenario = Scenario(stage: stage)
        term.line("working directory (configs and logs): \(fleet.directory)"
            + (options.keepDir ? " — kept afterwards (--keep)" : " — deleted at exit unless a step fails; --keep keeps it"))
        var status: Int32 = 0
        var keep = options.keepDir
        do {
            if options.manual {
                try Manual(stage: stage, scenario: scenario).run()
            } else {
                try runDemo(scenario)
                printSummary(scenario)
            }
        } catch let i as Interrupted {
            term.freeze()
            term.line("")
            term.line("Interrupted (signal \(i.signal)) while \(stage.phase): stopping everything")
            // Ctrl-C ends --manual by design; anything else was cut short.
            status = options.manual ? 0 : 128 + i.signal
        } catch where signals.pending() != nil {
            // A Ctrl-C on a terminal reaches the whole process group: a node that died of it
            // before we read our own signal is not a failure of the failover.
            term.freeze()
            term.line("")
            term.line("Interrupted while \(stage.phase): stopping everything")
            status = options.manual ? 0 : 130
        } catch {
            term.freeze()
            term.line("")
            term.line("FAILED while \(stage.phase): \(error)")
            keep = true
            status = 1
        }
        // Every path above ends here: errors and signals are caught, so the teardown runs.
        term.freeze()
        fleet.stopAll()
        let left = fleet.all.filter(\.process.isRunning)
        if left.isEmpty {
            term.line("✔ stopped all \(fleet.all.count) processes")
        } else {
            term.line("✘ still running: " + left.map { "\($0.name) pid \($0.process.pid)" }.joined(separator: ", "))
            status = status == 0 ? 1 : status
        }
        if keep { term.line("  configs and logs kept in \(fleet.directory)") } else { fleet.removeDirectory() }
        if status == 0 && !options.manual { term.line("RESULT: failover demo succeeded") }
        if status != 0 && status < 128 { term.line("RESULT: failover demo FAILED (exit status \(status))") }
        return status
    }

    static func runDemo(_ s: Scenario) throws {
        try s.startFleet()
        try s.writeKeys()
        _ = try s.askMaster()
        let newIndex = try s.killAndFailOver()
        try s.checkSurvivors(newIndex: newIndex)
        try s.restartOldMaster(newIndex: newIndex)
        s.stage.phase = "done"
        try s.stage.tick()
    }

    static func printSummary(_ s: Scenario) {
        let t = s.times
        let say = s.stage.say
        func row(_ label: String, _ ms: Int64?) {
            say("  " + label.padded(50) + (ms.map { Clock.seconds($0) + " s" } ?? "n/a"))
        }
        s.stage.term.freeze()
        if let k = s.stage.killMs { s.stage.printTimeline(since: k, restartMs: t.restartMs) }
        say("")
        say("Measured times")
        row("kill → +odown (first sentinel)", t.odown)
        row("kill → all \(s.fleet.sentinels.count) sentinels report the new master", t.allReport)
        row("kill → other replica(s) linked to the new master", t.replicasLinked)
        row("kill → first write accepted by the new master", t.writesResumed)
        row("restart → old master linked as a replica", t.rejoined)
    }

    /// miniredis and sentinel are built next to this program.
    static func executableDirectory() -> String {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        return (exe as NSString).deletingLastPathComponent
    }

    static func fail(_ message: String, status: Int32 = 1) -> Int32 {
        FileHandle.standardError.write(Data("failover-demo: \(message)\n".utf8))
        return status
    }
}
