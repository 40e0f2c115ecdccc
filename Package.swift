// swift-tools-version:6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "swift-interprocess",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Interprocess", targets: ["Interprocess"]),
        .executable(name: "interprocess", targets: ["InterprocessCLI"]),
        .executable(name: "interprocess-test-peer", targets: ["InterprocessTestPeer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
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
                "CInterprocessShim",
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
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
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
        .testTarget(
            name: "InterprocessTests",
            dependencies: [
                "Interprocess",
                "CInterprocessShim",
                // Listed so that `swift test` builds the binaries the tests spawn next to the test bundle.
                "InterprocessCLI",
                "InterprocessTestPeer",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
