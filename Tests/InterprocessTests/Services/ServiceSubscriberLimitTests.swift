import Foundation
@testable import Interprocess
import Testing

/// The subscriber limit, and what a dead subscriber leaves behind.
@Suite("Service subscriber limit and reclaim", .timeLimit(.minutes(1)))
struct ServiceSubscriberLimitTests {
    @Test("one subscriber past maximumSubscribers gets resourceLimit; a place freed is taken again")
    func limit() throws {
        let name = TestSupport.uniqueName("svc-limit")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(maximumSubscribers: 3))
        var subscribers: [SubscriberBox] = []
        for _ in 0..<3 { subscribers.append(SubscriberBox(try Subscriber(service: service))) }
        let error = try #require(throws: InterprocessError.self) { _ = try Subscriber(service: service) }
        #expect(error.code == .resourceLimit)
        #expect(error.reason.contains("maximumSubscribers"), "\(error)")
        subscribers.removeLast()
        _ = try Subscriber(service: service)
        #expect(service.state.subscribers.count == 2, "the temporary subscriber left its place")
    }

    @Test("a subscriber killed while holding samples: its place and its pins are reclaimed, and the publisher never runs dry")
    func deadSubscriberReclaimed() async throws {
        let name = TestSupport.uniqueName("svc-dead-sub")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .value(UInt64.self), maximumSubscribers: 1, bufferCapacity: 2, history: 2,
                                                                     maximumLoansPerSubscriber: 2))
        var publisher = try Publisher(service: service)
        try Self.publish(&publisher, 0..<4)
        // The child holds two samples pinned (the loan limit) and dies.
        await #expect(processExitsWith: .signal(SIGKILL)) { [name = name as String] in
            try await ServiceSubscriberLimitTests.holdSamplesAndDie(name)
        }
        try Self.checkReclaimed(service, &publisher)
    }

    @Test("a .block subscriber that dies never holds the publisher back: it is reclaimed while the publisher waits")
    func deadBlockingSubscriber() async throws {
        let name = TestSupport.uniqueName("svc-dead-block")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .value(UInt64.self), bufferCapacity: 4, overrunPolicy: .block))
        var publisher = try Publisher(service: service)
        await #expect(processExitsWith: .signal(SIGKILL)) { [name = name as String] in
            let subscriber = try Subscriber(service: Service(open: name))
            kill(getpid(), SIGKILL)
            _ = subscriber.position
        }
        #expect(service.state.subscribers.count == 1, "the dead subscriber's entry is still there")
        try Self.publish(&publisher, 0..<20, timeout: .seconds(5))
        #expect(service.state.subscribers.isEmpty, "the publisher reclaimed it")
    }

    static func publish(_ publisher: inout Publisher, _ values: Range<UInt64>, timeout: Duration) throws {
        for value in values { try publisher.send(value, timeout: timeout) }
    }

    static func holdSamplesAndDie(_ name: String) async throws {
        let subscriber = try Subscriber(service: Service(open: name), history: true)
        var iterator = subscriber.samples().makeAsyncIterator()
        let first = try await iterator.next()
        let second = try await iterator.next()
        withExtendedLifetime((first, second)) { _ = kill(getpid(), SIGKILL) }
    }

    static func publish(_ publisher: inout Publisher, _ values: Range<UInt64>) throws {
        for value in values { try publisher.send(value) }
    }

    static func checkReclaimed(_ service: Service, _ publisher: inout Publisher) throws {
        let held = service.state.subscribers.first?.heldSamples
        #expect(held == nil || held == 2)
        // Far more samples than the pool has slots: the dead subscriber's pins never starve it.
        for value in UInt64(4)..<1000 { try publisher.send(value) }
        var subscriber = try Subscriber(service: service, history: false)
        #expect(service.state.subscribers.count == 1)
        #expect(service.state.subscribers.first?.heldSamples == 0)
        try publisher.send(UInt64(1000))
        #expect(try subscriber.receive(as: UInt64.self) == 1000)
    }
}

final class SubscriberBox: @unchecked Sendable {
    var subscriber: Subscriber
    init(_ subscriber: consuming Subscriber) { self.subscriber = subscriber }
}

/// The sleeper count and entries that are joining.
@Suite("Service sleepers and joining", .timeLimit(.minutes(1)))
struct ServiceSleeperTests {
    static func parkThenDie(_ name: String) {
        let service = try? Service(open: name)
        Thread {
            guard let service, var subscriber = try? Subscriber(service: service) else { return }
            _ = try? subscriber.receive(timeout: .seconds(30))
        }.start()
        usleep(300_000)
        kill(getpid(), SIGKILL)
    }

    @Test("a subscriber killed while asleep is taken out of the sleeper count when its place is reclaimed")
    func killedSleeper() async throws {
        let name = TestSupport.uniqueName("svc-sleeper")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(maximumSubscribers: 1))
        await #expect(processExitsWith: .signal(SIGKILL)) { [name = name as String] in
            ServiceSleeperTests.parkThenDie(name)
        }
        #expect(service.state.sleepingSubscribers == 1, "the dead sleeper is still counted")
        let subscriber = try Subscriber(service: service)
        #expect(service.state.sleepingSubscribers == 0, "taking over its place took it out of the count")
        _ = subscriber.position
    }

    @Test("publishes that wake nobody because the sleepers died make the publisher reclaim them")
    func publisherReclaimsDeadSleepers() async throws {
        let name = TestSupport.uniqueName("svc-sleeper-pub")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .value(UInt64.self), maximumSubscribers: 4))
        await #expect(processExitsWith: .signal(SIGKILL)) { [name = name as String] in
            ServiceSleeperTests.parkThenDie(name)
        }
        #expect(service.state.sleepingSubscribers == 1)
        try Self.publishMany(service)
        #expect(service.state.sleepingSubscribers == 0)
        #expect(service.state.subscribers.isEmpty)
    }

    static func publishMany(_ service: Service) throws {
        var publisher = try Publisher(service: service)
        for value in UInt64(0)..<300 { try publisher.send(value) }
    }

    @Test("an entry being joined is not listed until its position is set")
    func joiningIsNotListed() throws {
        let name = TestSupport.uniqueName("svc-joining")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init())
        let index = try SubscriberTable.join(service.storage)
        #expect(service.state.subscribers.isEmpty)
        SubscriberTable.leave(service.storage, index, claim: EndpointClaim.word(for: .current))
        let subscriber = try Subscriber(service: service)
        #expect(service.state.subscribers.count == 1)
        _ = subscriber.position
    }
}
