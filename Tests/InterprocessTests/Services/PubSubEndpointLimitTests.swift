import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Seats held by live processes are refused with typed errors; seats of dead ones are taken over.
@Suite("Publish/subscribe: subscriber limit and publisher seat across processes", .serialized, .timeLimit(.minutes(5)))
struct PubSubEndpointLimitTests {
    @Test("maximumSubscribers live subscribers in other processes: resourceLimit; once one is killed, its entry is reclaimed")
    func subscriberLimit() throws {
        let name = TestSupport.uniqueName("pubsub-limit")
        let service = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 64), maximumSubscribers: 2))
        defer { try? Service.remove(name) }
        let holders = try (0..<2).map { _ in try ServicePeer("pubsub-hold", name, "subscriber") }
        for holder in holders { #expect(holder.waitForOutput("attached"), "\(holder.description)") }

        let here = #expect(throws: InterprocessError.self) { _ = try Subscriber(service: service) }
        #expect(here?.code == .resourceLimit, "\(String(describing: here))")
        let peer = try TestSupport.peer("pubsub-hold", name, "subscriber")
        #expect(peer.status == 1 && peer.standardOutput.contains("error resourceLimit"), "\(peer)")
        let live = service.state.subscribers
        #expect(live.count == 2 && live.allSatisfy { $0.process.liveness == .alive }, "\(live)")
        #expect(Set(live.map { $0.process.identity.pid }) == Set(holders.map { $0.pid }), "\(live)")

        // A killed subscriber's entry is reclaimed by the next one to attach.
        holders[0].killAndReap()
        var subscriber = try Subscriber(service: service)
        let again = #expect(throws: InterprocessError.self) { _ = try Subscriber(service: service) }
        #expect(again?.code == .resourceLimit, "the live holder and the new subscriber fill the table: \(String(describing: again))")
        var publisher = try Publisher(service: service)
        try publisher.send(contentsOf: [42])
        #expect(try subscriber.receive(until: .after(.seconds(5))) == [42])
    }

    @Test("a second publisher while a live process publishes: alreadyExists naming its pid; after it is killed, the seat is taken over")
    func publisherSeat() throws {
        let name = TestSupport.uniqueName("pubsub-seat")
        let service = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 64)))
        defer { try? Service.remove(name) }
        let holder = try ServicePeer("pubsub-hold", name, "publisher")
        #expect(holder.waitForOutput("attached"), "\(holder.description)")
        let error = #expect(throws: InterprocessError.self) { _ = try Publisher(service: service) }
        #expect(error?.code == .alreadyExists, "\(String(describing: error))")
        #expect(error?.reason.contains(String(holder.pid)) == true, "the error should name the live publisher: \(String(describing: error))")
        #expect(service.state.publisher?.identity.pid == holder.pid, "\(String(describing: service.state.publisher))")

        holder.killAndReap()
        var subscriber = try Subscriber(service: service)
        var publisher = try Publisher(service: service)
        #expect(service.state.publisher?.identity.pid == getpid())
        try publisher.send(contentsOf: [1, 2])
        #expect(try subscriber.receive(until: .after(.seconds(5))) == [1, 2])
    }
}
