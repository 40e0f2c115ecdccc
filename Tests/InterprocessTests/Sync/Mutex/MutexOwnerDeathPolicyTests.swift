import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MutexTests {
    /// The scoped lock's owner-death decision, with real processes that die holding the lock:
    /// SIGKILLed, and ending with `exit(0)` inside `withLock`.
    @Suite("ProcessMutex owner-death policies", .timeLimit(.minutes(5)))
    struct MutexOwnerDeathPolicyTests {
        /// A named mutex whose owner was SIGKILLed holding it; returns the dead pid.
        static func killedOwner(_ name: String) throws -> Int32 {
            let outcome = try TestSupport.peer("mutex-die", "--named", name)
            try #require(outcome.signal == SIGKILL, "\(outcome)")
            return try #require(Int32(outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst(4)))
        }

        @Test("repair closure: runs with the dead owner's pid, then the body; the mutex stays usable")
        func repairPolicy() throws {
            let name = TestSupport.uniqueName("mx-pol-rep")
            let mutex = try ProcessMutex(create: name, lifetime: .removedWhenCreatorCloses)
            let pid = try Self.killedOwner(name)
            let outcome = try TestSupport.peer("mutex-scoped", name, "repair")
            #expect(outcome.standardOutput == "repaired \(pid)\nran\n", "\(outcome)")
            #expect(try mutex.state.consistency == .consistent)
            #expect(try mutex.tryLock() == .acquired)
            try mutex.unlock()
        }

        @Test("stateNeedsNoRepair: the body runs and the mutex stays usable")
        func noRepairPolicy() throws {
            let name = TestSupport.uniqueName("mx-pol-none")
            let mutex = try ProcessMutex(create: name, lifetime: .removedWhenCreatorCloses)
            _ = try Self.killedOwner(name)
            let outcome = try TestSupport.peer("mutex-scoped", name, "no-repair")
            #expect(outcome.standardOutput == "ran\n", "\(outcome)")
            #expect(try mutex.tryLock() == .acquired)
            try mutex.unlock()
        }

        @Test("giveUp: throws ownerDied without running the body; the mutex is not recoverable for everyone")
        func giveUpPolicy() throws {
            let name = TestSupport.uniqueName("mx-pol-give")
            let mutex = try ProcessMutex(create: name, lifetime: .removedWhenCreatorCloses)
            _ = try Self.killedOwner(name)
            let outcome = try TestSupport.peer("mutex-scoped", name, "give-up")
            #expect(outcome.standardOutput == "ownerDied\n", "\(outcome)")
            #expect(try mutex.state.consistency == .notRecoverable)
            #expect(interprocessError { _ = try mutex.lock() }?.code == .notRecoverable)
        }

        @Test("exit(0) inside withLock is an owner death like a kill: the next locker is told")
        func exitInsideTheLock() throws {
            let name = TestSupport.uniqueName("mx-pol-exit")
            let mutex = try ProcessMutex(create: name, lifetime: .removedWhenCreatorCloses)
            let outcome = try TestSupport.peer("mutex-exit-holding", name)
            #expect(outcome.status == 0, "\(outcome)")
            let pid = try #require(Int32(outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst(4)))
            guard case .previousOwnerDied(let dead) = try mutex.lock(timeout: .seconds(5)) else {
                Issue.record("exit(0) inside the lock hid the owner's death")
                return
            }
            #expect(dead.pid == pid)
            try mutex.markConsistent()
            try mutex.unlock()
        }
    }
}
