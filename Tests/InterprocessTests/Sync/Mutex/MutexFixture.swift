import Dispatch
import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A raw segment laid out as the test peer's `mutex-*` and `cond-*` commands expect: a placed
/// mutex at body offset 0, a placed condition at 128, and plain UInt64 fields after them.
/// Removes the segment when it goes away.
struct MutexFixture: ~Copyable {
    static let conditionOffset = 128
    static let counterOffset = 256
    static let dirtyOffset = 264
    static let turnOffset = 272

    let name: String
    let segment: Segment

    init(_ label: String, recursive: Bool = false) throws {
        let name = TestSupport.uniqueName(label)
        self.name = name
        segment = try Segment(create: name, bodySize: 512) { (body) throws(InterprocessError) in
            try ProcessMutex.initialize(at: body.baseAddress!, recursive: recursive)
            try ProcessCondition.initialize(at: body.baseAddress! + MutexFixture.conditionOffset)
        }
    }

    deinit { try? Segment.remove(name) }

    var base: UnsafeMutableRawPointer { segment.body.baseAddress! }

    func mutex() throws -> ProcessMutex { try ProcessMutex(placedAt: base) }
    func condition() throws -> ProcessCondition { try ProcessCondition(placedAt: base + MutexFixture.conditionOffset) }

    var counter: UnsafeMutablePointer<UInt64> { field(MutexFixture.counterOffset) }
    var dirty: UnsafeMutablePointer<UInt64> { field(MutexFixture.dirtyOffset) }
    var turn: UnsafeMutablePointer<UInt64> { field(MutexFixture.turnOffset) }

    /// The owner pid the mutex records (0 when free).
    var ownerPID: Int32 { base.load(fromByteOffset: ProcessMutex.Field.ownerPID.offset, as: Int32.self) }
    /// How many waiters the condition counts.
    var conditionWaiters: UInt32 {
        base.load(fromByteOffset: MutexFixture.conditionOffset + ProcessCondition.Field.waiters.offset, as: UInt32.self)
    }

    /// The UInt64 at `offset` of the body.
    func field(_ offset: Int) -> UnsafeMutablePointer<UInt64> {
        (base + offset).assumingMemoryBound(to: UInt64.self)
    }
}

/// Running test peers for the mutex tests.
enum MutexPeers {
    /// Runs one peer per argument list, all at once, and returns their outcomes in order. Each
    /// peer is killed after 60 s (by ``TestSupport/run(_:_:timeout:)``), so this always returns.
    static func runConcurrently(_ commands: [[String]]) throws -> [TestSupport.Outcome] {
        let executable = try TestSupport.executable("interprocess-test-peer")
        let buffer = UnsafeMutableBufferPointer<Result<TestSupport.Outcome, any Error>?>.allocate(capacity: commands.count)
        buffer.initialize(repeating: nil)
        defer { buffer.deallocate() }
        nonisolated(unsafe) let results = buffer
        let group = DispatchGroup()
        for (index, arguments) in commands.enumerated() {
            DispatchQueue.global().async(group: group) {
                results[index] = Result { try TestSupport.run(executable, arguments) }
            }
        }
        group.wait()
        return try buffer.map { try $0!.get() }
    }

    /// Starts a long-running peer.
    static func start(_ arguments: String...) throws -> Process {
        try TestSupport.start(TestSupport.executable("interprocess-test-peer"), arguments)
    }

    /// Waits (up to `timeout`) for `process` to exit; kills it if it does not. Returns whether it
    /// exited by itself.
    @discardableResult
    static func finish(_ process: Process, timeout: TimeInterval = 30) -> Bool {
        let exited = TestSupport.eventually(timeout: timeout) { !process.isRunning }
        if !exited { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return exited
    }

    /// Runs `mutex-die` on the fixture's segment and returns the pid the peer printed before it
    /// killed itself holding the lock.
    static func dieHoldingLock(_ fixture: borrowing MutexFixture) throws -> Int32 {
        let outcome = try TestSupport.peer("mutex-die", fixture.name)
        try #require(outcome.signal == SIGKILL, "mutex-die should end by SIGKILL: \(outcome)")
        let line = outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        guard line.hasPrefix("pid "), let pid = Int32(line.dropFirst(4)) else {
            throw TestFailure("mutex-die printed no pid: \(outcome)")
        }
        return pid
    }

    /// A `CLOCK_MONOTONIC` time `delay` from now, in nanoseconds, for peers to start together.
    static func startTime(after delay: Duration) -> String {
        String(Deadline.after(delay).nanoseconds)
    }
}

/// The error `body` throws, if it is an ``InterprocessError``.
func interprocessError(_ body: () throws -> Void) -> InterprocessError? {
    do {
        try body()
        return nil
    } catch {
        return error as? InterprocessError
    }
}
