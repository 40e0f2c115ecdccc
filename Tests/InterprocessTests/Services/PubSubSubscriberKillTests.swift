import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Subscribers SIGKILLed at random points, hundreds of times — often while they hold samples
/// (inside the receive closure, or holding ``HeldSample``s from `samples()`) — while a
/// publisher process keeps publishing: the pool never runs dry, and a `.block` publisher is
/// never held back by a dead subscriber. Seeded: `CHAOS_SEED` replays a run.
@Suite("Publish/subscribe: subscribers killed at random", .serialized, .timeLimit(.minutes(5)))
struct PubSubSubscriberKillTests {
    static let modes = ["receive", "linger", "held"]

    @Test("≥ 200 subscriber kills: the pool never runs dry, samples stay whole, dead subscribers' entries are reclaimed",
          arguments: ["drop", "block"])
    func randomSubscriberKills(policy: String) throws {
        let seed = ChaosSeed.make()
        var random = SeededRandom(seed: seed)
        let context = "seed \(seed), \(policy)"
        let name = TestSupport.uniqueName("pubsub-subkill")
        let configuration = ServiceConfiguration(payload: .bytes(maximumSize: 64), maximumSubscribers: 8, bufferCapacity: 16,
                                                 maximumLoansPerSubscriber: 2, overrunPolicy: policy == "block" ? .block : .dropOldest)
        _ = try Service(create: name, configuration: configuration)
        defer { try? Service.remove(name) }
        let ledger = try PubSubLedger()

        // `try`: only `.dropOldest` subscribers, so nothing may hold the publisher back and
        // the pool must always have a slot; `block`: every send waits for live subscribers only.
        let publisher = try ServicePeer("pubsub-chaos-publish", name, ledger.name, random.peerSeed(), policy == "block" ? "block" : "try")
        func startSubscriber() throws -> ServicePeer {
            try ServicePeer("pubsub-chaos-subscribe", name, ledger.name, random.peerSeed(), policy, Self.modes[random.below(Self.modes.count)])
        }
        var subscribers = try (0..<4).map { _ in try startSubscriber() }
        let kills = ChaosSeed.scaled(200)
        for _ in 0..<kills {
            // One kill in three comes early: often while the subscriber attaches (takes a dead entry over).
            usleep(UInt32(random.below(3) == 0 ? random.below(8_000) : 2_000 + random.below(25_000)))
            let index = random.below(subscribers.count)
            subscribers[index].killAndReap()
            subscribers[index] = try startSubscriber()
        }

        // The publisher still publishes and live subscribers still receive.
        let sent = ledger[PubSubLedger.sent], received = ledger[PubSubLedger.received]
        // A `.block` publisher waits for live subscribers only, and only while one is a full
        // buffer behind: publishing goes on after the kills.
        #expect(TestSupport.eventually(timeout: 15) { ledger[PubSubLedger.sent] > sent + 100 && ledger[PubSubLedger.received] > received + 100 },
                "\(context): publishing stopped after the kills: \(ledger.summary); \(Self.describe(name))")
        ledger.expectLive(context)
        ServicePeer.stopAll([publisher] + subscribers, context)
        ledger.expectSafe(context)

        // Every entry of the dead is reclaimed: a full set of subscribers attaches here now.
        let service = try Service(open: name)
        var attached: [AttachedSubscriber] = []
        do {
            for _ in 0..<configuration.maximumSubscribers { attached.append(try AttachedSubscriber(service)) }
        } catch {
            Issue.record("\(context): only \(attached.count) of \(configuration.maximumSubscribers) subscribers attached after the kills: \(error)")
        }
        // And a publisher taking the dead one's seat gets every slot back: each sample reaches a subscriber.
        attached.removeAll()
        var newPublisher = try Publisher(service: service)
        var fresh = try Subscriber(service: service, overrun: .dropOldest)
        for index in 0..<(4 * configuration.bufferCapacity) {
            let sequence = try newPublisher.send(contentsOf: [UInt8(truncatingIfNeeded: index)])
            let bytes = try fresh.receive(until: .after(.seconds(5)))
            #expect(bytes == [UInt8(truncatingIfNeeded: index)], "\(context): sample \(sequence)")
        }
    }

    /// The service's state as JSON, for a failure message: which subscriber holds the publisher back.
    static func describe(_ name: String) -> String {
        guard let service = try? Service(open: name) else { return "service gone" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let state = service.state
        guard let data = try? encoder.encode(state) else { return "state unreadable" }
        return String(decoding: data, as: UTF8.self)
    }
}
