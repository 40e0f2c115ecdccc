import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("MPMC queue when processes die", .timeLimit(.minutes(5)),
       .enabled(if: !Sanitizers.threadSanitizer, "TSan makes 128-bit CAS a per-process lock; see Sanitizers"))
struct MPMCQueueCrashTests {
    @Test("a producer killed between claiming and publishing a slot: consumers skip it and go on (100 times)")
    func producerKilledHoldingASlot() throws {
        let name = TestSupport.uniqueName("mpmc-kill-p")
        _ = try MPMCQueue(create: name, slotCount: 8, slotSize: 16)
        defer { try? MPMCQueue.remove(name) }
        var producer = try MPMCQueue(open: name).makeProducer()
        var consumer = try MPMCQueue(open: name).makeConsumer()
        for run in UInt64(0)..<100 {
            let dying = try TestSupport.peer("mpmc-claim-then-die", name, String(run * 10))
            #expect(dying.signal == SIGKILL, "\(dying)")
            #expect(dying.standardOutput.contains("dying"), "\(dying)")
            // A record sent after the dead one's slot.
            try producer.send(run * 10 + 1)
            let first: UInt64? = try consumer.receive(as: UInt64.self, until: .after(.seconds(5)))
            #expect(first == run * 10)
            // Alternate the kinds of receive: blocking (parks, then looks) and polling.
            if run % 2 == 0 {
                let second: UInt64? = try consumer.receive(as: UInt64.self, until: .after(.seconds(5)))
                #expect(second == run * 10 + 1, "run \(run)")
            } else {
                var value: UInt64?
                _ = TestSupport.eventually(timeout: 5) {
                    value = try? consumer.tryReceive(as: UInt64.self)
                    return value != nil
                }
                #expect(value == run * 10 + 1, "run \(run)")
            }
            #expect(consumer.skippedRecords == run + 1)
        }
        #expect(try consumer.tryReceive(as: UInt64.self) == nil)
        #expect(consumer.redeliveredRecords == 0)
    }

    @Test("a consumer killed while reading a record: another consumer receives it again (100 times)")
    func consumerKilledWhileReading() throws {
        let name = TestSupport.uniqueName("mpmc-kill-c")
        _ = try MPMCQueue(create: name, slotCount: 4, slotSize: 16)
        defer { try? MPMCQueue.remove(name) }
        var producer = try MPMCQueue(open: name).makeProducer()
        var consumer = try MPMCQueue(open: name).makeConsumer()
        for value in UInt64(1000)..<1100 {
            try producer.send(value)
            try producer.send(value + 10_000)
            let reader = try TestSupport.peer("mpmc-read-then-die", name)
            #expect(reader.signal == SIGKILL, "\(reader)")
            #expect(reader.standardOutput.contains("reading \(value)"), "\(reader)")
            // The record after it first (it is at the head), then the dead reader's, taken over.
            let after: UInt64? = try consumer.receive(as: UInt64.self, until: .after(.seconds(5)))
            #expect(after == value + 10_000)
            let again: UInt64? = try consumer.receive(as: UInt64.self, until: .after(.seconds(5)))
            #expect(again == value)
            #expect(consumer.redeliveredRecords == value - 999)
        }
        #expect(consumer.skippedRecords == 0)
    }

    @Test("a consumer killed while reading: a producer that laps its slot publishes the record again")
    func producerRepublishesADeadReadersRecord() throws {
        let name = TestSupport.uniqueName("mpmc-kill-c-lap")
        _ = try MPMCQueue(create: name, slotCount: 4, slotSize: 16)
        defer { try? MPMCQueue.remove(name) }
        var producer = try MPMCQueue(open: name).makeProducer()
        try producer.send(UInt64(7))
        let reader = try TestSupport.peer("mpmc-read-then-die", name)
        #expect(reader.signal == SIGKILL, "\(reader)")
        // Slots 1, 2, 3 take records; slot 0 is still held by the dead reader.
        for value in UInt64(1)...3 { #expect(try producer.trySend(value)) }
        // Waiting for room, the producer finds the dead reader, publishes its record again at
        // position 4, and then finds the queue full (slot 1 holds record 1).
        #expect(try untilTimeout { () throws(InterprocessError) in try producer.send(UInt64(99), until: .after(.milliseconds(200))) } == nil)
        var consumer = try MPMCQueue(open: name).makeConsumer()
        #expect(consumer.redeliveredRecords == 1)
        for expected in [UInt64(1), 2, 3, 7] {
            #expect(try consumer.tryReceive(as: UInt64.self) == expected)
        }
        #expect(try consumer.tryReceive(as: UInt64.self) == nil)
    }
}
