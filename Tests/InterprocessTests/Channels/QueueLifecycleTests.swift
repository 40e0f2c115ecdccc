import Dispatch
import Foundation
import Interprocess
import Synchronization
import Testing

/// Queues as values: create, open (at once, or waiting for the name to appear), openOrCreate,
/// remove, and `lifetime:`; errors in the caller's words.
@Suite("Queue values: create, open, openOrCreate, lifetime", .timeLimit(.minutes(5)))
struct QueueLifecycleTests {
    @Test("removedWhenCreatorCloses: the name goes when the queue value and its endpoints are all gone")
    func removedWhenCreatorCloses() throws {
        let name = TestSupport.uniqueName("q-lifetime")
        do {
            var producer: SPSCProducer
            do {
                let queue = try SPSCQueue(create: name, capacity: 1024, maximumRecordSize: 64, lifetime: .removedWhenCreatorCloses)
                #expect(queue.wasCreated)
                producer = try queue.makeProducer()
            }
            // The queue value is gone; its producer keeps the mapping, and the name.
            #expect(SharedMemory.exists(name))
            try producer.send(UInt64(5))
            var consumer = try SPSCQueue(open: name).makeConsumer()
            #expect(try consumer.receive(as: UInt64.self) == 5)
        }
        #expect(!SharedMemory.exists(name))

        let mpmc = TestSupport.uniqueName("q-lifetime-mpmc")
        do {
            let queue = try MPMCQueue(create: mpmc, slotCount: 4, slotSize: 8, lifetime: .removedWhenCreatorCloses)
            let opened = try MPMCQueue(open: mpmc)
            #expect(!opened.wasCreated)
            _ = queue
        }
        #expect(!SharedMemory.exists(mpmc))
    }

    @Test("persistent (the default): the name stays until remove")
    func persistentStays() throws {
        let name = TestSupport.uniqueName("q-persistent")
        do { _ = try SPSCQueue(create: name, capacity: 1024, maximumRecordSize: 64) }
        #expect(SharedMemory.exists(name))
        try SPSCQueue.remove(name)
        let error = #expect(throws: InterprocessError.self) { try SPSCQueue.remove(name) }
        #expect(error?.code == .notFound)
        #expect(error?.description.hasPrefix("Could not remove queue") == true)
    }

    @Test("open without a deadline fails at once; with one, it times out naming the wait")
    func openMissing() throws {
        let name = TestSupport.uniqueName("q-missing")
        let now = #expect(throws: InterprocessError.self) { _ = try SPSCQueue(open: name) }
        #expect(now?.code == .notFound)
        #expect(now?.description.hasPrefix("Could not open queue '\(name)'") == true, "\(String(describing: now))")
        let start = ContinuousClock.now
        let later = #expect(throws: InterprocessError.self) { _ = try MPMCQueue(open: name, timeout: .milliseconds(50)) }
        #expect(later?.code == .timedOut)
        #expect(later?.description.hasPrefix("Could not open queue") == true, "\(String(describing: later))")
        #expect(ContinuousClock.now - start >= .milliseconds(50))
    }

