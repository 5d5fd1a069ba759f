// swift-tools-version:6.0
// No package dependencies by design: only the toolchain's own modules and one C target that
// includes system headers (epoll, eventfd, signalfd) that Glibc's Swift module does not expose.
import PackageDescription

let package = Package(
    name: "sentinel",
    products: [
        .executable(name: "sentinel", targets: ["sentinel"]),
        .executable(name: "miniredis", targets: ["miniredis"]),
        .library(name: "SentinelCore", targets: ["SentinelCore"]),
    ],
    targets: [
        .target(name: "CSystem"),
        .target(name: "SentinelCore", dependencies: ["CSystem"], linkerSettings: [.linkedLibrary("m")]),
        .executableTarget(
            name: "miniredis", dependencies: ["SentinelCore", "CSystem"],
            // Release builds skip the runtime exclusivity checks: on the request path they were
            // ~19% of the instructions (callgrind, pipelined SET). Debug builds, which every test
            // runs, keep them, so an overlapping access is still caught by the tests.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .executableTarget(name: "sentinel", dependencies: ["SentinelCore", "CSystem"]),
        // The failover demo that demo/failover builds and runs (see demo/README.md).
        .executableTarget(name: "failover-demo", dependencies: ["SentinelCore", "CSystem"], path: "demo/Sources"),
        .testTarget(name: "SentinelCoreTests", dependencies: ["SentinelCore"]),
        .testTarget(name: "MiniredisTests", dependencies: ["miniredis", "SentinelCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["SentinelCore"]),
    ],
    swiftLanguageModes: [.v6]
)
