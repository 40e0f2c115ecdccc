import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Subscribers killed while asleep (parked for the next sample): the publisher goes on, a live
/// subscriber asleep next to them is woken, and the sleeper count comes back to what lives.
@Suite("Publish/subscribe: subscribers killed while asleep", .serialized, .timeLimit(.minutes(5)))
struct PubSubSleeperKillTests {
    @Test("three subscribers killed while parked: a live sleeper is still woken, and sleepingSubscribers forgets the dead")
    func killedSleepers() throws {
        let name = TestSupport.uniqueName("pubsub-sleepers")
        let service = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 64)))
        defer { try? Service.remove(name) }
        // Subscribers that wait (20 s each time) for samples that do not come yet.
        let doomed = try (0..<3).map { _ in try ServicePeer("pubsub-subscribe", name, "0", "drop", "small", "--idle", "20000") }
        for peer in doomed { #expect(peer.waitForOutput("attached"), "\(peer.description)") }
        #expect(TestSupport.eventually(timeout: 10) { service.state.sleepingSubscribers == 3 }, "sleeping: \(service.state.sleepingSubscribers)")
        for peer in doomed { peer.killAndReap() }

        let survivor = try ServicePeer("pubsub-subscribe", name, "599", "drop", "small", "--idle", "20000")
        #expect(survivor.waitForOutput("attached"), "\(survivor.description)")
        #expect(TestSupport.eventually(timeout: 10) { service.state.sleepingSubscribers >= 1 }, "sleeping: \(service.state.sleepingSubscribers)")
        // Enough samples for the publisher to notice (it may look for dead sleepers only now and then).
        let publisher = try ServicePeer("pubsub-publish", name, "600", "small")
        publisher.waitForExit(timeout: 20)
        #expect(publisher.exitedCleanly, "\(publisher.description)")
        survivor.waitForExit(timeout: 20)
        #expect(survivor.exitedCleanly && survivor.report("received")?["last"] == "599", "\(survivor.description)")
        // Nobody lives to sleep: a count left by the dead would cost every later publish a wake-up call.
        let sleeping = service.state.sleepingSubscribers
        #expect(TestSupport.eventually(timeout: 5) { service.state.sleepingSubscribers == 0 },
                "sleepingSubscribers is \(sleeping) with no live subscriber (3 were killed asleep)")
    }

    @Test("a publisher killed while asleep behind a .block subscriber: its successor does not leave the subscribers waking a dead sleeper")
    func killedSleepingPublisher() throws {
        let name = TestSupport.uniqueName("pubsub-pub-asleep")
        let service = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 64), bufferCapacity: 2,
                                                                                    overrunPolicy: .block))
        defer { try? Service.remove(name) }
        // What the library keeps at ServiceLayout.progressWaitersOffset: 1 while the publisher sleeps.
        func publisherAsleep() -> UInt32 { service.storage.word32(ServiceLayout.progressWaitersOffset).pointee.load(ordering: .relaxed) }
        var subscriber = try Subscriber(service: service, overrun: .block)
        let blocked = try ServicePeer("pubsub-publish", name, "100", "small")
        #expect(TestSupport.eventually(timeout: 10) { publisherAsleep() == 1 }, "the publisher never slept: \(blocked.description)")
        blocked.killAndReap()

        var publisher = try Publisher(service: service)
        // Read what the dead one published, so the new one never has to wait.
        while try subscriber.tryReceive({ $0.sequence }) != nil {}
        for index in 0..<20 {
            try publisher.send(contentsOf: [UInt8(index)], until: .after(.seconds(5)))
            _ = try subscriber.receive(until: .after(.seconds(5)))
        }
        // The live publisher never slept (its subscriber kept up): nobody is asleep on the progress word.
        #expect(publisherAsleep() == 0, "the dead publisher's sleep is still announced: every .block receive pays a FUTEX_WAKE")
    }
}
