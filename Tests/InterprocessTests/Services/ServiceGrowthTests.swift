import Foundation
@testable import Interprocess
import Testing

/// The pool grows when a larger sample is sent; subscribers map new generations on demand, and
/// generations no slot uses any more are removed.
@Suite("Service pool growth", .timeLimit(.minutes(1)))
struct ServiceGrowthTests {
    @Test("samples growing from 8 B to 1 MiB arrive whole; the subscriber maps each generation when it meets it")
    func growth() throws {
        let name = TestSupport.uniqueName("svc-grow")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .bytes(maximumSize: 1 << 20), maximumSubscribers: 2,
                                                                     bufferCapacity: 4, maximumLoansPerSubscriber: 1))
        var publisher = try Publisher(service: service)
        var subscriber = try Subscriber(service: try Service(open: name))
        var size = 8
        var sequence: UInt64 = 0
        while size <= 1 << 20 {
            let fill = UInt8(truncatingIfNeeded: size / 8 + 1)
            try publisher.send(byteCount: size) { span in
                span.withUnsafeMutableBytes { buffer in _ = buffer.initializeMemory(as: UInt8.self, repeating: fill) }
            }
            let ok = try subscriber.receive { sample in
                sample.sequence == sequence && sample.byteCount == size && sample.withUnsafeBytes { $0.allSatisfy { $0 == fill } }
            }
            #expect(ok, "sample of \(size) bytes")
            sequence += 1
            size *= 2
        }
        #expect(service.state.pools.count > 1, "older generations stay while the ring still holds their samples")
        // Once every slot's content has moved to the newest generation, the older ones are removed.
        for _ in 0..<16 { try publisher.send(byteCount: 64) { _ in } }
        while try subscriber.tryReceive() != nil {}
        let state = service.state
        #expect(state.pools.map(\.slotPayloadSize) == [1 << 20], "\(state.pools)")
        #expect(!SharedMemory.exists(SamplePool.name(of: service.storage, generation: 0)))
        #expect(SharedMemory.exists(state.pools[0].segmentName))
        let error = try #require(throws: InterprocessError.self) { try publisher.send(contentsOf: [UInt8](repeating: 0, count: (1 << 20) + 1)) }
        #expect(error.code == .invalidArgument)
    }

    @Test("a value service takes exactly the value's size")
    func valueSize() throws {
        let name = TestSupport.uniqueName("svc-value")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .value(UInt32.self)))
        var publisher = try Publisher(service: service)
        let error = try #require(throws: InterprocessError.self) { try publisher.send(UInt64(1)) }
        #expect(error.code == .invalidArgument)
        try publisher.send(UInt32(7))
        var subscriber = try Subscriber(service: service, history: false)
        try publisher.send(UInt32(8))
        #expect(try subscriber.receive(as: UInt32.self) == 8)
    }

    @Test("Service.remove removes the control segment and every pool generation")
    func removeRemovesPools() throws {
        let name = TestSupport.uniqueName("svc-rm")
        let service = try Service(create: name, configuration: .init(payload: .bytes(maximumSize: 4096)))
        do {
            var publisher = try Publisher(service: service)
            try publisher.send(contentsOf: [UInt8](repeating: 1, count: 4000))
        }
        let pools = (0..<2).map { SamplePool.name(of: service.storage, generation: $0) }
        #expect(SharedMemory.exists(pools[1]))
        try Service.remove(name)
        #expect(!SharedMemory.exists(name))
        #expect(!SharedMemory.exists(pools[0]) && !SharedMemory.exists(pools[1]))
        #expect(throws: InterprocessError.self) { try Service.remove(name) }
    }
}
