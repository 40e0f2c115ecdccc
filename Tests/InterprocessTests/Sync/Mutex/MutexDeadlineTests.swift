import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MutexTests {
    /// Timed and try forms return "not acquired" when another process holds the lock.
    @Suite("ProcessMutex deadlines", .timeLimit(.minutes(5)))
    struct MutexDeadlineTests {
        @Test("lock(until:) on a mutex another process holds returns nil after the deadline; tryLock returns nil")
        func timedLockTimesOut() throws {
            let fixture = try MutexFixture("mx-deadline")
            let mutex = try fixture.mutex()
            let holder = try MutexPeers.start("mutex-hold", fixture.name, "2500")
            defer { MutexPeers.finish(holder, timeout: 0) }
            try #require(TestSupport.eventually { fixture.ownerPID == holder.processIdentifier }, "the peer never took the lock")

            let deadline = Deadline.after(.milliseconds(200))
            #expect(try timingOut { () throws(InterprocessError) in try mutex.lock(until: deadline) } == nil)
            #expect(Deadline.now >= deadline, "returned before the deadline")
            #expect(try mutex.tryLock() == nil)
            #expect(try timingOut { () throws(InterprocessError) in try mutex.lock(timeout: .milliseconds(50)) } == nil)
            #expect(try timingOut { () throws(InterprocessError) in try mutex.lock(until: Deadline(nanoseconds: 1)) } == nil, "a deadline in the past")
            #expect(fixture.ownerPID == holder.processIdentifier, "a timed-out locker records nothing")

            // The holder releases after 2.5 s: a generous deadline acquires.
            #expect(try mutex.lock(timeout: .seconds(20)) == .acquired)
            try mutex.unlock()
            #expect(MutexPeers.finish(holder))
            #expect(holder.terminationStatus == 0)
        }
    }
}
