// swift-tools-version:6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// Linux only (futex, memfd, /proc, OFD locks). Every library source file is wrapped in
// `#if os(Linux)` (checked by .ci/check-linux-guard), so on other platforms `Interprocess` builds
// as an empty module instead of breaking the build of a cross-platform package that depends on it.
// No Apple platform minimum is declared: it would only reject dependents whose own is lower.
let package = Package(
    name: "swift-interprocess",
    products: [
        .library(name: "Interprocess", targets: ["Interprocess"]),
        .executable(name: "interprocess", targets: ["InterprocessCLI"]),
        .executable(name: "interprocess-test-peer", targets: ["InterprocessTestPeer"]),
    ],
    // The command-line tool's dependencies (argument parser, histogram) are used only under this
    // default trait. A package that wants just the library depends on us with `traits: []` and
    // then resolves and fetches swift-system alone (SwiftPM prunes dependencies that no target
    // uses under the enabled traits). The tool, the test peer and the tests build here, with the
    // default trait on, so `swift run interprocess` and `swift test` need no flag.
    traits: [
        .trait(name: "CommandLineTool", description: "Builds the `interprocess` tool's dependencies."),
        .default(enabledTraits: ["CommandLineTool"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        // `swift package generate-documentation` (.ci/check-docs). No target uses it, so packages
        // that depend on this one never resolve it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // What Swift cannot call directly: variadic syscall(2), CMSG macros, wait-status macros.
        .target(name: "CInterprocessShim"),
        // The C side of `interprocess bench`: the spin floor, the raw futex handoff, the plain
        // fixed-slot ring, and a cheap clock (rdtsc) that inlines into the Swift loops.
        .target(name: "CInterprocessBench"),
        .target(
            name: "Interprocess",
            dependencies: [
                // Only Linux builds the shim; elsewhere the module is empty (see the note above).
                .target(name: "CInterprocessShim", condition: .when(platforms: [.linux])),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "InterprocessCLI",
            dependencies: [
                "Interprocess",
                "CInterprocessShim",
                "CInterprocessBench",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ArgumentParser", package: "swift-argument-parser", condition: .when(traits: ["CommandLineTool"])),
                .product(name: "Histogram", package: "hdrhistogram-swift", condition: .when(traits: ["CommandLineTool"])),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "InterprocessTestPeer",
            dependencies: [
                "Interprocess",
                "CInterprocessShim",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strictSettings
        ),
        // Test-only: libsharedmemory's C++ streams reimplemented in C (LegacyStream's other side).
        .executableTarget(name: "LegacySharedMemoryPeer"),
        // Test bundle only: how many tests swift-testing runs at once (see TestEnvironment.c).
        .target(name: "CTestEnvironment"),
        .testTarget(
            name: "InterprocessTests",
            dependencies: [
                "Interprocess",
                "CInterprocessShim",
                "CTestEnvironment",
                // Listed so that `swift test` builds the binaries the tests spawn next to the test bundle.
                "InterprocessCLI",
                "InterprocessTestPeer",
                "LegacySharedMemoryPeer",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
