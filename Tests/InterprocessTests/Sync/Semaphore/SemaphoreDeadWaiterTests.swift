@testable import Interprocess
import Testing

extension ProcessSemaphoreTests {
    /// Waiters killed while asleep leave the waiter count too high; later waits still work.
    @Suite("dead waiters", .timeLimit(.minutes(5)))
    struct SemaphoreDeadWaiterTests {
        @Test("3 waiters killed asleep: their counts stay, and a live waiter is still woken by a post")
        func killedWaitersDoNotBreakLaterWaits() throws {
            let name = TestSupport.uniqueName("sem-dead")
            defer { try? ProcessSemaphore.remove(name) }
            let semaphore = try ProcessSemaphore(create: name)
            for killed in 1...3 {
                let doomed = try WaiterPeer("sem-wait", name, "1", "60000")
                #expect(TestSupport.eventually { semaphore.waiterCount == UInt32(killed) }, "waiter \(killed) went to sleep")
                doomed.killAndReap()
            }
            #expect(semaphore.waiterCount == 3, "a dead waiter's increment is never undone")
            #expect(semaphore.currentCount == 0)

            let survivor = try WaiterPeer("sem-wait", name, "2", "20000")
            #expect(TestSupport.eventually { semaphore.waiterCount == 4 })
            try semaphore.post()
            #expect(TestSupport.eventually { semaphore.currentCount == 0 && semaphore.waiterCount == 4 },
                    "the survivor took the first unit and sleeps again")
            try semaphore.post()
            #expect(try survivor.finish() == "acquired 2")
            #expect(semaphore.currentCount == 0)
            #expect(semaphore.waiterCount == 3)

            // And in this process: a post with stale waiters counted still leaves a unit to take.
            try semaphore.post()
            #expect(try timingOut { () throws(InterprocessError) in try semaphore.wait(timeout: .seconds(5)) } != nil)
            #expect(semaphore.tryWait() == false)
        }
    }
}
