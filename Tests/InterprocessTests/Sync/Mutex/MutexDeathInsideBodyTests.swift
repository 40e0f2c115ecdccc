import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MutexTests {
    /// A scoped lock whose body waits on a condition while another process takes the mutex and
    /// is SIGKILLed holding it: the wait re-acquires it inconsistent, and the body ignores that.
    /// The scoped lock applies the caller's decision before unlocking instead of poisoning it.
    @Suite("ProcessMutex owner death inside the scoped body", .timeLimit(.minutes(5)))
    struct MutexDeathInsideBodyTests {
        /// Runs `decide` (a scoped lock whose body waits once on the condition, discarding how it
        /// re-acquired) while a peer locks the mutex during the wait and dies holding it; a
        /// helper thread signals once the peer is dead. Returns the scoped lock's outcome.
        static func runDeathDuringWait(
            _ prefix: String,
            _ decide: (borrowing ProcessMutex, () throws(InterprocessError) -> Void) throws(InterprocessError) -> Void,
            then check: (borrowing ProcessMutex, InterprocessError?) throws -> Void
        ) throws {
            let name = TestSupport.uniqueName(prefix)
            let mutex = try ProcessMutex(create: name, lifetime: .removedWhenCreatorCloses)
            let condition = try ProcessCondition(create: name + "-cv", lifetime: .removedWhenCreatorCloses)
            let killer = Thread {
                _ = try? TestSupport.peer("mutex-die", "--named", name)
                (try? ProcessCondition(open: name + "-cv"))?.signal()
            }
            var failure: InterprocessError?
            do throws(InterprocessError) {
                try decide(mutex) { () throws(InterprocessError) in
                    killer.start()
                    _ = try condition.wait(mutex, timeout: .seconds(20))
                }
            } catch {
                failure = error
            }
            try check(mutex, failure)
        }

        @Test("stateNeedsNoRepair: marked consistent before the unlock; the mutex stays usable")
        func noRepairAppliesInsideBody() throws {
            try Self.runDeathDuringWait("mx-body-none") { mutex, waitOnce throws(InterprocessError) in
                try mutex.withLock(onOwnerDeath: .stateNeedsNoRepair) { () throws(InterprocessError) in try waitOnce() }
            } then: { mutex, error throws in
                #expect(error == nil, "\(String(describing: error))")
                #expect(try mutex.state.consistency == .consistent)
                #expect(try mutex.tryLock() == .acquired)
                try mutex.unlock()
            }
        }

        @Test("repair closure: runs before the unlock; the mutex stays usable")
        func repairAppliesInsideBody() throws {
            var repairs = 0
            try Self.runDeathDuringWait("mx-body-rep") { mutex, waitOnce throws(InterprocessError) in
                try mutex.withLock(onOwnerDeath: { _ in repairs += 1 }) { () throws(InterprocessError) in try waitOnce() }
            } then: { mutex, error throws in
                #expect(error == nil, "\(String(describing: error))")
                #expect(repairs == 1)
                #expect(try mutex.tryLock() == .acquired)
                try mutex.unlock()
            }
        }

        @Test("giveUp: throws ownerDied and leaves the mutex not recoverable")
        func giveUpAppliesInsideBody() throws {
            try Self.runDeathDuringWait("mx-body-give") { mutex, waitOnce throws(InterprocessError) in
                try mutex.withLock(onOwnerDeath: .giveUp) { () throws(InterprocessError) in try waitOnce() }
            } then: { mutex, error throws in
                #expect(error?.code == .ownerDied, "\(String(describing: error))")
                #expect(try mutex.state.consistency == .notRecoverable)
            }
        }
    }
}
