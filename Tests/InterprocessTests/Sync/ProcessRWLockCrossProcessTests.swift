import Foundation
import Interprocess
import Synchronization
import Testing

/// ProcessRWLock across real processes: exclusion with concurrent readers, writer
/// non-starvation, and dead readers.
@Suite("ProcessRWLock across processes", .timeLimit(.minutes(5)))
struct ProcessRWLockCrossProcessTests {
    /// Offsets of the counter segment the peer's `rw-writer` and `rw-reader` use.
    enum Counters {
        static let a = 4352 + 128 * 1
        static let b = 4352 + 128 * 2
        static let stop = 4352 + 128 * 3
        static let size = 8192
    }

    /// A raw segment with a lock placed at 0 and zeroed counters.
    static func counterSegment(_ name: String) throws -> SharedMemory {
        let memory = try SharedMemory(create: name, size: Counters.size)
        try ProcessRWLock.initialize(at: memory.region.baseAddress)
        return memory
    }

    static func setStop(_ memory: borrowing SharedMemory) {
        let stop = UnsafeMutablePointer<Atomic<UInt32>>(OpaquePointer(memory.region.baseAddress + Counters.stop))
        stop.pointee.store(1, ordering: .releasing)
    }

    /// "checks N violations V" as (N, V).
    static func readerResult(_ lines: [String]) throws -> (checks: Int, violations: Int) {
        guard let last = lines.last, case let words = last.split(separator: " "), words.count == 4,
              words[0] == "checks", words[2] == "violations", let checks = Int(words[1]), let violations = Int(words[3])
        else { throw TestFailure("a reader printed \(lines)") }
        return (checks, violations)
    }

    @Test("3 writer processes × 10 000 increments end at 30 000, while 2 reader processes never see a ≠ b")
    func writersAndReaders() throws {
        let name = TestSupport.uniqueName("rw-count")
        defer { try? SharedMemory.remove(name) }
        let memory = try Self.counterSegment(name)
        let readers = try (0..<2).map { _ in try LockPeerProcess("rw-reader", name, "20") }
        for reader in readers { try reader.expectLine("ready") }
        let writers = try (0..<3).map { _ in try LockPeerProcess("rw-writer", name, "10000") }
        for writer in writers {
            #expect(try writer.remainingOutput(timeout: 90) == ["done 10000"])
        }
        Self.setStop(memory)
        for reader in readers {
            let lines = try reader.remainingOutput(timeout: 30)
            let result = try Self.readerResult(lines.filter { $0 != "ready" })
            #expect(result.violations == 0, "a reader saw a half-done update")
            #expect(result.checks > 0)
        }
        let lock = try ProcessRWLock(placedAt: memory.region.baseAddress)
        #expect(try timingOut { () throws(InterprocessError) in try lock.lockShared(until: .after(.seconds(10))) } != nil)
        #expect(memory.region.baseAddress.load(fromByteOffset: Counters.a, as: UInt64.self) == 30_000)
        #expect(memory.region.baseAddress.load(fromByteOffset: Counters.b, as: UInt64.self) == 30_000)
        try lock.unlockShared()
    }

    @Test("a writer gets in before its deadline while reader processes keep re-taking the shared side")
    func writerDoesNotStarve() throws {
        let name = TestSupport.uniqueName("rw-starve")
        defer { try? SharedMemory.remove(name) }
        let memory = try Self.counterSegment(name)
        let readers = try (0..<3).map { _ in try LockPeerProcess("rw-reader", name, "2000") }
        for reader in readers { try reader.expectLine("ready") }
        let lock = try ProcessRWLock(placedAt: memory.region.baseAddress)
        for _ in 0..<5 {
            let acquisition = try lock.lockExclusive(until: .after(.seconds(20)))
            #expect(acquisition == .acquired)
            try lock.unlockExclusive()
            usleep(20_000)
        }
        Self.setStop(memory)
        for reader in readers {
            let result = try Self.readerResult(try reader.remainingOutput(timeout: 30).filter { $0 != "ready" })
            #expect(result.violations == 0)
        }
    }

    @Test("a reader process killed holding the shared side does not wedge writers")
    func deadReaderDoesNotWedgeWriters() throws {
        let name = TestSupport.uniqueName("rw-deadreader")
        defer { try? ProcessRWLock.remove(name) }
        let lock = try ProcessRWLock(create: name)
        for _ in 0..<3 {
            let peer = try LockPeerProcess("rw-hold", name, "shared", "forever")
            try peer.expectLine("locked")
            #expect(try lock.tryLockExclusive() == nil, "a live reader keeps the writer out")
            #expect(try lock.tryLockShared(), "readers share")
            try lock.unlockShared()
            try peer.killAndReap()
            #expect(try lock.lockExclusive(until: .after(.seconds(10))) == .acquired, "nobody died holding the exclusive side")
            try lock.unlockExclusive()
        }
        // A dead reader found by a try form is reclaimed too.
        let peer = try LockPeerProcess("rw-hold", name, "shared", "forever")
        try peer.expectLine("locked")
        try peer.killAndReap()
        #expect(try lock.tryLockExclusive() == .acquired)
        try lock.unlockExclusive()
    }

    @Test("shared holds in two processes coexist; a peer's exclusive waits for this process's reader")
    func sharedAcrossProcesses() throws {
        let name = TestSupport.uniqueName("rw-xshare")
        defer { try? ProcessRWLock.remove(name) }
        let lock = try ProcessRWLock(create: name)
        #expect(try timingOut { () throws(InterprocessError) in try lock.lockShared(until: .after(.seconds(10))) } != nil)
        let reader = try LockPeerProcess("rw-hold", name, "shared", "0")
        try reader.expectLine("locked")
        try reader.expectLine("unlocked")
        let writer = try LockPeerProcess("rw-hold", name, "exclusive", "0")
        #expect(TestSupport.eventually { lock.exclusiveOwner?.pid == writer.pid }, "the writer announced itself")
        #expect(writer.nextLine(timeout: 0.2) == nil, "the writer waits for the reader inside")
        try lock.unlockShared()
        try writer.expectLine("locked acquired")
        try writer.expectLine("unlocked")
    }
}
