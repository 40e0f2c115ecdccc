import Foundation
@testable import Interprocess
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MutexTests {
    /// Whose lock is it: a dropped handle releases only what it took (issue 7, item 10), unlock
    /// by a non-owner changes nothing, and a thread that exits holding the lock is noticed.
    @Suite("ProcessMutex ownership", .timeLimit(.minutes(5)))
    struct MutexOwnershipTests {
        @Test("dropping a second handle does not release a lock taken through the first")
        func droppedSecondHandleKeepsLock() throws {
            let name = TestSupport.uniqueName("mx-second")
            defer { try? ProcessMutex.remove(name) }
            let first = try ProcessMutex(create: name)
            _ = try first.lock()
            do { _ = try ProcessMutex(open: name) }  // a temporary handle, dropped at once
            #expect(first.recordedOwner?.pid == getpid(), "still recorded as held")
            let other = try TestSupport.peer("mutex-lock", "--named", name, "200")
            #expect(other.standardOutput == "timed-out\n", "another process must not get the lock: \(other)")
            try first.unlock()
            let free = try TestSupport.peer("mutex-lock", "--named", name, "10000")
            #expect(free.standardOutput == "acquired\n", "\(free)")
        }

        @Test("dropping the handle that took the lock releases every level of it")
        func droppedFirstHandleReleases() throws {
            let name = TestSupport.uniqueName("mx-first")
            defer { try? ProcessMutex.remove(name) }
            let keeper = try ProcessMutex(create: name, recursive: true)
            do {
                let taker = try ProcessMutex(open: name)
                _ = try taker.lock()
                _ = try keeper.lock()  // a second level through another handle
            }
            #expect(keeper.recordedOwner == nil, "released with the handle that took it")
            #expect(interprocessError { try keeper.unlock() }?.code == .invalidArgument)
            #expect(try keeper.tryLock() == .acquired)
            try keeper.unlock()
        }

        @Test("unlock by a thread that does not hold the lock throws and changes nothing")
        func unlockByNonOwner() throws {
            let fixture = try MutexFixture("mx-nonowner", recursive: true)
            let mutex = try fixture.mutex()
            _ = try mutex.lock()
            _ = try mutex.lock()
            let before = mutex.ownerRecord
            let word = mutex.word.pointee.load(ordering: .relaxed)
            // Handed over through a lock: "finished" is seen by polling, which orders nothing.
            let code = ResultBox()
            nonisolated(unsafe) let base = fixture.base
            let thread = Thread {
                let other = try? ProcessMutex(placedAt: base)
                let result = interprocessError { try other?.unlock() }?.code
                code.value.withLock { $0 = result }
            }
            try TestSupport.runToCompletion(thread)
            #expect(code.value.withLock { $0 } == .invalidArgument)
            #expect(mutex.ownerRecord == before && mutex.word.pointee.load(ordering: .relaxed) == word, "state untouched")
            let cross = try TestSupport.peer("mutex-unlock", fixture.name)
            #expect(cross.standardOutput == "error invalidArgument\n", "\(cross)")
            #expect(mutex.ownerRecord == before && mutex.word.pointee.load(ordering: .relaxed) == word, "state untouched")
            try mutex.unlock()
            try mutex.unlock()
            #expect(mutex.recordedOwner == nil)
        }

        @Test("a thread that exits holding the lock, in a process that lives on, is reported dead")
        func threadExitWhileHolding() throws {
            let fixture = try MutexFixture("mx-thread-exit")
            let mutex = try fixture.mutex()
            nonisolated(unsafe) let base = fixture.base
            let thread = Thread {
                let holder = try? ProcessMutex(placedAt: base)
                _ = try? holder?.lock()
            }
            try TestSupport.runToCompletion(thread)
            #expect(mutex.recordedOwner?.pid == getpid())
            let acquisition = try mutex.lock(timeout: .seconds(10))
            guard case .previousOwnerDied(let dead) = acquisition else {
                Issue.record("expected previousOwnerDied, got \(acquisition)")
                return
            }
            #expect(dead.pid == getpid() && dead.startTime == ProcessIdentity.current.startTime)
            try mutex.markConsistent()
            try mutex.unlock()
            #expect(try mutex.tryLock() == .acquired)
            try mutex.unlock()
        }
    }
}

/// A value a test thread hands back to the test.
final class ResultBox: Sendable {
    let value = Mutex<InterprocessError.Code?>(nil)
}

extension TestSupport {
    /// Starts `thread` and waits (up to 10 s) until it has finished (its kernel thread may linger a moment).
    static func runToCompletion(_ thread: Thread) throws {
        thread.start()
        guard eventually(timeout: 10, { thread.isFinished }) else { throw TestFailure("the thread did not finish") }
    }
}
