import Foundation
@testable import Interprocess
import Synchronization
import Testing

/// A subscriber looks for its ring entry's next sample first in the slot that held the entry's
/// last one, and reads "nothing new" from that slot's header while it still holds the previous
/// sample. These are the cases where the next sample goes elsewhere: the publisher must mark
/// the old slot, or the subscriber would wait for ever. And the header's sequence store is the
/// publication: a publisher that made it and died before the ring entry leaves a published
/// sample, which its successor finishes.
@Suite("Publish/subscribe: where a subscriber looks first", .timeLimit(.minutes(1)))
struct PubSubSlotGuessTests {
    /// bufferCapacity 1: a ring of 2 entries, so sample s + 2 reuses sample s's slot (prepared
    /// when s + 1 is published: each sample is received before the next is sent).
    static func makeService(_ label: String, maximumSize: Int = 1 << 16) throws -> (String, Service) {
        let name = TestSupport.uniqueName(label)
        let service = try Service(create: name, configuration: .init(payload: .bytes(maximumSize: maximumSize), maximumSubscribers: 2,
                                                                    bufferCapacity: 1, maximumLoansPerSubscriber: 1))
        return (name, service)
    }

    @Test("the entry's slot held by another subscriber: the sample goes to a spare and is found there")
    func spare() throws {
        let (name, service) = try Self.makeService("svc-guess-spare")
        defer { try? Service.remove(name) }
        var publisher = try Publisher(service: service)
        var reader = try Subscriber(service: service)
        var holder = try Subscriber(service: service)
        try publisher.send(contentsOf: [0])
        #expect(try reader.tryReceive() == [0])
        let held = try #require(try holder.tryReceiveHeld())
        try publisher.send(contentsOf: [1])
        #expect(try reader.tryReceive() == [1])
        // Sample 2's entry named sample 0's slot, which `holder` still pins.
        try publisher.send(contentsOf: [2])
        #expect(try reader.tryReceive() == [2])
        #expect(try reader.tryReceive() == nil)
        held.release()
        for value: UInt8 in 3...6 {
            try publisher.send(contentsOf: [value])
            #expect(try reader.tryReceive() == [value])
        }
        #expect(reader.missedCount == 0)
    }

    @Test("the pool grown under the entry's slot: the sample is found in the new generation")
    func grownGeneration() throws {
        let (name, service) = try Self.makeService("svc-guess-grow")
        defer { try? Service.remove(name) }
        var publisher = try Publisher(service: service)
        var subscriber = try Subscriber(service: service)
        try publisher.send(contentsOf: [0])
        #expect(try subscriber.tryReceive() == [0])
        try publisher.send(contentsOf: [1])
        #expect(try subscriber.tryReceive() == [1])
        // Larger than generation 0's slots: sample 2's slot moves to generation 1.
        let large = [UInt8](repeating: 7, count: 1000)
        try publisher.send(contentsOf: large)
        #expect(try subscriber.tryReceive() == large)
        try publisher.send(contentsOf: [3])
        #expect(try subscriber.tryReceive() == [3])
        #expect(try subscriber.tryReceive() == nil)
    }

    @Test("a publisher that stored a sample's header and died before its ring entry: the successor keeps the sample published")
    func headerWithoutEntry() throws {
        let (name, service) = try Self.makeService("svc-guess-takeover")
        defer { try? Service.remove(name) }
        var subscriber = try Subscriber(service: service)
        do {
            var first = try Publisher(service: service)
            try first.send(contentsOf: [0])
            #expect(try subscriber.tryReceive() == [0])
            try first.send(contentsOf: [1])
            #expect(try subscriber.tryReceive() == [1])
            // What `send` does up to its header store, for sample 2 in the prepared slot.
            let offset = first.loanSlot * first.pool.stride
            let payload: [UInt8] = [5, 6, 7]
            payload.withUnsafeBytes { (first.pool.base.unsafelyUnwrapped + offset).copyMemory(from: $0.baseAddress!, byteCount: 3) }
            let header = first.pool.headers.unsafelyUnwrapped + offset
            header.storeBytes(of: UInt64(3) | UInt64(first.generation) << 32, toByteOffset: ServiceLayout.sampleByteCountOffset, as: UInt64.self)
            (header + ServiceLayout.sampleSequenceOffset).assumingMemoryBound(to: Atomic<UInt64>.self).pointee
                .store(2, ordering: .releasing)
            // The subscriber that looks at the header has it already.
            #expect(try subscriber.tryReceive() == payload)
        }
        var second = try Publisher(service: service)
        #expect(second.nextSequence == 3)
        // Ring entry 0 now says sample 2, for subscribers that know no slot for it.
        #expect((service.storage.record(0) + ServiceLayout.entrySequenceOffset).load(as: UInt64.self) == 2)
        try second.send(contentsOf: [9])
        #expect(try subscriber.tryReceive() == [9])
        #expect(subscriber.missedCount == 0 && subscriber.receivedCount == 4)
    }

    @Test("a publisher killed between making a pool generation live and making it current: its successor adopts that generation instead of making it again under subscribers that mapped it")
    func liveGenerationAboveCurrent() throws {
        let (name, service) = try Self.makeService("svc-guess-orphan")
        defer { try? Service.remove(name) }
        do {
            var first = try Publisher(service: service)
            try first.send(contentsOf: [0])
            // What `grow` does before it stores the current generation.
            try first.book.create(generation: 1, slotPayloadSize: 1024)
            service.storage.word32(ServiceLayout.currentGenerationOffset).pointee.store(0, ordering: .releasing)
        }
        // Attaching maps every live generation, generation 1 included.
        var subscriber = try Subscriber(service: service, history: false)
        var second = try Publisher(service: service)
        let large = [UInt8](repeating: 0xA5, count: 1000)
        try second.send(contentsOf: large)
        #expect(try subscriber.tryReceive() == large)
        #expect(service.storage.word32(ServiceLayout.currentGenerationOffset).pointee.load(ordering: .acquiring) == 1)
    }
}
