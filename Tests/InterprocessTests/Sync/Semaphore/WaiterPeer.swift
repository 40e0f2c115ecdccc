import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A test peer started in the background (a waiter, a producer), for the semaphore and event
/// tests: the test polls whether it still runs, waits for it with a deadline, or kills it.
/// Its output is one short line, read after it exits (it fits in the pipe).
final class WaiterPeer {
    let process: Process
    private let output: Pipe

    /// Starts `interprocess-test-peer` with `arguments`.
    init(_ arguments: String...) throws {
        process = Process()
        process.executableURL = try TestSupport.executable("interprocess-test-peer")
        process.arguments = arguments
        output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Whether the peer still runs.
    var isRunning: Bool { process.isRunning }

    /// Kills the peer with SIGKILL (wherever it is: asleep on a futex, spinning) and reaps it.
    func killAndReap() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Waits (at most `timeout` seconds) for the peer to exit and returns what it printed,
    /// trimmed; throws if it did not exit in time (then kills it) or exited with a failure.
    func finish(timeout: TimeInterval = 60) throws -> String {
        guard TestSupport.eventually(timeout: timeout, { !process.isRunning }) else {
            killAndReap()
            throw TestFailure("peer \(process.arguments ?? []) did not exit within \(timeout) s")
        }
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw TestFailure("peer \(process.arguments ?? []) failed with status \(process.terminationStatus): \(text)")
        }
        return text
    }
}

/// Zeroed, 64-byte aligned memory in this process for placed-primitive tests.
enum PlacedBuffer {
    /// Calls `body` with 256 zeroed bytes aligned to 64, freed afterwards.
    static func with<Result>(_ body: (UnsafeMutableRawPointer) throws -> Result) rethrows -> Result {
        let base = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 64)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: 256)
        defer { base.deallocate() }
        return try body(base)
    }

    /// The little-endian `UInt32` at `offset`.
    static func word(_ base: UnsafeMutableRawPointer, _ offset: Int) -> UInt32 {
        UInt32(littleEndian: base.load(fromByteOffset: offset, as: UInt32.self))
    }
}

/// The code of the ``InterprocessError`` `body` throws; nil if it throws nothing (or another error).
func errorCode(of body: () throws -> Void) -> InterprocessError.Code? {
    do {
        try body()
        return nil
    } catch let error as InterprocessError {
        return error.code
    } catch {
        return nil
    }
}
