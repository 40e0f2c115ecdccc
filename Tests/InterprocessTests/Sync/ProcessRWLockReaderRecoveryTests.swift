import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Item 14: readers alone recover a lock whose writer died (`withSharedLock(onOwnerDeath:)`, or
/// the same steps by hand); and a reader slot overwritten by a peer is a typed error, not a trap.
@Suite("ProcessRWLock reader recovery", .timeLimit(.minutes(5)))
struct ProcessRWLockReaderRecoveryTests {
    static func code(_ body: () throws -> Void) -> InterprocessError.Code? {
        do { try body() } catch let error as InterprocessError { return error.code } catch { return nil }
        return nil
    }

    @Test("a writer killed holding the lock, only readers left: exactly one repairs, all read")
    func readersRecoverWithoutWriters() throws {
        let name = TestSupport.uniqueName("rw-readers")
        defer { try? ProcessRWLock.remove(name) }
        let lock = try ProcessRWLock(create: name)
        let writer = try ProcessRWLockOwnerDeathTests.killWriterHolding(name)
        #expect(Self.code { _ = try lock.lockShared(until: .after(.seconds(5))) } == .ownerDied,
                "a plain reader is still told, rather than reading half-written state")

        let readers = try (0..<4).map { _ in try LockPeerProcess("rw-read-recover", name) }
        var repairs: [String] = []
        for reader in readers {
            var lines: [String] = []
            while let line = reader.nextLine(), line != "read" { lines.append(line) }
            #expect(try reader.waitForExit() == 0, "reader \(reader.pid) printed \(lines)")
            repairs += lines
        }
        #expect(repairs == ["repaired \(writer)"], "exactly one reader repaired, for the dead writer")
        let broken = lock.isNotRecoverable
        #expect(!broken)
        #expect(try lock.tryLockExclusive() == .acquired, "repaired and released: a plain acquisition")
        try lock.unlockExclusive()
    }

    @Test("the same by hand: catch ownerDied, take the exclusive side, repair, mark, release, read")
    func readerRecoversByHand() throws {
        let name = TestSupport.uniqueName("rw-byhand")
        defer { try? ProcessRWLock.remove(name) }
        let lock = try ProcessRWLock(create: name)
        let writer = try ProcessRWLockOwnerDeathTests.killWriterHolding(name)
        #expect(Self.code { _ = try lock.lockShared(until: .after(.seconds(5))) } == .ownerDied)
        let acquisition = try lock.lockExclusive(until: .after(.seconds(5)))
        guard case .previousOwnerDied(let dead) = acquisition else {
            Issue.record("expected previousOwnerDied, got \(String(describing: acquisition))")
            return
        }
        #expect(dead.pid == writer)
        try lock.markConsistent()
        try lock.unlockExclusive()
        #expect(try timingOut { () throws(InterprocessError) in try lock.lockShared(until: .after(.seconds(5))) } != nil)
        try lock.unlockShared()
    }

    @Test("a reader whose repair throws leaves the lock not recoverable and does not read")
    func readerRepairFails() throws {
        let name = TestSupport.uniqueName("rw-badrepair")
        defer { try? ProcessRWLock.remove(name) }
        let lock = try ProcessRWLock(create: name)
        _ = try ProcessRWLockOwnerDeathTests.killWriterHolding(name)
        var read = false
        #expect(throws: InterprocessError.self) {
            try lock.withSharedLock(onOwnerDeath: { (_) throws(InterprocessError) in
                throw InterprocessError(.invalidArgument, operation: "repair", reason: "cannot repair")
            }) { read = true }
        }
        #expect(!read)
        let broken = lock.isNotRecoverable
        #expect(broken)
        #expect(Self.code { try lock.withSharedLock(onOwnerDeath: { _ in }) {} } == .notRecoverable)
    }

    @Test("a reader slot overwritten by a peer: unlockShared throws corrupt or invalidArgument, never traps")
    func overwrittenSlot() async throws {
        // In a child process: before the fix, a precondition killed the process here.
        await #expect(processExitsWith: .success) {
            let memory = UnsafeMutableRawPointer.allocate(byteCount: ProcessRWLock.size, alignment: ProcessRWLock.alignment)
            defer { memory.deallocate() }
            try ProcessRWLock.initialize(at: memory)
            let lock = try ProcessRWLock(placedAt: memory)
            let tag = RWLockOwnerTag.slot(CachedProcessIdentity.current)
            let slot = lock.words.slot(ProcessRWLock.firstSlot(for: tag))
            func outcome(_ body: () throws -> Void) -> InterprocessError.Code? {
                do { try body() } catch let error as InterprocessError { return error.code } catch { return nil }
                return nil
            }
            // This process's tag with a count of 0: impossible, written by someone else.
            guard try lock.tryLockShared() else { exit(10) }
            slot.pointee.store(tag, ordering: .sequentiallyConsistent)
            guard outcome({ try lock.unlockShared() }) == .corrupt else { exit(11) }
            // Another process's tag: this process holds nothing any more.
            slot.pointee.store(tag ^ (1 << 40) | 1, ordering: .sequentiallyConsistent)
            guard outcome({ try lock.unlockShared() }) == .invalidArgument else { exit(12) }
            // The lock still works once the slot is cleared.
            slot.pointee.store(0, ordering: .sequentiallyConsistent)
            guard try lock.tryLockShared(), outcome({ try lock.unlockShared() }) == nil else { exit(13) }
            exit(0)
        }
    }
}
