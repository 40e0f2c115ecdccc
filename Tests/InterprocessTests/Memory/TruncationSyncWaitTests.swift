import Foundation
@testable import Interprocess
import Testing

extension MemoryTests.TruncationGuardTests {
    @Test("sync primitives: a wait that can throw, on a primitive whose file was shrunk to 0, ends in .truncated — semaphore and event with and without a deadline, condition (its mutex then not held)")
    func syncWaitsEnd() throws {
        let name = { (kind: String) in TestSupport.uniqueName("shrinks-\(kind)") }
        let semaphoreName = name("sem"), timedSemaphoreName = name("tsem"), eventName = name("ev")
        let conditionName = name("cv"), mutexName = name("mx")
        defer {
            try? ProcessSemaphore.remove(semaphoreName); try? ProcessSemaphore.remove(timedSemaphoreName)
            try? ProcessEvent.remove(eventName); try? ProcessCondition.remove(conditionName); try? ProcessMutex.remove(mutexName)
        }
        var outcomes: [(String, (Deadline) -> InterprocessError.Code??)] = []
        outcomes.append(("semaphore wait(until: .never)", Self.startWait { () throws(InterprocessError) in
            let semaphore = try ProcessSemaphore(create: semaphoreName)
            Self.shrinkAll(containing: semaphoreName)
            try semaphore.wait(until: .never)
        }))
        outcomes.append(("semaphore wait(timeout: 60 s)", Self.startWait { () throws(InterprocessError) in
            let semaphore = try ProcessSemaphore(create: timedSemaphoreName)
            Self.shrinkAll(containing: timedSemaphoreName)
            try semaphore.wait(timeout: .seconds(60))
        }))
        outcomes.append(("event wait(until: .never)", Self.startWait { () throws(InterprocessError) in
            let event = try ProcessEvent(create: eventName, mode: .autoReset)
            Self.shrinkAll(containing: eventName)
            try event.wait(until: .never)
        }))
        outcomes.append(("condition wait", Self.startWait { () throws(InterprocessError) in
            let mutex = try ProcessMutex(create: mutexName)
            let condition = try ProcessCondition(create: conditionName)
            Self.shrinkAll(containing: conditionName)
            _ = try mutex.lock()
            do throws(InterprocessError) {
                _ = try condition.wait(mutex)
            } catch {
                // The wait released the mutex and did not take it back: another lock succeeds.
                if error.code == .truncated, try mutex.lock(timeout: .seconds(5)).previousOwnerDied == false { try mutex.unlock() }
                throw error
            }
        }))
        let deadline = Deadline.after(.seconds(20))
        for (what, result) in outcomes {
            let outcome = result(deadline)
            #expect(outcome == .some(.truncated), "\(what): \(String(describing: outcome))")
        }
    }
}

extension MemoryTests.TruncationGuardTests {
    @Test("sync primitives: async waits without a deadline on a semaphore or an event whose file was shrunk to 0 end in .truncated")
    func asyncSyncWaitsEnd() async throws {
        let semaphoreName = TestSupport.uniqueName("shrinka-sem"), eventName = TestSupport.uniqueName("shrinka-ev")
        defer { try? ProcessSemaphore.remove(semaphoreName); try? ProcessEvent.remove(eventName) }
        let semaphore = await Self.asyncWaitEnds { () async throws(InterprocessError) in
            let semaphore = try ProcessSemaphore(create: semaphoreName)
            Self.shrinkAll(containing: semaphoreName)
            try await semaphore.wait()
        }
        #expect(semaphore == .truncated, "semaphore: \(String(describing: semaphore))")
        let event = await Self.asyncWaitEnds { () async throws(InterprocessError) in
            let event = try ProcessEvent(create: eventName, mode: .manualReset)
            Self.shrinkAll(containing: eventName)
            try await event.wait()
        }
        #expect(event == .truncated, "event: \(String(describing: event))")
    }
}
