import Foundation
@testable import Interprocess
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The exact states a killed process leaves behind when it dies holding a wake-up: the state
/// says "proceed" (a unit in the count, the event set, the sequence bumped, an index advanced),
/// sleepers are parked, and nobody will ever call `FUTEX_WAKE`. Each state is written straight
/// into the shared words; every live sleeper must proceed by itself, within the parking
/// primitive's re-check interval (20 ms; the tests allow seconds). Before the parking primitive
/// bounded every sleep, each of these sleepers slept until its deadline (or forever).
@Suite("Lost wake-ups", .serialized, .timeLimit(.minutes(5)))
struct LostWakeUpTests {
    /// How long a sleeper may take to notice a lost wake-up here: far above the 20 ms
    /// guarantee (a loaded CI machine), far below the sleepers' own deadlines (30 s).
    static let noticeWithin: TimeInterval = 5

    @Test("semaphore: a unit in the count with two waiters asleep and no wake (poster or woken waiter killed): each waiter takes one")
    func semaphoreUnitWithoutWake() throws {
        let name = TestSupport.uniqueName("park-sem")
        defer { try? ProcessSemaphore.remove(name) }
        let semaphore = try ProcessSemaphore(create: name)
        let waiters = try (0..<2).map { _ in try WaiterPeer("sem-wait", name, "1", "30000") }
        try #require(TestSupport.eventually { semaphore.waiterCount == 2 }, "the waiters never slept")
        for round in 1...2 {
            // What a poster killed between its count update and FUTEX_WAKE leaves (and what a
            // waiter woken for the unit and killed before taking it leaves).
            semaphore.count.pointee.store(1, ordering: .sequentiallyConsistent)
            #expect(TestSupport.eventually(timeout: Self.noticeWithin) { waiters.filter { !$0.isRunning }.count == round },
                    "round \(round): a live waiter stayed asleep with a unit in the count")
            #expect(TestSupport.eventually { semaphore.currentCount == 0 })
        }
        for waiter in waiters { #expect(try waiter.finish() == "acquired 1") }
    }

    @Test("event: set with a waiter asleep and no wake (setter killed): the waiter is released", arguments: [ProcessEvent.Mode.autoReset, .manualReset])
    func eventSetWithoutWake(mode: ProcessEvent.Mode) throws {
        let name = TestSupport.uniqueName("park-ev")
        defer { try? ProcessEvent.remove(name) }
        let event = try ProcessEvent(create: name, mode: mode)
        let waiter = try WaiterPeer("event-wait", name, "30000")
        try #require(TestSupport.eventually { event.waiterCount == 1 }, "the waiter never slept")
        let state = event.stateWord.pointee.load(ordering: .relaxed)
        event.stateWord.pointee.store((state &+ ProcessEvent.setIncrement) | ProcessEvent.setBit, ordering: .sequentiallyConsistent)
        #expect(TestSupport.eventually(timeout: Self.noticeWithin) { !waiter.isRunning }, "the waiter stayed asleep on a set event")
        #expect(try waiter.finish() == "signaled")
        #expect(event.isSet == (mode == .manualReset))
    }

    @Test("condition: sequence bumped with a waiter asleep and no wake (signaller killed): the waiter returns")
    func conditionBumpedWithoutWake() throws {
        let fixture = try MutexFixture("park-cv")
        let mutex = try fixture.mutex(), condition = try fixture.condition()
        let waiter = try MutexPeers.start("cond-wait", fixture.name, "30000")
        defer { MutexPeers.finish(waiter, timeout: 0) }
        try #require(TestSupport.eventually { fixture.conditionWaiters == 1 }, "the waiter never slept")
        try mutex.withLock(onOwnerDeath: .giveUp) { fixture.turn.pointee = 1 }
        condition.sequence.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
        #expect(MutexPeers.finish(waiter, timeout: Self.noticeWithin), "the waiter stayed asleep after a signal")
        #expect(waiter.terminationStatus == 0)
    }

    @Test("condition: wait(until:) ends by its deadline while another process holds the mutex, throwing timedOut without the mutex")
    func conditionDeadlineBoundsRelock() throws {
        let fixture = try MutexFixture("park-cv-deadline")
        let mutex = try fixture.mutex()
        let waiter = try WaiterPeer("cond-wait-until", fixture.name, "300")
        try #require(TestSupport.eventually { fixture.conditionWaiters == 1 }, "the waiter never slept")
        _ = try mutex.lock()  // once the waiter released it; held well past the waiter's deadline
        let exited = TestSupport.eventually(timeout: Self.noticeWithin) { !waiter.isRunning }
        try mutex.unlock()
        #expect(exited, "the wait outlived its deadline, waiting for the mutex")
        #expect(try waiter.finish() == "timed out, not held")
    }

