@testable import Interprocess
import Testing

extension ProcessSemaphoreTests {
    /// The async waits: they never block the cooperative pool, throw `.timedOut` at their
    /// deadline, and `.cancelled` on cancellation.
    ///
    /// Generous limits: while other suites run, their blocking waits for peer processes can occupy
    /// the cooperative pool's threads (two on a 2-core machine) for tens of seconds.
    @Suite("async", .timeLimit(.minutes(5)))
    struct SemaphoreAsyncTests {
        @Test("16 tasks await one semaphore, more than the pool has threads; a task of the same pool posts")
        func moreWaitersThanPoolThreads() async throws {
            let name = TestSupport.uniqueName("sem-async")
            defer { try? ProcessSemaphore.remove(name) }
            let semaphore = try ProcessSemaphore(create: name)
            let waiters = 16
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<waiters {
                    group.addTask {
                        let handle = try ProcessSemaphore(open: name)
                        // If this blocked a pool thread, the poster below could never run:
                        // the waits would time out and the test fail (never hang).
                        try await handle.wait(until: .after(.seconds(150)))
                        return true
                    }
                }
                group.addTask {
                    let handle = try ProcessSemaphore(open: name)
                    guard await eventuallyAsync(seconds: 100, { handle.waiterCount == UInt32(waiters) }) else { return false }
                    try handle.post(count: waiters)
                    return true
                }
                var results: [Bool] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(results.count == waiters + 1)
            #expect(results.allSatisfy { $0 })
            #expect(semaphore.currentCount == 0)
            #expect(await eventuallyAsync { semaphore.waiterCount == 0 })
        }

        @Test("a unit that is there is taken at once; an async wait with a deadline throws timedOut")
        func fastPathAndDeadline() async throws {
            let name = TestSupport.uniqueName("sem-async-dl")
            defer { try? ProcessSemaphore.remove(name) }
            let semaphore = try ProcessSemaphore(create: name, initialCount: 1)
            try await semaphore.wait()
            #expect(semaphore.currentCount == 0)
            let deadline = Deadline.after(.milliseconds(100))
            #expect(await thrownCode { () async throws(InterprocessError) in try await semaphore.wait(until: deadline) } == .timedOut)
            #expect(Deadline.now >= deadline)
            #expect(await thrownCode { () async throws(InterprocessError) in try await semaphore.wait(timeout: .milliseconds(20)) } == .timedOut)
            #expect(semaphore.waiterCount == 0)
        }

        @Test("cancelling an async wait ends it with .cancelled and takes no unit")
        func cancellation() async throws {
            let name = TestSupport.uniqueName("sem-cancel")
            defer { try? ProcessSemaphore.remove(name) }
            let semaphore = try ProcessSemaphore(create: name)
            let waiter = Task {
                let handle = try ProcessSemaphore(open: name)
                // A deadline, so that a wait that ignored cancellation fails the test instead of hanging.
                try await handle.wait(until: .after(.seconds(150)))
            }
            #expect(await eventuallyAsync { semaphore.waiterCount == 1 }, "the waiter went to sleep")
            waiter.cancel()
            #expect(thrownCode(await waiter.result) == .cancelled)
            #expect(semaphore.waiterCount == 0, "cancellation withdrew the registration")
            try semaphore.post()
            #expect(semaphore.tryWait() == true, "the cancelled waiter did not take the unit")

            // Already cancelled: throws without waiting, even with a unit there.
            try semaphore.post()
            let cancelledFirst = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                let handle = try ProcessSemaphore(open: name)
                try await handle.wait()
            }
            #expect(thrownCode(await cancelledFirst.result) == .cancelled)
            #expect(semaphore.currentCount == 1)
        }
    }
}
