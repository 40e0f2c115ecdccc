import Foundation
@testable import Interprocess
import Testing

extension ProcessSemaphoreTests {
    /// Counting in one process: units are conserved, the maximum holds, waits take only what
    /// is there.
    @Suite("counting", .timeLimit(.minutes(5)))
    struct SemaphoreCountingTests {
        @Test("tryWait on 0 is false and takes nothing; each post makes exactly one tryWait succeed")
        func tryWaitConservesUnits() throws {
            try PlacedBuffer.with { base in
                let semaphore = try ProcessSemaphore.initialize(at: base)
                #expect(semaphore.currentCount == 0)
                #expect(semaphore.tryWait() == false)
                #expect(semaphore.currentCount == 0)
                for _ in 0..<5 { try semaphore.post() }
                #expect(semaphore.currentCount == 5)
                var taken = 0
                while semaphore.tryWait() { taken += 1 }
                #expect(taken == 5)
                #expect(semaphore.currentCount == 0)
            }
        }

        @Test("post(count:) adds all units at once; a second handle on the place sees them")
        func postMany() throws {
            try PlacedBuffer.with { base in
                let semaphore = try ProcessSemaphore.initialize(at: base, initialCount: 2, maximumCount: 100)
                try semaphore.post(count: 7)
                let other = try ProcessSemaphore(placedAt: base)
                #expect(other.currentCount == 9)
                #expect(other.maximumCount == 100)
                #expect(try timingOut { () throws(InterprocessError) in try other.wait(timeout: .seconds(5)) } != nil)
                #expect(semaphore.currentCount == 8)
            }
        }

        @Test("a post past the maximum is refused with resourceLimit and changes nothing")
        func maximumCountHolds() throws {
            try PlacedBuffer.with { base in
                let semaphore = try ProcessSemaphore.initialize(at: base, initialCount: 2, maximumCount: 3)
                #expect(errorCode { try semaphore.post(count: 2) } == .resourceLimit)
                #expect(semaphore.currentCount == 2)
                try semaphore.post()
                #expect(semaphore.currentCount == 3)
                #expect(errorCode { try semaphore.post() } == .resourceLimit, "a post at the maximum")
                #expect(semaphore.currentCount == 3)
                #expect(errorCode { try semaphore.post(count: 0) } == .invalidArgument, "posting 0 units")
            }
        }

        @Test("the full 32-bit range: a count at UInt32.max refuses one more")
        func fullRange() throws {
            try PlacedBuffer.with { base in
                let limit = ProcessSemaphore.maximumCountLimit
                let semaphore = try ProcessSemaphore.initialize(at: base, initialCount: limit - 1)
                try semaphore.post()
                #expect(semaphore.currentCount == limit)
                #expect(errorCode { try semaphore.post() } == .resourceLimit)
                #expect(semaphore.tryWait() == true)
                #expect(semaphore.currentCount == limit - 1)
            }
        }

        @Test("wait(until:) and wait(timeout:) with nothing posted return false, after the deadline")
        func deadlinesPass() throws {
            try PlacedBuffer.with { base in
                let semaphore = try ProcessSemaphore.initialize(at: base)
                let deadline = Deadline.after(.milliseconds(100))
                #expect(try timingOut { () throws(InterprocessError) in try semaphore.wait(until: deadline) } == nil)
                #expect(Deadline.now >= deadline)
                #expect(try timingOut { () throws(InterprocessError) in try semaphore.wait(timeout: .milliseconds(30)) } == nil)
                #expect(try timingOut { () throws(InterprocessError) in try semaphore.wait(until: .now) } == nil)
                #expect(semaphore.currentCount == 0)
                #expect(semaphore.waiterCount == 0)
                // A unit that is there is taken even with a deadline already past.
                try semaphore.post()
                #expect(try timingOut { () throws(InterprocessError) in try semaphore.wait(until: Deadline(nanoseconds: 0)) } != nil)
                #expect(semaphore.currentCount == 0)
            }
        }

        @Test("a blocked wait() is released by a post from another thread")
        func blockedWaitReleased() throws {
            let name = TestSupport.uniqueName("sem-thread")
            defer { try? ProcessSemaphore.remove(name) }
            let semaphore = try ProcessSemaphore(create: name)
            // A thread of its own, not a task: a blocked task would hold one of the cooperative
            // pool's two threads, and in a whole-suite run it may not get one in time.
            let taken = ThreadLock<Bool?>(nil)
            let waiter = Thread {
                // With a deadline, so that nothing hangs.
                let outcome = try? Self.blockingWait(ProcessSemaphore(open: name), timeout: .seconds(30))
                taken.withLock { $0 = outcome }
            }
            waiter.start()
            #expect(TestSupport.eventually { semaphore.waiterCount == 1 })
            try semaphore.post()
            while !waiter.isFinished { usleep(1000) }
            #expect(taken.withLock { $0 } == true)
            #expect(semaphore.currentCount == 0)
        }

        /// The blocking wait, from a synchronous function: whether a unit was taken in time.
        static func blockingWait(_ semaphore: borrowing ProcessSemaphore, timeout: Duration) throws -> Bool {
            try timingOut { () throws(InterprocessError) in try semaphore.wait(timeout: timeout) } != nil
        }
    }
}

/// Polls `condition` every 5 ms (suspending, not blocking) for up to `seconds`.
func eventuallyAsync(seconds: Int = 100, _ condition: () -> Bool) async -> Bool {
    let deadline = Deadline.after(.seconds(seconds))
    while !deadline.hasPassed {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}
