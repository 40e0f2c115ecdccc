@testable import Interprocess
import Testing

extension ProcessSemaphoreTests {
    /// Producers and consumers in separate processes (the test peer).
    @Suite("across processes", .timeLimit(.minutes(5)))
    struct SemaphoreCrossProcessTests {
        @Test("2 producer and 2 consumer processes, 20 000 units each: all finish, the count ends where it began")
        func producersAndConsumers() throws {
            let name = TestSupport.uniqueName("sem-pc")
            defer { try? ProcessSemaphore.remove(name) }
            let semaphore = try ProcessSemaphore(create: name, initialCount: 3)
            let units = "20000"
            // Every wait has a deadline (10 s), so a lost wake-up fails instead of hanging.
            let peers = [
                try WaiterPeer("sem-wait", name, units, "10000"),
                try WaiterPeer("sem-wait", name, units, "10000"),
                try WaiterPeer("sem-post", name, units),
                try WaiterPeer("sem-post", name, units),
            ]
            let outputs = try peers.map { try $0.finish(timeout: 100) }
            #expect(outputs == ["acquired 20000", "acquired 20000", "posted 20000", "posted 20000"])
            #expect(semaphore.currentCount == 3)
            #expect(semaphore.waiterCount == 0)
        }

        @Test("3 processes asleep on the semaphore are all woken by one post(count: 3)")
        func postWakesSleepers() throws {
            let name = TestSupport.uniqueName("sem-wake")
            defer { try? ProcessSemaphore.remove(name) }
            let semaphore = try ProcessSemaphore(create: name)
            let waiters = try (0..<3).map { _ in try WaiterPeer("sem-wait", name, "1", "20000") }
            #expect(TestSupport.eventually { semaphore.waiterCount == 3 }, "all three are asleep")
            try semaphore.post(count: 3)
            for waiter in waiters {
                #expect(try waiter.finish() == "acquired 1", "woken by the post, not by its deadline")
            }
            #expect(semaphore.currentCount == 0)
            #expect(semaphore.waiterCount == 0)
        }

        @Test("a semaphore placed inside plain shared memory works across processes")
        func placedInSharedMemory() throws {
            let name = TestSupport.uniqueName("sem-placed")
            defer { try? SharedMemory.remove(name) }
            let memory = try SharedMemory(create: name, size: 4096)
            let offset = 1024
            let semaphore = try ProcessSemaphore.initialize(at: memory.region.baseAddress + offset, initialCount: 1, maximumCount: 1000)
            let target = "\(name)@\(offset)"
            let consumer = try WaiterPeer("sem-wait", target, "501", "10000")
            let producer = try WaiterPeer("sem-post", target, "500")
            #expect(try producer.finish() == "posted 500")
            #expect(try consumer.finish() == "acquired 501")
            #expect(semaphore.currentCount == 0)
            #expect(semaphore.tryWait() == false)
        }

        @Test("a waiter in another process times out when nothing is posted")
        func peerTimesOut() throws {
            let name = TestSupport.uniqueName("sem-xto")
            defer { try? ProcessSemaphore.remove(name) }
            let semaphore = try ProcessSemaphore(create: name, initialCount: 2)
            let waiter = try WaiterPeer("sem-wait", name, "3", "200")
            #expect(try waiter.finish() == "timed out after 2")
            #expect(semaphore.currentCount == 0)
            #expect(semaphore.waiterCount == 0)
        }
    }
}
