import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The publisher SIGKILLed at random points — often inside the send closure, with the sample
/// half written — and replaced each time by a new process that takes over the service: no
/// subscriber ever sees a partial sample, and they go on receiving from each new publisher.
/// Seeded: `CHAOS_SEED` replays a run.
@Suite("Publish/subscribe: the publisher killed mid-write", .serialized, .timeLimit(.minutes(5)))
struct PubSubPublisherKillTests {
    @Test("≥ 50 publisher kills: never a partial sample; a new publisher takes over; subscribers continue")
    func randomPublisherKills() throws {
        let seed = ChaosSeed.make()
        var random = SeededRandom(seed: seed)
        let context = "seed \(seed)"
        let name = TestSupport.uniqueName("pubsub-pubkill")
        let configuration = ServiceConfiguration(payload: .bytes(maximumSize: 64), maximumSubscribers: 4, bufferCapacity: 32,
                                                 overrunPolicy: .dropOldest)
        _ = try Service(create: name, configuration: configuration)
        defer { try? Service.remove(name) }
        let ledger = try PubSubLedger()

        // A `.block` subscriber must see every sequence across all the publishers; the
        // `.dropOldest` ones must account for every one they lose.
        let subscribers = try [("block", "receive"), ("drop", "receive"), ("drop", "held")].map { policy, mode in
            try ServicePeer("pubsub-chaos-subscribe", name, ledger.name, random.peerSeed(), policy, mode)
        }
        for subscriber in subscribers {
            #expect(subscriber.waitForOutput("attached"), "\(context): \(subscriber.description)")
        }
        func startPublisher() throws -> ServicePeer {
            try ServicePeer("pubsub-chaos-publish", name, ledger.name, random.peerSeed(), "block", "--linger")
        }
        let kills = ChaosSeed.scaled(50)
        var pauses = SeededRandom(seed: random.next())
        let publisher = try Self.killPublishers(kills, ledger, context, &pauses, start: startPublisher)
        // The last publisher takes over and the subscribers receive from it.
        #expect(TestSupport.eventually(timeout: 15) { ledger[PubSubLedger.publishers] == UInt64(kills + 1) },
                "\(context): not every publisher took the seat: \(ledger.summary)")
        let received = ledger[PubSubLedger.received], sent = ledger[PubSubLedger.sent]
        #expect(TestSupport.eventually(timeout: 15) { ledger[PubSubLedger.received] > received + 300 && ledger[PubSubLedger.sent] > sent + 100 },
                "\(context): the subscribers stopped receiving after the last takeover: \(ledger.summary)")
        ServicePeer.stopAll([publisher] + subscribers, context)
        ledger.expectClean(context)
        // Every sample a subscriber got was published by some publisher (a killed one may have
        // published one more than it counted).
        let state = try Service(open: name).state
        #expect(state.publishedCount >= ledger[PubSubLedger.sent], "\(context): \(state.publishedCount) published, \(ledger.summary)")
        #expect(state.publishedCount <= ledger[PubSubLedger.sent] + UInt64(kills + 1), "\(context): \(state.publishedCount) published, \(ledger.summary)")
    }

    @Test("publishers killed while the pool grows (8 B … 1 MiB): each new one goes on growing it; late joiners with history map what they need; remove leaves no pool behind")
    func killsDuringGrowth() throws {
        let seed = ChaosSeed.make()
        var random = SeededRandom(seed: seed)
        let context = "seed \(seed)"
        let name = TestSupport.uniqueName("pubsub-growkill")
        let configuration = ServiceConfiguration(payload: .bytes(maximumSize: 1 << 20), maximumSubscribers: 4, bufferCapacity: 8,
                                                 history: 4, overrunPolicy: .dropOldest)
        _ = try Service(create: name, configuration: configuration)
        defer { try? Service.remove(name) }
        let ledger = try PubSubLedger()
        let steady = try [("block", "receive"), ("drop", "held")].map { policy, mode in
            try ServicePeer("pubsub-chaos-subscribe", name, ledger.name, random.peerSeed(), policy, mode, "--sizes", "ramp")
        }
        for subscriber in steady { #expect(subscriber.waitForOutput("attached"), "\(context): \(subscriber.description)") }
        func startJoiner() throws -> ServicePeer {
            try ServicePeer("pubsub-chaos-subscribe", name, ledger.name, random.peerSeed(), "drop", "receive", "--history", "--sizes", "ramp")
        }
        var joiner = try startJoiner()
        let kills = ChaosSeed.scaled(40)
        var pauses = SeededRandom(seed: random.next())
        let publisher = try Self.killPublishers(kills, ledger, context, &pauses, start: { () throws -> ServicePeer in
            try ServicePeer("pubsub-chaos-publish", name, ledger.name, random.peerSeed(), "block", "--linger", "--sizes", "ramp")
        }, between: { round in
            if round % 4 == 3 {
                joiner.killAndReap()
                joiner = try startJoiner()
            }
        })
        let received = ledger[PubSubLedger.received]
        #expect(TestSupport.eventually(timeout: 20) { ledger[PubSubLedger.received] > received + 50 },
                "\(context): the subscribers stopped receiving after the last takeover: \(ledger.summary)")
        let state = try Service(open: name).state
        joiner.killAndReap()
        ServicePeer.stopAll([publisher] + steady, context)
        ledger.expectClean(context)
        #expect(state.problem == nil, "\(context): \(state)")

        // remove takes the service and every pool generation; what a publisher killed while
        // creating a generation left under a hidden name is gc's (its creator is dead).
        try Service.remove(name)
        func leftovers() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? []).filter { $0.contains(name) } }
        #expect(leftovers().allSatisfy { $0.hasPrefix(".ipc-new.") }, "\(context): left behind after remove: \(leftovers()) (pools in the last state: \(state.pools))")
        _ = SegmentReport.collectGarbage(prefix: name, dryRun: false)
        #expect(leftovers().isEmpty, "\(context): left behind after remove and gc: \(leftovers())")
    }

    /// Starts a publisher with `start` and, `kills` times, waits until it has taken the seat,
    /// lets it publish 2–40 ms, SIGKILLs it (often mid-write), runs `between`, and starts the
    /// next; returns the last one, running.
    static func killPublishers(_ kills: Int, _ ledger: PubSubLedger, _ context: String, _ random: inout SeededRandom,
                               start: () throws -> ServicePeer, between: (Int) throws -> Void = { _ in }) throws -> ServicePeer {
        var publisher = try start()
        for round in 0..<kills {
            let seated = TestSupport.eventually(timeout: 10) { ledger[PubSubLedger.publishers] > UInt64(round) }
            #expect(seated, "\(context): publisher \(round) did not take over the seat: \(publisher.description) \(ledger.summary)")
            if !seated { break }
            usleep(UInt32(2_000 + random.below(38_000)))
            publisher.killAndReap()
            try between(round)
            publisher = try start()
        }
        return publisher
    }
}
