import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MutexTests {
    /// One holder at a time, across real processes; recursion counts.
    @Suite("ProcessMutex exclusion", .timeLimit(.minutes(5)))
    struct MutexExclusionTests {
        @Test("4 processes × 20 000 plain increments under the mutex end at exactly 80 000")
        func processesCountExactly() throws {
            let fixture = try MutexFixture("mx-count")
            let start = MutexPeers.startTime(after: .seconds(1))
            let outcomes = try MutexPeers.runConcurrently(
                Array(repeating: ["mutex-increment", fixture.name, "20000", start], count: 4))
            for outcome in outcomes {
                #expect(outcome.status == 0 && outcome.signal == nil, "\(outcome)")
                #expect(outcome.standardOutput == "done 20000\n", "\(outcome)")
            }
            #expect(fixture.counter.pointee == 80_000)
            #expect(fixture.ownerPID == 0, "nobody holds it at the end")
        }

        @Test("a recursive mutex locked twice stays held until unlocked twice")
        func recursiveNests() throws {
            let fixture = try MutexFixture("mx-rec", recursive: true)
            let mutex = try fixture.mutex()
            #expect(mutex.isRecursive == true)
            #expect(try mutex.lock() == .acquired)
            #expect(try mutex.lock() == .acquired)
            #expect(try mutex.tryLock() == .acquired, "the owner may take it a third time")
            try mutex.unlock()
            #expect(mutex.ownerRecord.depth == 2)
            try mutex.unlock()
            #expect(fixture.ownerPID == getpid(), "still held once")
            let whileHeld = try TestSupport.peer("mutex-lock", fixture.name, "200")
            #expect(whileHeld.standardOutput == "timed-out\n", "\(whileHeld)")
            try mutex.unlock()
            #expect(fixture.ownerPID == 0)
            let afterRelease = try TestSupport.peer("mutex-lock", fixture.name, "10000")
            #expect(afterRelease.standardOutput == "acquired\n", "\(afterRelease)")
        }

        @Test("a plain mutex refuses to be locked twice by its owner instead of deadlocking")
        func plainRefusesRelock() throws {
            let fixture = try MutexFixture("mx-relock")
            let mutex = try fixture.mutex()
            #expect(mutex.isRecursive == false)
            _ = try mutex.lock()
            #expect(interprocessError { _ = try mutex.tryLock() }?.code == .invalidArgument)
            #expect(interprocessError { _ = try mutex.lock() }?.code == .invalidArgument)
            #expect(interprocessError { _ = try mutex.lock(timeout: .milliseconds(50)) }?.code == .invalidArgument)
            try mutex.unlock()
            #expect(interprocessError { try mutex.unlock() }?.code == .invalidArgument, "unlocking a free mutex")
            #expect(try mutex.tryLock() == .acquired)
            try mutex.unlock()
        }

        @Test("a named mutex is shared by name with another process")
        func namedAcrossProcesses() throws {
            let name = TestSupport.uniqueName("mx-named")
            defer { try? ProcessMutex.remove(name) }
            let mutex = try ProcessMutex(create: name)
            let opened = try ProcessMutex(open: name)
            _ = try mutex.lock()
            #expect(interprocessError { _ = try opened.tryLock() }?.code == .invalidArgument, "another handle, same thread")
            let whileHeld = try TestSupport.peer("mutex-lock", "--named", name, "200")
            #expect(whileHeld.standardOutput == "timed-out\n", "\(whileHeld)")
            try mutex.unlock()
            let free = try TestSupport.peer("mutex-lock", "--named", name)
            #expect(free.standardOutput == "acquired\n", "\(free)")
            #expect(try opened.lock() == .acquired)
            try opened.unlock()
        }

        @Test("withLock runs the body under the lock and releases it, also when the body throws")
        func withLockReleases() throws {
            let fixture = try MutexFixture("mx-with")
            let mutex = try fixture.mutex()
            let value = try mutex.withLock(onOwnerDeath: .giveUp) { () -> Int32 in fixture.ownerPID }
            #expect(value == getpid())
            #expect(fixture.ownerPID == 0)
            #expect(throws: InterprocessError.self) {
                try mutex.withLock(onOwnerDeath: .giveUp) { () throws(InterprocessError) in
                    throw InterprocessError(.invalidArgument, operation: "test", reason: "the body failed")
                }
            }
            #expect(try mutex.tryLock() == .acquired, "released after the body threw")
            try mutex.unlock()
        }
    
        @Test("a named handle dropped while its thread holds the lock releases it, and other locks of the thread keep working")
        func droppedWhileHeld() throws {
            let fixture = try MutexFixture("mx-drop")
            let name = TestSupport.uniqueName("mx-drop-named")
            defer { try? ProcessMutex.remove(name) }
            let first = try fixture.mutex()
            try ProcessMutex.initialize(at: fixture.base + 384)  // the fixture's last 128 bytes are free
            let third = try ProcessMutex(placedAt: fixture.base + 384)
            _ = try first.lock()
            do {
                let named = try ProcessMutex(create: name, recursive: true)
                _ = try named.lock()
                _ = try named.lock()
            }  // unmapped here, released first
            _ = try third.lock()
            try first.unlock()
            try third.unlock()
            let other = try TestSupport.peer("mutex-lock", "--named", name, "10000")
            #expect(other.standardOutput == "acquired\n", "\(other)")
        }
    }
}
