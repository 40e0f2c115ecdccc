import Foundation
@testable import Interprocess
import Testing

/// Configuration checks, and segments under a service's name that are not services.
@Suite("Service configuration", .timeLimit(.minutes(1)))
struct ServiceConfigurationTests {
    @Test("each value out of range is invalidArgument naming the field", arguments: [
        (ServiceConfiguration(maximumSubscribers: 0), "maximumSubscribers"),
        (ServiceConfiguration(maximumSubscribers: 1025), "maximumSubscribers"),
        (ServiceConfiguration(bufferCapacity: 0), "bufferCapacity"),
        (ServiceConfiguration(bufferCapacity: 65_537), "bufferCapacity"),
        (ServiceConfiguration(bufferCapacity: 4, history: 5), "history"),
        (ServiceConfiguration(maximumLoansPerSubscriber: 0), "maximumLoansPerSubscriber"),
        (ServiceConfiguration(maximumLoansPerSubscriber: 65), "maximumLoansPerSubscriber"),
        (ServiceConfiguration(payload: .bytes(maximumSize: 0)), "payload size"),
        (ServiceConfiguration(payload: .bytes(maximumSize: (1 << 30) + 1)), "payload size"),
    ])
    func outOfRange(configuration: ServiceConfiguration, field: String) throws {
        let name = TestSupport.uniqueName("svc-range")
        defer { try? Service.remove(name) }
        let error = try #require(throws: InterprocessError.self) { _ = try Service(create: name, configuration: configuration) }
        #expect(error.code == .invalidArgument)
        #expect(error.reason.contains(field), "\(error)")
        #expect(!SharedMemory.exists(name))
    }

    @Test("openOrCreate with another configuration is incompatibleConfiguration naming each field")
    func incompatible() throws {
        let name = TestSupport.uniqueName("svc-incompatible")
        defer { try? Service.remove(name) }
        let base = ServiceConfiguration(payload: .value(UInt64.self))
        _ = try Service(create: name, configuration: base)
        var other = base
        other.payload = .value(Int64.self)
        var cases: [(ServiceConfiguration, String)] = [(other, "payload type")]
        other = base; other.payload = .bytes(maximumSize: 8); cases.append((other, "payload"))
        other = base; other.bufferCapacity = 32; cases.append((other, "bufferCapacity: 16 vs 32"))
        other = base; other.history = 1; cases.append((other, "history: 0 vs 1"))
        other = base; other.maximumLoansPerSubscriber = 3; cases.append((other, "maximumLoansPerSubscriber: 2 vs 3"))
        other = base; other.overrunPolicy = .block; cases.append((other, "overrunPolicy: dropOldest vs block"))
        for (configuration, field) in cases {
            let error = try #require(throws: InterprocessError.self) { _ = try Service(openOrCreate: name, configuration: configuration) }
            #expect(error.code == .incompatibleConfiguration)
            #expect(error.reason.contains(field), "\(error)")
        }
    }

    @Test("a foreign file or another kind under the name: foreignSegment / wrongKind, and remove leaves them alone")
    func notAService() throws {
        let foreign = TestSupport.uniqueName("svc-foreign")
        defer { try? SharedMemory.remove(foreign) }
        let memory = try SharedMemory(create: foreign, size: 4096)
        memory.region.baseAddress.storeBytes(of: 0x1234_5678_9ABC_DEF0, as: UInt64.self)
        let foreignError = try #require(throws: InterprocessError.self) { _ = try Service(open: foreign) }
        #expect(foreignError.code == .foreignSegment, "\(foreignError)")
        #expect(throws: InterprocessError.self) { try Service.remove(foreign) }
        #expect(SharedMemory.exists(foreign))

        let queue = TestSupport.uniqueName("svc-queue")
        defer { try? SPSCQueue.remove(queue) }
        _ = try SPSCQueue(create: queue, capacity: 1024, maximumRecordSize: 64)
        let kindError = try #require(throws: InterprocessError.self) { _ = try Service(open: queue) }
        #expect(kindError.code == .wrongKind)
        let removeError = try #require(throws: InterprocessError.self) { try Service.remove(queue) }
        #expect(removeError.code == .wrongKind)
        #expect(SharedMemory.exists(queue))
    }

    @Test("a name too long for the pool suffix is invalidName")
    func nameLength() throws {
        let name = String(repeating: "s", count: Service.maximumNameLength + 1)
        let error = try #require(throws: InterprocessError.self) { _ = try Service(create: name, configuration: .init()) }
        #expect(error.code == .invalidName)
    }
}
