import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Back-pressure meets death: a `.block` subscriber that stops reading holds the publisher back
/// while it lives, and not once it is dead; a subscriber that hoards samples is refused before
/// it can starve the publisher.
@Suite("Publish/subscribe: a stalled .block subscriber, then a dead one", .serialized, .timeLimit(.minutes(5)))
struct PubSubBlockingTests {
    @Test("a live .block subscriber that never reads holds the publisher back (trySend nil, a deadline times out); once it is killed, a blocked publisher process goes on")
    func deadBlockSubscriberReleasesPublisher() throws {
        let name = TestSupport.uniqueName("pubsub-stall")
        let capacity = 4
        let service = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 64), bufferCapacity: capacity,
                                                                                    overrunPolicy: .block))
        defer { try? Service.remove(name) }
        let stalled = try ServicePeer("pubsub-hold", name, "subscriber", "block")
        #expect(stalled.waitForOutput("attached"), "\(stalled.description)")

        do {
            var publisher = try Publisher(service: service)
            var accepted = 0
            while try publisher.trySend(contentsOf: [1]) != nil {
                accepted += 1
                if accepted > 4 * capacity { break }
            }
            // At least bufferCapacity samples fit before the stalled subscriber holds it back.
            #expect(accepted >= capacity && accepted <= 2 * capacity, "trySend accepted \(accepted) with a buffer of \(capacity)")
            let held = #expect(throws: InterprocessError.self) { try publisher.send(contentsOf: [2], until: .after(.milliseconds(100))) }
            #expect(held?.code == .timedOut, "\(String(describing: held))")
        }

        // A publisher process blocked (no deadline) behind the live subscriber…
        let blocked = try ServicePeer("pubsub-publish", name, "50", "small")
        Thread.sleep(forTimeInterval: 0.3)
        #expect(!blocked.hasExited, "the publisher should wait for the live .block subscriber: \(blocked.description)")
        // …goes on once it dies (reclaimed on the publisher's periodic re-check; 10 s is liveness, not speed).
        stalled.killAndReap()
        blocked.waitForExit(timeout: 10)
        #expect(blocked.exitedCleanly && blocked.output.contains("published 50"), "\(blocked.description)")
        #expect(service.state.subscribers.isEmpty, "the dead subscriber is still listed: \(service.state.subscribers)")
    }

    @Test("a subscriber hoarding HeldSamples is refused at its loan limit (resourceLimit), and the publisher never runs dry")
    func hoarderIsRefusedNotThePublisher() async throws {
        let name = TestSupport.uniqueName("pubsub-hoard")
        let loans = 2
        let service = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 64), maximumSubscribers: 2,
                                                                                    bufferCapacity: 2, maximumLoansPerSubscriber: loans))
        defer { try? Service.remove(name) }
        let samples = try Subscriber(service: service).samples()
        var other = try Subscriber(service: service)
        var publisher = try Publisher(service: service)
        var hoard: [HeldSample] = []
        var refusal: InterprocessError?
        var iterator = samples.makeAsyncIterator()
        for index in 0..<40 {
            // Every send succeeds at once: the pool is sized for every subscriber holding its limit.
            let sequence = try publisher.trySend(contentsOf: [UInt8(index)])
            #expect(sequence != nil, "send \(index) would block")
            let received: [UInt8] = try await other.receive(until: .after(.seconds(5)))
            #expect(received == [UInt8(index)])
            if refusal == nil {
                do {
                    if let sample = try await iterator.next() { hoard.append(sample) }
                } catch {
                    refusal = error
                }
            }
        }
        #expect(hoard.count == loans, "the hoarder holds \(hoard.count), its limit is \(loans)")
        #expect(refusal?.code == .resourceLimit, "\(String(describing: refusal))")
        #expect(hoard.map { $0.bytes } == (0..<loans).map { [UInt8($0)] }, "the held samples changed under the hoarder")
        hoard.removeAll()
    }
}
