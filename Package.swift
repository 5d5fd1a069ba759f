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
        .executableTarget(name: "miniredis", dependencies: ["SentinelCore", "CSystem"]),
        .executableTarget(name: "sentinel", dependencies: ["SentinelCore", "CSystem"]),
        // The failover demo that demo/failover builds and runs (see demo/README.md).
        .executableTarget(name: "failover-demo", dependencies: ["SentinelCore", "CSystem"], path: "demo/Sources"),
        .testTarget(name: "SentinelCoreTests", dependencies: ["SentinelCore"]),
        .testTarget(name: "MiniredisTests", dependencies: ["miniredis", "SentinelCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["SentinelCore"]),
    ],
    swiftLanguageModes: [.v6]
)
