import Glibc

// Signals are blocked before anything else runs, so no thread starts with them unblocked.
exit(DemoMain.run(Array(CommandLine.arguments.dropFirst())))
