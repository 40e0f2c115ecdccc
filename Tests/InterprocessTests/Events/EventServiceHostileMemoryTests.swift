import Foundation
@testable import Interprocess
import Testing

/// Event services whose shared words were written by a hostile or killed peer.
@Suite("Event service hostile memory", .timeLimit(.minutes(1)))
struct EventServiceHostileMemoryTests {
    @Test("a stored configuration out of range or sizes that do not match it are corrupt at open")
    func corruptConfiguration() throws {
        let name = TestSupport.uniqueName("ev-corrupt")
        defer { try? EventService.remove(name) }
        let service = try EventService(create: name, configuration: .init(maximumEventID: 127))
        let base = service.storage.base
        base.storeBytes(of: UInt32(9999), toByteOffset: EventServiceLayout.maximumEventIDOffset, as: UInt32.self)
        #expect((#expect(throws: InterprocessError.self) { _ = try EventService(open: name) })?.code == .corrupt)
        base.storeBytes(of: UInt32(127), toByteOffset: EventServiceLayout.maximumEventIDOffset, as: UInt32.self)
        base.storeBytes(of: UInt32(7), toByteOffset: EventServiceLayout.eventWordsOffset, as: UInt32.self)
        #expect((#expect(throws: InterprocessError.self) { _ = try EventService(open: name) })?.code == .corrupt)
        base.storeBytes(of: UInt32(2), toByteOffset: EventServiceLayout.eventWordsOffset, as: UInt32.self)
        base.storeBytes(of: UInt32(1_000_000), toByteOffset: EventServiceLayout.maximumListenersOffset, as: UInt32.self)
        #expect((#expect(throws: InterprocessError.self) { _ = try EventService(open: name) })?.code == .corrupt)
    }

    @Test("bits no notifier sets (summary past the words, ids past the maximum, occupancy past the limit) are ignored")
    func strayBits() throws {
        let name = TestSupport.uniqueName("ev-stray")
        defer { try? EventService.remove(name) }
        let service = try EventService(create: name, configuration: .init(maximumEventID: 69, maximumListeners: 3))
        let listener = try Listener(service: service)
        let entry = listener.entry
        entry.events(1).pointee.store(.max, ordering: .relaxed)          // ids 64...127: only 64...69 exist
        entry.summary.pointee.store(.max, ordering: .relaxed)            // words 2...63 do not exist
        #expect(Array(listener.tryWait() ?? EventSet()) == (64...69).map { EventID($0) })
        service.storage.occupancy(0).pointee.store(.max, ordering: .relaxed)  // entries 3...63 do not exist
        try Notifier(service: service).notify(1)
        #expect(listener.tryWait() == EventSet([1]))
        #expect(service.state.listeners.count == 1)
    }

    @Test("a notifier killed between taking the armed flag and sending: the wait set still reports the listener (20 ms recheck)")
    func lostDatagram() throws {
        let name = TestSupport.uniqueName("ev-lost")
        defer { try? EventService.remove(name) }
        let service = try EventService(create: name, configuration: .init())
        let listener = try Listener(service: service)
        let waitSet = try WaitSet()
        let attachment = try waitSet.attach(listener)
        #expect(waitSet.tryWait() == nil)
        // What the killed notifier left: the id pending, the flag taken, no datagram.
        let entry = listener.entry
        entry.events(0).pointee.bitwiseOr(1 << 5, ordering: .sequentiallyConsistent)
        entry.summary.pointee.bitwiseOr(1, ordering: .sequentiallyConsistent)
        entry.armed.pointee.store(0, ordering: .sequentiallyConsistent)
        let start = ContinuousClock.now
        #expect(try waitSet.wait(timeout: .seconds(5)) == [attachment])
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(listener.tryWait() == EventSet([5]))
    }
}