    @Test("create speaks of a queue: an existing name is 'Could not create queue', not shared memory")
    func createMessages() throws {
        let name = TestSupport.uniqueName("q-exists")
        let queue = try MPMCQueue(create: name, slotCount: 4, slotSize: 8, lifetime: .removedWhenCreatorCloses)
        let error = #expect(throws: InterprocessError.self) {
            _ = try MPMCQueue(create: name, slotCount: 4, slotSize: 8)
        }
        #expect(error?.code == .alreadyExists)
        #expect(error?.description.hasPrefix("Could not create queue '\(name)'") == true, "\(String(describing: error))")
        _ = queue
    }

    @Test("a peer waiting in open(timeout:) gets the queue created after it started", arguments: ["spsc", "mpmc"])
    func openWaitsForAppearance(kind: String) throws {
        let name = TestSupport.uniqueName("q-appear-\(kind)")
        let waiter = try WaiterPeer("queue-open-wait", kind, name, "10000")
        Thread.sleep(forTimeInterval: 0.2)
        #expect(waiter.isRunning, "the peer should still be waiting for the queue")
        if kind == "spsc" {
            let queue = try SPSCQueue(create: name, capacity: 1024, maximumRecordSize: 64, lifetime: .removedWhenCreatorCloses)
            var producer = try queue.makeProducer()
            try producer.send(UInt64(42))
            #expect(try waiter.finish() == "received 42")
        } else {
            let queue = try MPMCQueue(create: name, slotCount: 4, slotSize: 8, lifetime: .removedWhenCreatorCloses)
            var producer = try queue.makeProducer()
            try producer.send(UInt64(42))
            #expect(try waiter.finish() == "received 42")
        }
    }

    @Test("a peer waiting for a queue that never appears times out at its deadline")
    func openWaitTimesOut() throws {
        let name = TestSupport.uniqueName("q-never")
        let output = try WaiterPeer("queue-open-wait", "spsc", name, "100").finish()
        #expect(output.hasPrefix("timed-out: Could not open queue '\(name)'"), "\(output)")
    }

    @Test("openOrCreate: creates, then opens; another configuration is refused naming the field")
    func openOrCreate() throws {
        let name = TestSupport.uniqueName("q-ooc")
        let first = try SPSCQueue(openOrCreate: name, capacity: 1024, maximumRecordSize: 64, lifetime: .removedWhenCreatorCloses)
        let second = try SPSCQueue(openOrCreate: name, capacity: 1024, maximumRecordSize: 64)
        #expect(first.wasCreated && !second.wasCreated)
        #expect(second.capacity == 1024 && second.maximumRecordSize == 64 && second.name == name)
        let capacity = #expect(throws: InterprocessError.self) { _ = try SPSCQueue(openOrCreate: name, capacity: 2048, maximumRecordSize: 64) }
        #expect(capacity?.code == .incompatibleConfiguration)
        #expect(capacity?.reason.contains("capacity of 1024") == true, "\(String(describing: capacity))")
        let maximum = #expect(throws: InterprocessError.self) { _ = try SPSCQueue(openOrCreate: name, capacity: 1024, maximumRecordSize: 32) }
        #expect(maximum?.reason.contains("maximum record size") == true, "\(String(describing: maximum))")

        let mpmc = TestSupport.uniqueName("q-ooc-mpmc")
        let created = try MPMCQueue(openOrCreate: mpmc, slotCount: 8, slotSize: 16, lifetime: .removedWhenCreatorCloses)
        #expect(created.wasCreated && created.slotCount == 8 && created.slotSize == 16)
        let slots = #expect(throws: InterprocessError.self) { _ = try MPMCQueue(openOrCreate: mpmc, slotCount: 16, slotSize: 16) }
        #expect(slots?.code == .incompatibleConfiguration && slots?.reason.contains("slot count") == true)
        let size = #expect(throws: InterprocessError.self) { _ = try MPMCQueue(openOrCreate: mpmc, slotCount: 8, slotSize: 8) }
        #expect(size?.code == .incompatibleConfiguration && size?.reason.contains("slot size") == true)
    }

    @Test("openOrCreate racing in 8 threads: one queue, created exactly once")
    func openOrCreateRace() throws {
        for _ in 0..<20 {
            let name = TestSupport.uniqueName("q-race")
            let created = Atomic<Int>(0), failed = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                do {
                    let queue = try MPMCQueue(openOrCreate: name, slotCount: 4, slotSize: 8)
                    if queue.wasCreated { created.add(1, ordering: .relaxed) }
                } catch {
                    failed.add(1, ordering: .relaxed)
                }
            }
            try MPMCQueue.remove(name)
            #expect(created.load(ordering: .relaxed) == 1)
            #expect(failed.load(ordering: .relaxed) == 0)
        }
    }

    @Test("the queue value is Sendable: endpoints made from it on other threads share its mapping")
    func sharedAcrossThreads() throws {
        let queue = try SPSCQueue(create: TestSupport.uniqueName("q-threads"), capacity: 1024, maximumRecordSize: 64,
                                  lifetime: .removedWhenCreatorCloses)
        // Threads, not tasks: these are the blocking forms, which must not wait on the
        // cooperative pool.
        let done = DispatchSemaphore(value: 0)
        let failure = Mutex<InterprocessError?>(nil)
        Thread.detachNewThread {
            do {
                var producer = try queue.makeProducer()
                for value in UInt64(0)..<100 { try producer.send(value, timeout: .seconds(10)) }
            } catch {
                failure.withLock { $0 = error as? InterprocessError }
            }
            done.signal()
        }
        var consumer = try queue.makeConsumer()
        var sum = UInt64(0)
        for _ in 0..<100 { sum += try consumer.receive(as: UInt64.self, timeout: .seconds(10)) }
        done.wait()
        #expect(sum == 4950)
        #expect(failure.withLock { $0 } == nil)
    }

    @Test("limits are public: the ranges a create checks")
    func limits() {
        #expect(SPSCQueue.capacityRange == 64...(1 << 31))
        #expect(SPSCQueue.maximumRecordSizeRange(for: 1024) == 1...504)
        #expect(MPMCQueue.slotCountRange.contains(1024) && MPMCQueue.slotSizeRange.contains(256))
    }
}
