import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One publisher and eight subscriber processes for a million samples: every byte of every
/// sample is checked against its sequence number, by every subscriber, while subscribers come
/// and go. `PUBSUB_SAMPLES` changes the count (for long local runs); `CHAOS_SEED` replays one.
@Suite("Publish/subscribe: a long run across processes", .serialized, .timeLimit(.minutes(5)))
struct PubSubLongRunTests {
    static let sampleCount = ProcessInfo.processInfo.environment["PUBSUB_SAMPLES"].flatMap(Int.init) ?? 1_000_000

    @Test("1 publisher × 8 subscribers, a million samples each: every sample checked; joiners see a contiguous suffix; a sleeping dropOldest subscriber counts exactly what it missed")
    func publisherAndEightSubscribers() throws {
        let seed = ChaosSeed.make()
        var random = SeededRandom(seed: seed)
        let count = Self.sampleCount, last = String(count - 1)
        let name = TestSupport.uniqueName("pubsub-run")
        // `.block` by default: the verifying subscribers lose nothing; small payloads.
        let configuration = ServiceConfiguration(payload: .bytes(maximumSize: 64), maximumSubscribers: 16,
                                                 bufferCapacity: 1024, overrunPolicy: .block)
        _ = try Service(create: name, configuration: configuration)
        defer { try? Service.remove(name) }

        // Five subscribers for the whole run, one slow `.dropOldest` one, and two seats whose
        // subscribers leave after a random count and are replaced by new ones.
        let steady = try (0..<5).map { _ in try ServicePeer("pubsub-subscribe", name, last, "block", "small") }
        // Sleeps 100 ms ten times during the run: lapped each time (the buffer holds 1024).
        let sleeper = try ServicePeer("pubsub-subscribe", name, last, "drop", "small", "--sleep-every", String(max(1, count / 10)), "100")
        for peer in steady + [sleeper] {
            #expect(peer.waitForOutput("attached"), "seed \(seed): \(peer.description)")
        }
        let publisher = try ServicePeer("pubsub-publish", name, String(count), "small", "6")

        func startChurner() throws -> ServicePeer {
            let leaveAfter = 1_000 + random.below(150_000)
            return try ServicePeer("pubsub-subscribe", name, last, "block", "small", "--leave-after", String(leaveAfter), "--idle", "10000")
        }
        var churners = try [startChurner(), startChurner()]
        var churned = 0, churnedSamples: UInt64 = 0
        func settle(_ churner: ServicePeer, publisherRunning: Bool) {
            let report = churner.report("received")
            #expect(churner.exitedCleanly && report != nil, "seed \(seed): \(churner.description)")
            guard let report else { return }
            #expect(report["missed"] == "0" && report["missedCount"] == "0", "seed \(seed): a .block joiner missed samples: \(churner.description)")
            #expect(report["receivedCount"] == report["received"], "seed \(seed): \(churner.description)")
            #expect(!(publisherRunning && report["end"] == "idle"), "seed \(seed): a joiner got nothing for 10 s while the publisher ran: \(churner.description)")
            churned += 1
            churnedSamples += UInt64(report["received"] ?? "0") ?? 0
        }
        let deadline = Date().addingTimeInterval(240)
        while !publisher.hasExited && Date() < deadline {
            for index in churners.indices where churners[index].hasExited {
                settle(churners[index], publisherRunning: true)
                churners[index] = try startChurner()
            }
            usleep(20_000)
        }
        #expect(publisher.waitForExit(timeout: 1) != nil && publisher.exitedCleanly, "seed \(seed): \(publisher.description)")
        #expect(publisher.output.contains("published \(count) last \(count - 1)"), "seed \(seed): \(publisher.description)")
        for churner in churners {
            churner.waitForExit(timeout: 30)
            settle(churner, publisherRunning: false)
        }

        for peer in steady {
            peer.waitForExit(timeout: 60)
            let report = peer.report("received")
            #expect(peer.exitedCleanly, "seed \(seed): \(peer.description)")
            #expect(report?["received"] == String(count) && report?["missed"] == "0" && report?["first"] == "0"
                    && report?["last"] == last && report?["receivedCount"] == String(count) && report?["missedCount"] == "0" && report?["end"] == "last",
                    "seed \(seed): \(peer.description)")
        }
        sleeper.waitForExit(timeout: 60)
        #expect(sleeper.exitedCleanly, "seed \(seed): \(sleeper.description)")
        if let report = sleeper.report("received"), let received = UInt64(report["received"] ?? ""), let missed = UInt64(report["missed"] ?? "") {
            // Received + missed = published since it joined (it joined before the first sample).
            #expect(received + missed == UInt64(count), "seed \(seed): \(sleeper.description)")
            #expect(missed > 0, "seed \(seed): the sleeping subscriber was never lapped: \(sleeper.description)")
            #expect(report["last"] == last, "seed \(seed): \(sleeper.description)")
            // The subscriber's own counters agree with what it saw.
            #expect(report["receivedCount"] == String(received) && report["missedCount"] == String(missed), "seed \(seed): \(sleeper.description)")
        } else {
            Issue.record("seed \(seed): no report from the sleeping subscriber: \(sleeper.description)")
        }
        #expect(churned >= 2, "seed \(seed): no subscriber joined and left during the run (\(churned), \(churnedSamples) samples)")

        // Everyone has left: the service shows no subscriber and every sample published.
        let state = try Service(open: name).state
        #expect(state.subscribers.isEmpty, "seed \(seed): \(state.subscribers)")
        #expect(state.publishedCount == UInt64(count), "seed \(seed): \(state.publishedCount)")
    }
}
