// swift-tools-version:6.0
// No package dependencies by design: only the toolchain's own modules and three small C targets
// on system headers alone: CSystem (epoll, eventfd, signalfd, which Glibc's Swift module does not
// expose), CMallocCount (miniredis's count of the bytes it holds, for maxmemory) and CTLS (the
// system's OpenSSL 3, loaded at run time with dlopen, for TLS).
//
// The targets enforce the layering (docs/architecture.md): the pure ones import nothing that does
// I/O, and `SentinelCore`, the sentinel's state machine, depends on pure modules only.
//   RESP          the protocol codec, glob matching, number parsing          (imports nothing)
//   Config        redis.conf text: parsing, line-preserving rewrite, levels  (RESP)
//   RDB           the one RDB codec                                          (Glibc for file I/O)
//   Runtime       event loop, sockets, TLS, signals, subprocesses, files,
//                 logger                                                     (the only OS layer)
//   ACL           users, rules, command catalog, ACL LOG, aclfile text       (RESP)
//   SentinelCore  the sentinel as a pure state machine                       (RESP, Config)
//   ServerKit     the client connection layer both servers share: accept, input/output
//                 buffers, pub/sub, HELLO, AUTH, CLIENT                      (RESP, Runtime)
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
        // TLS: OpenSSL 3's libssl, loaded at run time with dlopen (no headers or library needed
        // to build; Sources/CTLS/include/CTLS.h declares the few calls used).
        .target(name: "CTLS", linkerSettings: [.linkedLibrary("dl")]),
        // miniredis's used_memory: the malloc family counted (Sources/CMallocCount/MallocCount.c).
        .target(name: "CMallocCount"),
        .target(name: "RESP"),
        .target(name: "Config", dependencies: ["RESP"]),
        // Users, rules, the command catalog they apply to, ACL LOG and the aclfile: pure.
        .target(name: "ACL", dependencies: ["RESP"]),
        .target(name: "RDB", dependencies: ["RESP"]),
        .target(name: "Runtime", dependencies: ["CSystem", "CTLS", "Config"], linkerSettings: [.linkedLibrary("m")]),
        .target(name: "SentinelCore", dependencies: ["RESP", "Config"]),
        .target(name: "ServerKit", dependencies: ["RESP", "Runtime", "ACL"]),
        .executableTarget(
            name: "miniredis", dependencies: ["RESP", "Config", "RDB", "Runtime", "ServerKit", "ACL", "CSystem", "CMallocCount"],
            // Release builds skip the runtime exclusivity checks: on the request path they were
            // ~19% of the instructions (callgrind, pipelined SET). Debug builds, which every test
            // runs, keep them, so an overlapping access is still caught by the tests.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .executableTarget(name: "sentinel", dependencies: ["SentinelCore", "RESP", "Config", "Runtime", "ServerKit", "ACL", "CSystem"]),
        // The failover demo that demo/failover builds and runs (see demo/README.md).
        .executableTarget(name: "failover-demo", dependencies: ["RESP", "Runtime", "CSystem"], path: "demo/Sources"),
        // SentinelCore only for SplitMix64, the seeded generator behind the random splits.
        // What the test targets share: process launchers for our binaries and the real Redis
        // tools, a RESP client, waits with deadlines, fake nodes, crash-test helpers.
        .target(name: "TestSupport", dependencies: ["RESP", "Runtime", "SentinelCore"], path: "Tests/TestSupport"),
        .testTarget(name: "RESPTests", dependencies: ["RESP", "SentinelCore"]),
        // SentinelCore only for SplitMix64, the seeded generator behind the random inputs.
        .testTarget(name: "RDBTests", dependencies: ["RDB", "RESP", "SentinelCore", "TestSupport"]),
        // Golden/ holds the recorded traces, read from the source tree (GoldenTraces.swift).
        .testTarget(name: "SentinelCoreTests", dependencies: ["SentinelCore", "RESP", "Config", "RDB", "Runtime"], exclude: ["Golden"]),
        .testTarget(name: "ACLTests", dependencies: ["ACL", "RESP"]),
        .testTarget(name: "ServerKitTests", dependencies: ["ServerKit", "ACL", "RESP", "Runtime"]),
        .testTarget(name: "MiniredisTests", dependencies: ["miniredis", "RESP", "Config", "RDB", "Runtime"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "RESP", "Config", "RDB", "Runtime", "SentinelCore"]),
    ],
    swiftLanguageModes: [.v6]
)