    @Test("condition: wait(until:) with the mutex free at the deadline throws timedOut without the mutex")
    func conditionDeadlineWithFreeMutex() throws {
        let fixture = try MutexFixture("park-cv-free")
        let waiter = try WaiterPeer("cond-wait-until", fixture.name, "100")
        #expect(try waiter.finish() == "timed out, not held")
        #expect(fixture.ownerPID == 0)
    }

    @Test("SPSC: head advanced with the producer parked and no wake: the producer goes on")
    func spscProducerWithoutWake() throws {
        let name = TestSupport.uniqueName("park-spsc")
        _ = try SPSCQueue(create: name, capacity: 256, maximumRecordSize: 32)
        defer { try? SPSCQueue.remove(name) }
        var consumer = try SPSCQueue(open: name).makeConsumer()
        let count = 200
        let producer = try WaiterPeer("spsc-produce", name, "0", String(count), "32")
        let sleeping = consumer.mapping.word32(SPSCLayout.producerSleepingOffset)
        try #require(TestSupport.eventually { sleeping.pointee.load(ordering: .relaxed) == 1 }, "the producer never parked")
        // The flag cleared (a lost announcement), then room made: publishReleases sees no sleeper.
        sleeping.pointee.store(0, ordering: .sequentiallyConsistent)
        var received = 0
        while try consumer.tryPeek() != nil {
            consumer.release(publish: false)
            received += 1
        }
        consumer.publishReleases()
        let resumed = try untilTimeout { () throws(InterprocessError) in
            try consumer.waitForRecord(until: .after(.seconds(Int64(Self.noticeWithin))))
        } != nil
        #expect(resumed, "the producer stayed parked with room in the ring")
        while received < count {
            guard try untilTimeout({ () throws(InterprocessError) in try consumer.waitForRecord(until: .after(.seconds(10))) }) != nil,
                  try consumer.tryPeek() != nil else { break }
            consumer.release()
            received += 1
        }
        #expect(received == count)
        #expect(try producer.finish() == "sent \(count)")
    }

    @Test("MPMC: slots freed with a producer parked and its waiter count lost: the producer goes on")
    func mpmcProducerWithoutWake() throws {
        let name = TestSupport.uniqueName("park-mpmc")
        _ = try MPMCQueue(create: name, slotCount: 4, slotSize: 32)
        defer { try? MPMCQueue.remove(name) }
        var consumer = try MPMCQueue(open: name).makeConsumer()
        let count = 50
        let producer = try WaiterPeer("mpmc-produce", name, "0", String(count), "1")
        let waiting = consumer.mapping.word32(MPMCLayout.producersWaitingOffset)
        try #require(TestSupport.eventually { waiting.pointee.load(ordering: .relaxed) == 1 }, "the producer never parked")
        waiting.pointee.store(0, ordering: .sequentiallyConsistent)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 32, alignment: 8)
        defer { buffer.deallocate() }
        var received = 0
        while try consumer.tryReceive(into: buffer) != nil { received += 1 }
        let resumed = try untilTimeout { () throws(InterprocessError) in try consumer.receive(into: buffer, until: .after(.seconds(Int64(Self.noticeWithin)))) } != nil
        #expect(resumed, "the producer stayed parked with free slots")
        received += 1
        while received < count + 1, try untilTimeout({ () throws(InterprocessError) in try consumer.receive(into: buffer, until: .after(.seconds(10))) }) != nil {
            received += 1
        }
        #expect(received == count + 1, "\(count) records and one end of stream")
        #expect(try producer.finish() == "sent \(count)")
    }

    @Test("MPMC: waiter counts at UInt32.max (written by a peer) wrap instead of trapping")
    func mpmcWaiterCountsWrap() async throws {
        let name = TestSupport.uniqueName("park-mpmc-max")
        _ = try MPMCQueue(create: name, slotCount: 4, slotSize: 16)
        defer { try? MPMCQueue.remove(name) }
        // In a child process: on overflow-checked arithmetic the park traps.
        await #expect(processExitsWith: .success) { [name = name as String] in
            var consumer = try MPMCQueue(open: name).makeConsumer()
            var producer = try MPMCQueue(open: name).makeProducer()
            for offset in [MPMCLayout.consumersWaitingOffset, MPMCLayout.producersWaitingOffset] {
                consumer.mapping.word32(offset).pointee.store(.max, ordering: .relaxed)
            }
            // Parks (and times out) with the count wrapping through zero.
            guard try untilTimeout({ () throws(InterprocessError) in try consumer.receive(as: UInt64.self, until: .after(.milliseconds(100))) }) == nil else { exit(2) }
            for value in UInt64(0)..<4 { guard try producer.trySend(value) else { exit(5) } }
            // The ring is full: the producer parks on its wrapped count, and times out.
            guard try untilTimeout({ () throws(InterprocessError) in try producer.send(UInt64(9), until: .after(.milliseconds(100))) }) == nil else { exit(3) }
            guard try consumer.tryReceive(as: UInt64.self) == 0 else { exit(4) }
        }
    }
}
