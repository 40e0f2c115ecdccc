// swift-tools-version:6.1
// A nested package, so that the root package's `swift build` / `swift test` (and CI) never build
// the benchmark dependencies. Run from this folder:
//   swift package --disable-sandbox benchmark
import PackageDescription

let package = Package(
    name: "InterprocessBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, because a path dependency is otherwise known by its folder name (which differs per clone);
        // traits: [] leaves out the command-line tool's dependencies, as for any user of the library.
        .package(name: "swift-interprocess", path: "..", traits: []),
        // MallocInterposer: counts every malloc/free in the measured region (mallocCountTotal).
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "InterprocessBenchmarks",
            dependencies: [
                .product(name: "Interprocess", package: "swift-interprocess"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/InterprocessBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
    ]
)
