import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MutexTests {
    /// A process SIGKILLed holding the lock: the next locker is told who died, repairs, and the
    /// lock keeps working; left unrepaired, the lock says so forever instead of deadlocking.
    @Suite("ProcessMutex owner death", .timeLimit(.minutes(5)))
    struct MutexOwnerDeathTests {
        @Test("100 times: the owner is killed holding the lock; the next locker repairs and carries on")
        func ownerKilledRepeatedly() throws {
            let fixture = try MutexFixture("mx-death")
            let mutex = try fixture.mutex()
            var completed: UInt64 = 0
            for round in 1...100 {
                let pid = try MutexPeers.dieHoldingLock(fixture)
                let acquisition = try #require(try timingOut { () throws(InterprocessError) in try mutex.lock(timeout: .seconds(10)) }, "round \(round): lock timed out")
                guard case .previousOwnerDied(let dead) = acquisition else {
                    Issue.record("round \(round): expected previousOwnerDied, got \(acquisition)")
                    return
                }
                #expect(dead.pid == pid, "round \(round)")
                #expect(dead.startTime != 0, "round \(round): the dead owner's start time is recorded")
                #expect(fixture.dirty.pointee == 1 && fixture.counter.pointee == completed + 1, "round \(round): half-updated state")
                // Repair: undo the half-done update.
                fixture.counter.pointee = completed
                fixture.dirty.pointee = 0
                try mutex.markConsistent()
                try mutex.unlock()

                #expect(try mutex.lock(timeout: .seconds(10)) == .acquired, "round \(round): works again")
                fixture.counter.pointee += 1
                completed += 1
                try mutex.unlock()
                if round % 10 == 0 {
                    let other = try TestSupport.peer("mutex-lock", fixture.name, "10000")
                    #expect(other.standardOutput == "acquired\n", "round \(round): another process locks it: \(other)")
                }
            }
            #expect(fixture.counter.pointee == 100)
        }

        @Test("unlocked without markConsistent, the mutex is not recoverable for every later locker")
        func unrepairedBecomesNotRecoverable() throws {
            let fixture = try MutexFixture("mx-unrec")
            let mutex = try fixture.mutex()
            let pid = try MutexPeers.dieHoldingLock(fixture)
            let acquisition = try mutex.lock(timeout: .seconds(10))
            guard case .previousOwnerDied(let dead) = acquisition else {
                Issue.record("expected previousOwnerDied, got \(acquisition)")
                return
            }
            #expect(dead.pid == pid)
            try mutex.unlock()  // not repaired

            let error = try #require(interprocessError { _ = try mutex.lock() })
            #expect(error.code == .notRecoverable)
            #expect(error.description.contains("nobody repaired"), "\(error)")
            #expect(interprocessError { _ = try mutex.tryLock() }?.code == .notRecoverable)
            #expect(interprocessError { _ = try mutex.lock(timeout: .milliseconds(100)) }?.code == .notRecoverable)
            let other = try TestSupport.peer("mutex-lock", fixture.name, "10000")
            #expect(other.status == 1 && other.standardOutput == "error notRecoverable\n", "\(other)")
        }

        @Test("withLock(onOwnerDeath:) repairs once with the dead owner's pid and keeps the lock usable")
        func withLockRepairs() throws {
            let fixture = try MutexFixture("mx-repair")
            let mutex = try fixture.mutex()
            let pid = try MutexPeers.dieHoldingLock(fixture)
            var repairedFor: [Int32] = []
            try mutex.withLock(onOwnerDeath: { dead in
                repairedFor.append(dead.pid)
                fixture.dirty.pointee = 0
                fixture.counter.pointee = 0
            }) {
                fixture.counter.pointee += 1
            }
            #expect(repairedFor == [pid])
            try mutex.withLock(onOwnerDeath: { dead in repairedFor.append(dead.pid) }) {
                fixture.counter.pointee += 1
            }
            #expect(repairedFor == [pid], "no repair when nobody died")
            #expect(fixture.counter.pointee == 2 && fixture.dirty.pointee == 0)
            let other = try TestSupport.peer("mutex-lock", fixture.name, "10000")
            #expect(other.standardOutput == "acquired\n", "\(other)")
        }

        @Test("a repair that throws leaves the mutex not recoverable and skips the body")
        func failedRepairIsNotRecoverable() throws {
            let fixture = try MutexFixture("mx-badfix")
            let mutex = try fixture.mutex()
            _ = try MutexPeers.dieHoldingLock(fixture)
            var bodyRan = false
            #expect(throws: InterprocessError.self) {
                try mutex.withLock(onOwnerDeath: { (_) throws(InterprocessError) in
                    throw InterprocessError(.invalidArgument, operation: "repair", reason: "cannot repair")
                }) { bodyRan = true }
            }
            #expect(!bodyRan)
            #expect(interprocessError { _ = try mutex.lock() }?.code == .notRecoverable)
        }

        @Test("withLock without a repair step throws ownerDied, skips the body, and leaves the mutex not recoverable")
        func withLockWithoutRepair() throws {
            let fixture = try MutexFixture("mx-norepair")
            let mutex = try fixture.mutex()
            let pid = try MutexPeers.dieHoldingLock(fixture)
            var bodyRan = false
            let error = try #require(interprocessError { try mutex.withLock(onOwnerDeath: .giveUp) { bodyRan = true } })
            #expect(error.code == .ownerDied)
            #expect(error.description.contains("pid \(pid)"), "\(error)")
            #expect(!bodyRan)
            #expect(interprocessError { _ = try mutex.lock() }?.code == .notRecoverable)
        }

        @Test("a named recursive mutex reports its dead owner and keeps counting recursion after repair")
        func namedRecursiveOwnerDeath() throws {
            let name = TestSupport.uniqueName("mx-named-death")
            defer { try? ProcessMutex.remove(name) }
            let mutex = try ProcessMutex(create: name, recursive: true)
            let outcome = try TestSupport.peer("mutex-die", "--named", name)
            try #require(outcome.signal == SIGKILL, "\(outcome)")
            let pid = try #require(Int32(outcome.standardOutput.dropFirst(4).trimmingCharacters(in: .whitespacesAndNewlines)))
            let acquisition = try mutex.lock(timeout: .seconds(10))
            #expect(acquisition.previousOwnerDied)
            if case .previousOwnerDied(let dead) = acquisition { #expect(dead.pid == pid) }
            try mutex.markConsistent()
            #expect(try mutex.lock() == .acquired)
            try mutex.unlock()
            try mutex.unlock()
            let other = try TestSupport.peer("mutex-lock", "--named", name, "10000")
            #expect(other.standardOutput == "acquired\n", "\(other)")
        }
    }
}
