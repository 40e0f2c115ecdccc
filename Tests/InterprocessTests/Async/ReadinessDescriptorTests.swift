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
        #expect(!Self.readable(readiness.fileDescriptor, within: 50), "drained and cleared: not readable")
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
}
