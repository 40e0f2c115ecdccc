import Foundation
@testable import Interprocess
import Testing

/// `interprocess gc` and services: the pools of a service that exists are kept, those of a
/// service that is gone are removed.
@Suite("Service garbage collection", .timeLimit(.minutes(1)))
struct ServiceGarbageCollectionTests {
    static func publishAndExit(_ name: String) throws(InterprocessError) {
        var publisher = try Publisher(service: Service(open: name))
        try publisher.send(contentsOf: [UInt8](repeating: 7, count: 1000))
    }

    @Test("gc keeps the live pool generations of a persistent service whose publisher died, and removes them once the service is gone")
    func poolsOfPersistentService() async throws {
        let name = TestSupport.uniqueName("svc-gc")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .bytes(maximumSize: 4096)))
        await #expect(processExitsWith: .success) { [name = name as String] in
            try ServiceGarbageCollectionTests.publishAndExit(name)
        }
        let pools = service.state.pools.map(\.segmentName)
        #expect(pools == [SamplePool.name(of: service.storage, generation: 1)], "the publisher grew the pool once; generation 0 held nothing any more")
        let decisions = SegmentReport.collectGarbage(prefix: name, dryRun: false)
        for pool in pools {
            let decision = try #require(decisions.first { $0.name == pool })
            #expect(decision.action == .kept, "\(decision.reason)")
            #expect(decision.reason.contains("records it as live"), "\(decision.reason)")
            #expect(SharedMemory.exists(pool))
        }
        // The service still works: a subscriber joins.
        var subscriber = try Subscriber(service: Service(open: name), history: false)
        #expect(try subscriber.tryReceive() == nil)
        _ = consume subscriber

        // The service's control segment goes (as `rm` would): its pools are garbage.
        try SharedMemory.remove(name)
        let after = SegmentReport.collectGarbage(prefix: name, dryRun: false)
        for pool in pools {
            #expect(after.first { $0.name == pool }?.action == .removed)
            #expect(!SharedMemory.exists(pool))
        }
    }

    @Test("pool names parse back to their service and generation")
    func parse() {
        #expect(SamplePool.parse(SamplePool.name(of: "a.b", nonce: 0xAB, generation: 3))! == ("a.b", 0xAB, 3))
        #expect(SamplePool.parse("x.pool-0000abcd-31")! == ("x", 0xABCD, 31))
        #expect(SamplePool.parse("x.pool-0000abcd-32") == nil)
        #expect(SamplePool.parse("x.pool-abcd-1") == nil)
        #expect(SamplePool.parse("x.pool-0000abcd-") == nil)
        #expect(SamplePool.parse("x.pool-3") == nil)
        #expect(SamplePool.parse("pool-0000abcd-1") == nil)
    }
}
