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

extension MemoryTests.TruncationGuardTests {
    @Test("zeros are not a write: a manual-reset event waited on after a set and reset, and a blackboard entry waited past a version other than 0, end in .truncated on a shrunk file (blocking and async), not as if set or written")
    func zerosAreNotAChange() async throws {
        let name = { (kind: String) in TestSupport.uniqueName("shrinkz-\(kind)") }
        let eventName = name("ev"), asyncEventName = name("aev"), boardName = name("bb"), asyncBoardName = name("abb")
        defer { try? ProcessEvent.remove(eventName); try? ProcessEvent.remove(asyncEventName) }
        // Each starts with a nonzero generation or version, which a shrunk file's zeros differ from.
        // (An event read after the shrink has generation 0 itself: the events are shrunk while waiting.)
        let blockingEvent = Self.startWait { () throws(InterprocessError) in
            let event = try ProcessEvent(create: eventName, mode: .manualReset)
            event.set()
            event.reset()
            // Shrunk while it waits: its entry state (read before) has a generation; zeros differ.
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { Self.shrinkAll(containing: eventName) }
            try event.wait(until: .never)
        }(.after(.seconds(20)))
        #expect(blockingEvent == .some(.truncated), "event wait(until:): \(String(describing: blockingEvent))")
        let blockingBoard = Self.startWait { () throws(InterprocessError) in
            let board = try Blackboard(create: boardName, entries: [.value("counter", of: UInt64.self)], lifetime: .removedWhenCreatorCloses)
            let key = try board.key("counter", as: UInt64.self)
            var writer = try board.makeWriter()
            let version = writer.write(key, 7)
            Self.shrinkAll(containing: boardName)
            _ = try board.makeReader().waitForChange(of: key, after: version)
        }(.after(.seconds(20)))
        #expect(blockingBoard == .some(.truncated), "blackboard waitForChange: \(String(describing: blockingBoard))")
        let asyncEvent = await Self.asyncWaitEnds { () async throws(InterprocessError) in
            let event = try ProcessEvent(create: asyncEventName, mode: .manualReset)
            event.set()
            event.reset()
            Task.detached {
                try? await Task.sleep(for: .milliseconds(200))
                Self.shrinkAll(containing: asyncEventName)
            }
            try await event.wait()
        }
        #expect(asyncEvent == .truncated, "async event wait: \(String(describing: asyncEvent))")
        let asyncBoard = await Self.asyncWaitEnds { () async throws(InterprocessError) in
            let board = try Blackboard(create: asyncBoardName, entries: [.value("counter", of: UInt64.self)], lifetime: .removedWhenCreatorCloses)
            let key = try board.key("counter", as: UInt64.self)
            var writer = try board.makeWriter()
            let version = writer.write(key, 7)
            Self.shrinkAll(containing: asyncBoardName)
            _ = try await board.makeReader().waitForChange(of: key, after: version)
        }
        #expect(asyncBoard == .truncated, "async blackboard waitForChange: \(String(describing: asyncBoard))")
    }
}
