import Foundation
@testable import Interprocess
import Testing

/// Snapshots: `Service.state`, `Subscriber.state`, `Service.all()`.
@Suite("Service state", .timeLimit(.minutes(1)))
struct ServiceStateTests {
    @Test("the snapshot lists the publisher, each subscriber with its position, depth, counts and held samples, and the pools")
    func snapshot() async throws {
        let name = TestSupport.uniqueName("svc-state")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .value(UInt64.self), bufferCapacity: 8))
        #expect(service.state.publisher == nil && service.state.subscribers.isEmpty)
        var publisher = try Publisher(service: service)
        let slow = try Subscriber(service: service, overrun: .block)
        var fast = try Subscriber(service: service)
        for value in 0..<UInt64(5) { _ = try publisher.trySend(value) }
        _ = try fast.tryReceive(as: UInt64.self)
        let state = service.state
        #expect(state.publisher?.identity.pid == getpid())
        #expect(state.publishedCount == 5)
        #expect(state.subscribers.count == 2)
        let blocking = try #require(state.subscribers.first { $0.overrunPolicy == .block })
        #expect(blocking.position == 0 && blocking.depth == 5 && blocking.receivedCount == 0)
        let dropping = try #require(state.subscribers.first { $0.overrunPolicy == .dropOldest })
        #expect(dropping.position == 1 && dropping.depth == 4 && dropping.receivedCount == 1)
        #expect(fast.state.position == 1)
        #expect(state.pools.count == 1 && state.pools[0].slotPayloadSize == 8)
        #expect(state.problem == nil)
        // A held sample shows up in the snapshot.
        var samples = fast.samples().makeAsyncIterator()
        let held = try await samples.next()
        #expect(service.state.subscribers.contains { $0.heldSamples == 1 })
        held?.release()
        #expect(!service.state.subscribers.contains { $0.heldSamples == 1 })
        _ = slow
    }

    @Test("Service.all lists services and skips other segments, foreign files and pools")
    func all() throws {
        let name = TestSupport.uniqueName("svc-all")
        defer { try? Service.remove(name) }
        let foreign = TestSupport.uniqueName("svc-all-zeros")
        defer { try? SharedMemory.remove(foreign) }
        _ = try SharedMemory(create: foreign, size: 4096)
        let service = try Service(create: name, configuration: .init())
        _ = try Publisher(service: service)
        let clock = ContinuousClock()
        let started = clock.now
        let all = Service.all()
        #expect(clock.now - started < .seconds(1), "a foreign file is not waited for")
        #expect(all.contains { $0.name == name })
        #expect(!all.contains { $0.name == foreign || $0.name.contains(".pool-") })
    }
}
