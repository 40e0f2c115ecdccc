import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Readiness descriptors (eventfd) of queue endpoints, watched with poll(2) while a peer
/// process sends or receives.
@Suite("Readiness descriptors", .timeLimit(.minutes(5)))
struct ReadinessDescriptorTests {
    /// Whether `descriptor` becomes readable within `milliseconds`.
    static func readable(_ descriptor: Int32, within milliseconds: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        var result: Int32
        repeat { result = poll(&entry, 1, milliseconds) } while result == -1 && errno == EINTR
        return result == 1 && entry.revents & Int16(POLLIN) != 0
    }

    @Test("SPSC consumer: readable when a peer process sends; clear, then drain, receives every record")
    func spscConsumer() throws {
        let name = TestSupport.uniqueName("ready-spsc")
        _ = try SPSCQueue(create: name, capacity: 1024, maximumRecordSize: 100)
        defer { try? SPSCQueue.remove(name) }
        var consumer = try SPSCQueue(open: name).makeConsumer()
        let readiness = try consumer.makeReadinessDescriptor()
        #expect(!Self.readable(readiness.fileDescriptor, within: 50), "an empty queue is not readable")
        let producer = try TestSupport.BackgroundPeer(["spsc-produce", name, "1", "300", "100"])
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 100, alignment: 8)
        defer { buffer.deallocate() }
        var received = 0
        while received < 300, Self.readable(readiness.fileDescriptor, within: 30_000) {
            readiness.clear()
            while try consumer.tryReceive(into: buffer) != nil { received += 1 }
        }
        #expect(received == 300)
        #expect(try producer.wait().standardOutput.contains("sent 300"))
        // A record published between the last clear() and the end of the drain re-signals, so
        // readable is allowed here, but then only as a hint: nothing is left to receive.
        if Self.readable(readiness.fileDescriptor, within: 50) {
            readiness.clear()
            #expect(try consumer.tryReceive(into: buffer) == nil, "drained: a late signal finds nothing")
        }
    }

    @Test("MPMC consumer: readable when a peer process sends; a descriptor made with records waiting is readable at once")
    func mpmcConsumer() throws {
        let name = TestSupport.uniqueName("ready-mpmc")
        _ = try MPMCQueue(create: name, slotCount: 8, slotSize: 64)
        defer { try? MPMCQueue.remove(name) }
        var consumer = try MPMCQueue(open: name).makeConsumer()
        var producer = try MPMCQueue(open: name).makeProducer()
        try producer.send(UInt64(7))
        do {
            let early = try consumer.makeReadinessDescriptor()
            #expect(Self.readable(early.fileDescriptor, within: 30_000), "a record is waiting")
        }
        #expect(try consumer.tryReceive(as: UInt64.self) == 7)
        let readiness = try consumer.makeReadinessDescriptor()
        #expect(!Self.readable(readiness.fileDescriptor, within: 50))
        let peer = try TestSupport.BackgroundPeer(["mpmc-produce", name, "2", "100", "1"])
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 8)
        defer { buffer.deallocate() }
        var received = 0
        while received < 101, Self.readable(readiness.fileDescriptor, within: 30_000) {
            readiness.clear()
            while try consumer.tryReceive(into: buffer) != nil { received += 1 }
        }
        #expect(received == 101, "100 records and an end of stream")
        #expect(try peer.wait().standardOutput.contains("sent 100"))
    }

    @Test("SPSC and MPMC producers: a full queue becomes readable when a peer process receives")
    func producers() throws {
        let spsc = TestSupport.uniqueName("ready-spsc-full"), mpmc = TestSupport.uniqueName("ready-mpmc-full")
        _ = try SPSCQueue(create: spsc, capacity: 64, maximumRecordSize: 24)
        defer { try? SPSCQueue.remove(spsc) }
        _ = try MPMCQueue(create: mpmc, slotCount: 2, slotSize: 8)
        defer { try? MPMCQueue.remove(mpmc) }
        var spscProducer = try SPSCQueue(open: spsc).makeProducer()
        while try spscProducer.trySend(UInt64(1)) {}
        var mpmcProducer = try MPMCQueue(open: mpmc).makeProducer()
        while try mpmcProducer.trySend(UInt64(1)) {}
        let spscReadiness = try spscProducer.makeReadinessDescriptor()
        let mpmcReadiness = try mpmcProducer.makeReadinessDescriptor()
        #expect(!Self.readable(spscReadiness.fileDescriptor, within: 50), "a full queue is not writable")
        #expect(!Self.readable(mpmcReadiness.fileDescriptor, within: 50))
        let spscPeer = try TestSupport.BackgroundPeer(["spsc-receive", spsc, "1", "wait", "60000"])
        let mpmcPeer = try TestSupport.BackgroundPeer(["mpmc-receive", mpmc, "1", "as", "wait", "60000", "8"])
        #expect(Self.readable(spscReadiness.fileDescriptor, within: 30_000))
        #expect(Self.readable(mpmcReadiness.fileDescriptor, within: 30_000))
        #expect(try spscProducer.trySend(UInt64(2)))
        #expect(try mpmcProducer.trySend(UInt64(2)))
        _ = try spscPeer.wait()
        _ = try mpmcPeer.wait()
    }

    @Test("MPMC consumer: two producers publishing out of order signal the descriptor for each record")
    func mpmcOutOfOrderPublishes() throws {
        let name = TestSupport.uniqueName("ready-mpmc-order")
        _ = try MPMCQueue(create: name, slotCount: 8, slotSize: 64)
        defer { try? MPMCQueue.remove(name) }
        var consumer = try MPMCQueue(open: name).makeConsumer()
        var first = try MPMCQueue(open: name).makeProducer()
        var second = try MPMCQueue(open: name).makeProducer()
        let readiness = try consumer.makeReadinessDescriptor()
        // Both claim (the tail moves to 2) before either publishes.
        let one = try #require(try first.claimSlotNow())
        let two = try #require(try second.claimSlotNow())
        first.publish(one.slot, position: one.position, count: 0)
        #expect(Self.readable(readiness.fileDescriptor, within: 5_000), "the first record is signalled")
        readiness.clear()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 8)
        defer { buffer.deallocate() }
        #expect(try consumer.tryReceive(into: buffer) == 0)
        #expect(try consumer.tryReceive(into: buffer) == nil, "the second record is claimed, not published")
        second.publish(two.slot, position: two.position, count: 0)
        #expect(Self.readable(readiness.fileDescriptor, within: 5_000), "the second record is signalled too")
        readiness.clear()
        #expect(try consumer.tryReceive(into: buffer) == 0)
    }

    @Test("an SPSC async wait that ends keeps the sleeping flag a readiness descriptor of its side relies on")
    func oneTimeWaitKeepsTheFlag() async throws {
        let name = TestSupport.uniqueName("ready-spsc-flag")
        _ = try SPSCQueue(create: name, capacity: 256, maximumRecordSize: 64)
        defer { try? SPSCQueue.remove(name) }
        var consumer = try SPSCQueue(open: name).makeConsumer()
        let probe = try SPSCQueue(open: name).makeProducer()
        let readiness = try consumer.makeReadinessDescriptor()
        #expect(probe.consumerSleeping.pointee.load(ordering: .relaxed) == 1, "the descriptor counts as a sleeper")
        #expect(await thrownCode { () async throws(InterprocessError) in
            _ = try await consumer.receive(as: UInt64.self, timeout: .milliseconds(30))
        } == .timedOut)
        #expect(probe.consumerSleeping.pointee.load(ordering: .relaxed) == 1,
                "the ended wait did not clear the flag under the descriptor")
        _ = consume readiness
        #expect(probe.consumerSleeping.pointee.load(ordering: .relaxed) == 0, "the last user gone: cleared")
    }

    @Test("a readiness descriptor outlives its endpoint and queue value")
    func descriptorOutlivesEndpoint() throws {
        let name = TestSupport.uniqueName("ready-outlive")
        _ = try MPMCQueue(create: name, slotCount: 8, slotSize: 64)
        defer { try? MPMCQueue.remove(name) }
        let readiness = try MPMCQueue(open: name).makeConsumer().makeReadinessDescriptor()
        #expect(!Self.readable(readiness.fileDescriptor, within: 50))
        let peer = try TestSupport.BackgroundPeer(["mpmc-produce", name, "1", "1", "1"])
        #expect(Self.readable(readiness.fileDescriptor, within: 30_000), "its own mapping still watches the queue")
        _ = try peer.wait()
        readiness.clear()
        var consumer = try MPMCQueue(open: name).makeConsumer()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 8)
        defer { buffer.deallocate() }
        #expect(try consumer.tryReceive(into: buffer) != nil)
    }

    @Test("a readiness descriptor made while the side is ready is readable before it is returned")
    func readableAtOnce() throws {
        let name = TestSupport.uniqueName("ready-at-once")
        _ = try MPMCQueue(create: name, slotCount: 8, slotSize: 64)
        defer { try? MPMCQueue.remove(name) }
        var producer = try MPMCQueue(open: name).makeProducer()
        try producer.send(UInt64(1))
        let readiness = try MPMCQueue(open: name).makeConsumer().makeReadinessDescriptor()
        #expect(Self.readable(readiness.fileDescriptor, within: 0), "no wait for the waiter thread")
    }
}
