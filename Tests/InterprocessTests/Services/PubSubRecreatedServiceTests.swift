import Foundation
import Interprocess
import Testing

/// A service removed while its publisher still runs, and a new service created under the same
/// name: the two must never touch each other's pools (pool names derive from the service name).
@Suite("Publish/subscribe: a removed service's publisher next to a new service of the same name", .timeLimit(.minutes(5)))
struct PubSubRecreatedServiceTests {
    static let configuration = ServiceConfiguration(payload: .bytes(maximumSize: 1 << 16), bufferCapacity: 2, history: 1)

    @Test("the old publisher grows its removed service: the new service's subscribers still read the new service's samples")
    func oldPublisherGrowsAfterRemove() throws {
        let name = TestSupport.uniqueName("pubsub-recreate")
        // The removed instance's pools are reachable by its endpoints only (gc removes them
        // once those are gone); this test removes them itself.
        defer {
            try? Service.remove(name)
            for file in Self.files(of: name) { SegmentFile.remove(file) }
        }
        var old = try Publisher(service: Service(create: name, configuration: Self.configuration))
        try old.send(contentsOf: [UInt8](repeating: 1, count: 8))
        try Service.remove(name)

        let fresh = try Service(create: name, configuration: Self.configuration)
        var publisher = try Publisher(service: fresh)
        try publisher.send(contentsOf: [UInt8](repeating: 2, count: 8))
        try publisher.send(contentsOf: [UInt8](repeating: 2, count: 4096))
        let poolsBefore = fresh.state.pools

        // The removed service's publisher grows its own pool (and retires its first generation).
        for _ in 0..<8 { try old.send(contentsOf: [UInt8](repeating: 1, count: 4096)) }

        var subscriber = try Subscriber(service: Service(open: name), history: true)
        let latest = try subscriber.receive(until: .after(.seconds(2)))
        let fromNewService = latest == [UInt8](repeating: 2, count: 4096)
        #expect(fromNewService,
                "a subscriber of the new service read \(latest.count) bytes starting \(Array(latest.prefix(4))) (the new service published 2s, the removed one 1s); pools before: \(poolsBefore), after: \(fresh.state.pools)")
        try publisher.send(contentsOf: [UInt8](repeating: 3, count: 8))
        let next = try subscriber.receive(until: .after(.seconds(2)))
        let nextFromNewService = next == [UInt8](repeating: 3, count: 8)
        #expect(nextFromNewService, "the next sample of the new service (3s) read as \(next)")
        let oldPools = old.state.pools.map(\.segmentName)
        #expect(!oldPools.isEmpty && Set(oldPools).isDisjoint(with: fresh.state.pools.map(\.segmentName)),
                "the removed instance's pools \(oldPools) are not the new one's")
    }

    /// The files under /dev/shm whose names contain `name`.
    static func files(of name: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? []).filter { $0.contains(name) }
    }

    @Test("a publisher process that grows its pool after its service was removed, then exits, leaves nothing that gc cannot remove")
    func growthAfterRemoveLeavesNoOrphan() throws {
        let name = TestSupport.uniqueName("pubsub-orphan")
        defer { for file in Self.files(of: name) { SegmentFile.remove(file) } }
        _ = try Service(create: name, configuration: Self.configuration)
        let publisher = try ServicePeer("pubsub-grow-after-remove", name)
        #expect(publisher.waitForOutput("ready"), "\(publisher.description)")
        try Service.remove(name)
        publisher.waitForExit(timeout: 15)
        #expect(publisher.exitedCleanly && publisher.output.contains("grown"), "\(publisher.description)")
        let decisions = SegmentReport.collectGarbage(prefix: name, dryRun: false)
        #expect(Self.files(of: name).isEmpty, "left behind: \(Self.files(of: name)); gc: \(decisions.map { "\($0.name): \($0.action) (\($0.reason))" })")
    }

    @Test("lifetime .removedWhenCreatorCloses removes the pools with the service")
    func removedWhenCreatorClosesTakesPools() throws {
        let name = TestSupport.uniqueName("pubsub-lifetime")
        defer { for file in Self.files(of: name) { SegmentFile.remove(file) } }
        do {
            let service = try Service(create: name, configuration: Self.configuration, lifetime: .removedWhenCreatorCloses)
            var publisher = try Publisher(service: service)
            var subscriber = try Subscriber(service: service)
            try publisher.send(contentsOf: [UInt8](repeating: 1, count: 8))
            try publisher.send(contentsOf: [UInt8](repeating: 1, count: 4096))
            #expect(try subscriber.receive(until: .after(.seconds(2))).count == 8)
            #expect(!Self.files(of: name).isEmpty)
        }
        #expect(Self.files(of: name).isEmpty, "left behind: \(Self.files(of: name))")
    }

    @Test("endpoints open before remove keep working with the generations they attached to; one grown after the attach and removed before it was mapped is a typed error")
    func subscriberKeepsWorkingAfterRemove() throws {
        let name = TestSupport.uniqueName("pubsub-after-remove")
        defer { for file in Self.files(of: name) { SegmentFile.remove(file) } }
        let service = try Service(create: name, configuration: Self.configuration)
        var publisher = try Publisher(service: service)
        try publisher.send(contentsOf: [UInt8](repeating: 1, count: 8))          // generation 0 exists before the attach
        var subscriber = try Subscriber(service: service, history: false)
        try publisher.send(contentsOf: [UInt8](repeating: 1, count: 8))
        try Service.remove(name)
        // Mapped at attach: still readable after the remove.
        #expect(try subscriber.receive(until: .after(.seconds(2))) == [UInt8](repeating: 1, count: 8))
        try publisher.send(contentsOf: [UInt8](repeating: 2, count: 16))
        #expect(try subscriber.receive(until: .after(.seconds(2))) == [UInt8](repeating: 2, count: 16))
        // A generation grown after the remove is named again by the publisher, so it is found.
        try publisher.send(contentsOf: [UInt8](repeating: 3, count: 4096))
        #expect(try subscriber.receive(until: .after(.seconds(2))) == [UInt8](repeating: 3, count: 4096))
    }

    @Test("a generation grown after a subscriber attached and removed with the service before it mapped it: notFound naming the removal")
    func generationGrownBeforeRemoveIsATypedError() throws {
        let name = TestSupport.uniqueName("pubsub-after-remove-grown")
        defer { for file in Self.files(of: name) { SegmentFile.remove(file) } }
        let service = try Service(create: name, configuration: Self.configuration)
        var publisher = try Publisher(service: service)
        var subscriber = try Subscriber(service: service)
        try publisher.send(contentsOf: [UInt8](repeating: 1, count: 8))
        try publisher.send(contentsOf: [UInt8](repeating: 2, count: 4096))   // a new generation, not mapped by the subscriber
        try Service.remove(name)
        #expect(try subscriber.receive(until: .after(.seconds(2))).count == 8)
        do {
            _ = try subscriber.receive(until: .after(.seconds(2)))
            Issue.record("a generation whose name was removed before the subscriber mapped it was read")
        } catch {
            #expect(error.code == .notFound && error.reason.contains("removed"), "\(error)")
        }
    }
}
