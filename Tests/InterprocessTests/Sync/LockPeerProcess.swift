import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A test peer that keeps running while the test works: the test reads its output line by line
/// (with a deadline), kills it, and reaps it. For "the peer holds the lock now" handshakes.
final class LockPeerProcess {
    let process: Process
    private let output: Pipe
    private var buffered: [UInt8] = []

    /// Starts `interprocess-test-peer` with `arguments`.
    convenience init(_ arguments: String...) throws {
        try self.init(executable: TestSupport.executable("interprocess-test-peer"), arguments: arguments)
    }

    /// Starts `executable` with `arguments` (e.g. `unshare` running the test peer).
    init(executable: URL, arguments: [String]) throws {
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    var pid: Int32 { process.processIdentifier }

    /// The next line the peer prints, or nil if none came within `timeout` seconds (or it exited).
    func nextLine(timeout: TimeInterval = 20) -> String? {
        let descriptor = output.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return nil }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining * 1000, 1000)) + 1)
            if ready <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(descriptor, &chunk, chunk.count)
            if count <= 0 { return nil }
            buffered += chunk[..<count]
        }
    }

    /// Waits for the line `expected`; fails the test with what came instead.
    func expectLine(_ expected: String, timeout: TimeInterval = 20, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let line = nextLine(timeout: timeout)
        guard line == expected else {
            throw TestFailure("peer \(process.arguments ?? []) printed \(line.map { "'\($0)'" } ?? "nothing") instead of '\(expected)'")
        }
    }

    /// Kills the peer with SIGKILL and waits (at most 20 s) until it is reaped.
    func killAndReap() throws {
        kill(pid, SIGKILL)
        try waitForExit()
    }

    /// Waits (at most `timeout` seconds) for the peer to exit; returns its status.
    @discardableResult
    func waitForExit(timeout: TimeInterval = 20) throws -> Int32 {
        let exited = TestSupport.eventually(timeout: timeout) { !process.isRunning }
        guard exited else {
            kill(pid, SIGKILL)
            throw TestFailure("peer \(process.arguments ?? []) did not exit within \(timeout) s")
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Everything the peer prints until it exits (at most `timeout` seconds).
    func remainingOutput(timeout: TimeInterval = 60) throws -> [String] {
        var lines: [String] = []
        while let line = nextLine(timeout: timeout) { lines.append(line) }
        try waitForExit(timeout: 5)
        return lines
    }
}
