import Foundation
import Synchronization
import Testing
import Interprocess

#if canImport(Glibc)
import Glibc
#endif

/// Helpers every test file uses: unique names, the binaries built next to the tests, and
/// running them as real processes.
enum TestSupport {
    private static let counter = Atomic<Int>(0)

    /// A segment name no other test (in this run or a concurrent one) uses.
    static func uniqueName(_ label: String = "t") -> String {
        let serial = counter.add(1, ordering: .relaxed).newValue
        return "ipctest-\(getpid())-\(serial)-\(label)"
    }

    /// The directory holding the test bundle and the package's executables.
    static let productsDirectory: URL = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent()
    }()

    /// The repository root (for docs/ and scripts/).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The path of a package executable (`interprocess`, `interprocess-test-peer`).
    static func executable(_ name: String) throws -> URL {
        let url = productsDirectory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw TestFailure("\(name) was not built next to the tests at \(url.path); run `swift build` first")
        }
        return url
    }

    /// What a finished process did.
    struct Outcome: CustomStringConvertible {
        var status: Int32
        var signal: Int32?
        var standardOutput: String
        var standardError: String
        var description: String {
            "exit \(status)\(signal.map { " (signal \($0))" } ?? ""), stdout: \(standardOutput), stderr: \(standardError)"
        }
    }

    /// Runs `executable` with `arguments` to completion and collects its output.
    /// Killed after `timeout` so that a hung peer fails the test instead of hanging it.
    static func run(_ executable: URL, _ arguments: [String], timeout: TimeInterval = 60) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let killer = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        // Read before waiting: a full pipe would block the child forever.
        let errorReader = DispatchQueue(label: "stderr")
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        errorReader.async(group: group) { errData = error.fileHandleForReading.readDataToEndOfFile() }
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        killer.cancel()
        return Outcome(
            status: process.terminationStatus,
            signal: process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil,
            standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self))
    }

    /// Runs the test peer (`interprocess-test-peer`) with `arguments`.
    static func peer(_ arguments: String...) throws -> Outcome {
        try run(executable("interprocess-test-peer"), arguments)
    }

    /// Runs the CLI (`interprocess`) with `arguments`.
    static func cli(_ arguments: String...) throws -> Outcome {
        try run(executable("interprocess"), arguments)
    }

    /// Starts a long-running process (a peer that waits, holds a mapping, or hangs) and returns
    /// it; the caller kills or waits for it.
    static func start(_ executable: URL, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Polls `condition` every 5 ms until it holds or `timeout` passes; returns whether it held.
    static func eventually(timeout: TimeInterval = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(5_000)
        }
        return try condition()
    }
}

/// A test precondition that failed, with a message.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What `body` returns, or nil when it threw `timedOut` (other errors propagate): for tests that
/// check whether a deadline form gave up.
func timingOut<Result>(_ body: () throws(InterprocessError) -> Result) throws(InterprocessError) -> Result? {
    do {
        return try body()
    } catch where error.code == .timedOut {
        return nil
    }
}
