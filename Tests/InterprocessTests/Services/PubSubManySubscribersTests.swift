import Foundation
import Interprocess
import Testing

/// At least 256 subscribers per service, across processes.
@Suite("Publish/subscribe: 256 subscribers", .serialized, .timeLimit(.minutes(5)))
struct PubSubManySubscribersTests {
    @Test("256 .block subscribers in 4 processes each receive every sample from a publisher process; the 257th gets resourceLimit")
    func twoHundredFiftySixSubscribers() throws {
        let name = TestSupport.uniqueName("pubsub-256")
        let count = 2_000, perProcess = 64
        let service = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 64), maximumSubscribers: 256,
                                                                                    bufferCapacity: 64, overrunPolicy: .block))
        defer { try? Service.remove(name) }
        let groups = try (0..<4).map { _ in try ServicePeer("pubsub-many", name, String(perProcess), String(count - 1)) }
        for group in groups { #expect(group.waitForOutput("attached \(perProcess)", timeout: 30), "\(group.description)") }
        #expect(service.state.subscribers.count == 256)
        let extra = #expect(throws: InterprocessError.self) { _ = try Subscriber(service: service) }
        #expect(extra?.code == .resourceLimit, "\(String(describing: extra))")

        let publisher = try ServicePeer("pubsub-publish", name, String(count), "small")
        publisher.waitForExit(timeout: 120)
        #expect(publisher.exitedCleanly, "\(publisher.description)")
        for group in groups {
            group.waitForExit(timeout: 60)
            #expect(group.exitedCleanly && group.output.contains("received \(perProcess * count)"), "\(group.description)")
        }
        #expect(service.state.subscribers.isEmpty, "\(service.state.subscribers.count) subscribers still listed")
    }
}
