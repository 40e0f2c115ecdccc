import Interprocess
import Synchronization
import Testing

/// `Shared`: one handle used by many tasks of a task group.
@Suite("Shared handles", .timeLimit(.minutes(5)))
struct SharedHandleTests {
    @Test("a Shared mutex captured by 8 tasks of a TaskGroup serializes their increments")
    func mutexAcrossTasks() async throws {
        let name = TestSupport.uniqueName("shared-mx")
        let mutex = Shared(try ProcessMutex(create: name, lifetime: .removedWhenCreatorCloses))
        let counter = Shared(try ProcessSemaphore(create: TestSupport.uniqueName("shared-sem"), lifetime: .removedWhenCreatorCloses))
        let total = Atomic<Int>(0)
        nonisolated(unsafe) var plain = 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<500 {
                        try mutex.handle.withLock(onOwnerDeath: .giveUp) {
                            plain += 1  // unsynchronized but for the mutex
                        }
                        try counter.handle.post()
                    }
                }
            }
            try await group.waitForAll()
        }
        withExtendedLifetime(total) {}
        #expect(plain == 4000)
        #expect(try counter.handle.state.count == 4000)
        let createdIt = mutex.handle.wasCreated
        #expect(createdIt)
    }
}
