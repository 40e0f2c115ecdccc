@testable import Interprocess
import Testing

extension ProcessEventTests {
    /// The async waits: they never block the cooperative pool, throw `.timedOut` at their
    /// deadline, and `.cancelled` on cancellation.
    ///
    /// Generous limits: while other suites run, their blocking waits for peer processes can occupy
    /// the cooperative pool's threads (two on a 2-core machine) for tens of seconds.
    @Suite("async", .timeLimit(.minutes(5)))
    struct EventAsyncTests {
        @Test("16 tasks await one manual event, more than the pool has threads; a task of the same pool sets it")
        func moreWaitersThanPoolThreads() async throws {
            let name = TestSupport.uniqueName("ev-async")
            defer { try? ProcessEvent.remove(name) }
            let event = try ProcessEvent(create: name, mode: .manualReset)
            let waiters = 16
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<waiters {
                    group.addTask {
                        let handle = try ProcessEvent(open: name)
                        // If this blocked a pool thread, the setter below could never run:
                        // the waits would time out and the test fail (never hang).
                        try await handle.wait(until: .after(.seconds(150)))
                        return true
                    }
                }
                group.addTask {
                    let handle = try ProcessEvent(open: name)
                    guard await eventuallyAsync(seconds: 100, { handle.waiterCount == UInt32(waiters) }) else { return false }
                    handle.set()
                    return true
                }
                var results: [Bool] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(results.count == waiters + 1)
            #expect(results.allSatisfy { $0 })
            #expect(await eventuallyAsync { event.waiterCount == 0 })
        }

        @Test("an auto-reset signal goes to exactly one of several async waiters per set; the rest can be cancelled")
        func autoResetOnePerSet() async throws {
            let name = TestSupport.uniqueName("ev-async-auto")
            defer { try? ProcessEvent.remove(name) }
            let event = try ProcessEvent(create: name, mode: .autoReset)
            await withTaskGroup(of: InterprocessError.Code?.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        await thrownCode { () async throws(InterprocessError) in
                            let handle = try ProcessEvent(open: name)
                            try await handle.wait(until: .after(.seconds(150)))
                        }
                    }
                }
                #expect(await eventuallyAsync { event.waiterCount == 4 })
                event.set()
                #expect(await eventuallyAsync { event.waiterCount == 3 })
                event.set()
                for _ in 0..<2 {
                    let first = await group.next()
                    #expect(first == .some(nil), "a waiter was released")
                }
                // Give a wrong implementation time to release more than one per set.
                try? await Task.sleep(for: .milliseconds(300))
                #expect(event.waiterCount == 2)
                #expect(event.isSet == false)
                group.cancelAll()
                for await rest in group {
                    #expect(rest == .cancelled)
                }
            }
            #expect(event.waiterCount == 0)
        }

        @Test("a set event returns at once; an async wait with a deadline throws timedOut")
        func fastPathAndDeadline() async throws {
            let name = TestSupport.uniqueName("ev-async-dl")
            defer { try? ProcessEvent.remove(name) }
            let event = try ProcessEvent(create: name, mode: .autoReset, initiallySet: true)
            try await event.wait()
            #expect(event.isSet == false)
            let deadline = Deadline.after(.milliseconds(100))
            #expect(await thrownCode { () async throws(InterprocessError) in try await event.wait(until: deadline) } == .timedOut)
            #expect(Deadline.now >= deadline)
            #expect(await thrownCode { () async throws(InterprocessError) in try await event.wait(timeout: .milliseconds(20)) } == .timedOut)
        }

        @Test("cancelling an async wait ends it with .cancelled and leaves the signal for others")
        func cancellation() async throws {
            let name = TestSupport.uniqueName("ev-cancel")
            defer { try? ProcessEvent.remove(name) }
            let event = try ProcessEvent(create: name, mode: .autoReset)
            let waiter = Task {
                let handle = try ProcessEvent(open: name)
                // A deadline, so that a wait that ignored cancellation fails the test instead of hanging.
                try await handle.wait(until: .after(.seconds(150)))
            }
            #expect(await eventuallyAsync { event.waiterCount == 1 }, "the waiter went to sleep")
            waiter.cancel()
            #expect(thrownCode(await waiter.result) == .cancelled)
            #expect(event.waiterCount == 0, "cancellation withdrew the registration")
            event.set()
            #expect(event.tryWait() == true, "the cancelled waiter did not take the signal")
        }
    }
}
