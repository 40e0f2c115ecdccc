import Foundation
@testable import Interprocess
import Synchronization
import Testing

/// Words of the control segment that no correct peer writes: each is reported as `.corrupt`,
/// never a trap or a read outside a mapping.
@Suite("Service hostile memory", .timeLimit(.minutes(1)))
struct ServiceHostileMemoryTests {
    /// A service with one published sample (sequence 0, in slot 0) and a subscriber at it.
    final class Fixture {
        let name: String
        let service: Service
        var publisher: Publisher
        var subscriber: Subscriber

        init(_ label: String) throws {
            let name = TestSupport.uniqueName(label)
            let service = try Service(create: name, configuration: .init(payload: .bytes(maximumSize: 1 << 16), bufferCapacity: 4))
            var publisher = try Publisher(service: service)
            let subscriber = try Subscriber(service: service)
            try publisher.send(contentsOf: [1, 2, 3, 4])
            self.name = name
            self.service = service
            self.publisher = publisher
            self.subscriber = subscriber
        }

        /// Slot record `index` of the control segment.
        func record(_ index: Int) -> UnsafeMutableRawPointer { service.storage.record(index) }
    }

    static func corruptReceive(_ fixture: Fixture) -> InterprocessError? {
        do {
            _ = try fixture.subscriber.tryReceive()
            return nil
        } catch {
            return error
        }
    }

    @Test("a ring entry naming a slot past the table")
    func slotIndex() throws {
        let fixture = try Fixture("svc-hostile-slot")
        defer { try? Service.remove(fixture.name) }
        fixture.record(0).storeBytes(of: UInt64(0xFFFF_FFF0), toByteOffset: ServiceLayout.entrySlotOffset, as: UInt64.self)
        let failure = Self.corruptReceive(fixture)
        let error = try #require(failure)
        #expect(error.code == .corrupt && error.reason.contains("slot"), "\(error)")
    }

    @Test("a slot whose content is in a generation past the table, or one never made")
    func generation() throws {
        for bad in [UInt32(31), UInt32(0xFFFF_FFFF)] {
            let fixture = try Fixture("svc-hostile-gen")
            defer { try? Service.remove(fixture.name) }
            fixture.record(0).storeBytes(of: bad, toByteOffset: ServiceLayout.slotGenerationOffset, as: UInt32.self)
            let failure = Self.corruptReceive(fixture)
            let error = try #require(failure)
            #expect(error.code == .corrupt && error.reason.contains("generation"), "\(error)")
            // The pin was released: the publisher can still reuse every slot.
            for _ in 0..<40 { try fixture.publisher.send(contentsOf: [0]) }
        }
    }

    @Test("a sample byte count larger than its slot")
    func byteCount() throws {
        let fixture = try Fixture("svc-hostile-count")
        defer { try? Service.remove(fixture.name) }
        // Sample 0's header in the pool (slot 0 of generation 0), which the publisher maps read-write.
        fixture.publisher.pool.headers.unsafelyUnwrapped
            .storeBytes(of: UInt32(1 << 20), toByteOffset: ServiceLayout.sampleByteCountOffset, as: UInt32.self)
        let failure = Self.corruptReceive(fixture)
        let error = try #require(failure)
        #expect(error.code == .corrupt && error.reason.contains("bytes"), "\(error)")
    }

    @Test("a ring entry holding a sequence from the future (past the head)")
    func futureSequence() throws {
        let fixture = try Fixture("svc-hostile-seq")
        defer { try? Service.remove(fixture.name) }
        fixture.record(0).storeBytes(of: UInt64(1 << 40), toByteOffset: ServiceLayout.entrySequenceOffset, as: UInt64.self)
        let failure = Self.corruptReceive(fixture)
        let error = try #require(failure)
        #expect(error.code == .corrupt && error.reason.contains("sequence"), "\(error)")
    }

    @Test("a generation table entry with an impossible slot size, met by a subscriber mapping it")
    func generationTable() throws {
        let fixture = try Fixture("svc-hostile-table")
        defer { try? Service.remove(fixture.name) }
        // Generation 1 was never made: the subscriber has not mapped it, so the sample naming it
        // makes the subscriber read its table entry (generation 0 was mapped when it attached).
        fixture.service.storage.generationSize(1).pointee.store(UInt64.max, ordering: .relaxed)
        fixture.record(0).storeBytes(of: UInt32(1), toByteOffset: ServiceLayout.slotGenerationOffset, as: UInt32.self)
        let failure = Self.corruptReceive(fixture)
        let error = try #require(failure)
        #expect(error.code == .corrupt, "\(error)")
    }

    @Test("a publisher taking over a segment whose ring names one slot twice, or whose current generation is past the table")
    func takeover() throws {
        let name = TestSupport.uniqueName("svc-hostile-takeover")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(bufferCapacity: 4))
        do {
            var publisher = try Publisher(service: service)
            try publisher.send(contentsOf: [1])
        }
        let fixture = (service: service, record: { (index: Int) in service.storage.record(index) })
        fixture.record(1).storeBytes(of: UInt64(0), toByteOffset: ServiceLayout.entrySlotOffset, as: UInt64.self)
        let twice = try #require(throws: InterprocessError.self) { _ = try Publisher(service: fixture.service) }
        #expect(twice.code == .corrupt && twice.reason.contains("names slot 0"), "\(twice)")
        fixture.record(1).storeBytes(of: UInt64(1), toByteOffset: ServiceLayout.entrySlotOffset, as: UInt64.self)
        fixture.service.storage.word32(ServiceLayout.currentGenerationOffset).pointee.store(77, ordering: .relaxed)
        let generation = try #require(throws: InterprocessError.self) { _ = try Publisher(service: fixture.service) }
        #expect(generation.code == .corrupt && generation.reason.contains("77"), "\(generation)")
        // The seat was released after each failure.
        #expect(fixture.service.state.publisher == nil)
    }

    @Test("a configuration block out of range or inconsistent is corrupt on open")
    func configuration() throws {
        let fixture = try Fixture("svc-hostile-config")
        defer { try? Service.remove(fixture.name) }
        let base = fixture.service.storage.base
        base.storeBytes(of: UInt32(0), toByteOffset: ServiceLayout.maximumSubscribersOffset, as: UInt32.self)
        let range = try #require(throws: InterprocessError.self) { _ = try Service(open: fixture.name) }
        #expect(range.code == .corrupt && range.reason.contains("maximumSubscribers"), "\(range)")
        base.storeBytes(of: UInt32(16), toByteOffset: ServiceLayout.maximumSubscribersOffset, as: UInt32.self)
        base.storeBytes(of: UInt32(999), toByteOffset: ServiceLayout.slotCountOffset, as: UInt32.self)
        let geometry = try #require(throws: InterprocessError.self) { _ = try Service(open: fixture.name) }
        #expect(geometry.code == .corrupt, "\(geometry)")
    }
}
