import Foundation
import Interprocess
import Testing

extension MutexTests {
    /// A condition wait checks that the calling thread, not merely this process, holds the mutex.
    @Suite("ProcessCondition wait ownership", .timeLimit(.minutes(1)))
    struct ConditionOwnershipTests {
        @Test("waiting with a mutex another thread of this process holds is invalidArgument and leaves that thread's lock alone")
        func anotherThreadsMutexIsRefused() throws {
            let name = TestSupport.uniqueName("cv-thread")
            let mutex = try ProcessMutex(create: name, lifetime: .removedWhenCreatorCloses)
            let condition = try ProcessCondition(create: name + "-cv", lifetime: .removedWhenCreatorCloses)
            let locked = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
            let holder = Thread {
                guard let handle = try? ProcessMutex(open: name), (try? handle.lock()) == .acquired else { locked.signal(); done.signal(); return }
                locked.signal()
                release.wait()
                try? handle.unlock()
                done.signal()
            }
            holder.start()
            locked.wait()
            let error = interprocessError { _ = try condition.wait(mutex, timeout: .milliseconds(50)) }
            #expect(error?.code == .invalidArgument, "\(String(describing: error))")
            #expect(error?.description.contains("the calling thread does not hold the mutex") == true)
            #expect(try mutex.tryLock() == nil, "the other thread still holds it")
            release.signal()
            done.wait()
            #expect(try mutex.tryLock() == .acquired)
            try mutex.unlock()
        }
    }
}
