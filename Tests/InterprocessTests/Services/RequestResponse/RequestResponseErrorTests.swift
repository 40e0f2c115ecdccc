import Foundation
@testable import Interprocess
import Testing

/// Wrong configurations, kinds and sizes: typed errors naming what is wrong.
@Suite("Request/response errors", .timeLimit(.minutes(1)))
struct RequestResponseErrorTests {
    @Test("a configuration out of range is invalidArgument naming the field")
    func outOfRange() {
        let cases: [(RequestResponseConfiguration, String)] = [
            (.init(maximumRequestSize: 0), "maximumRequestSize"),
            (.init(maximumResponseSize: 17 << 20), "maximumResponseSize"),
            (.init(maximumClients: 0), "maximumClients"),
            (.init(requestsInFlightPerClient: 65), "requestsInFlightPerClient"),
            (.init(responsesPerRequest: 0), "responsesPerRequest"),
            (.init(maximumRequestSize: 16 << 20, maximumResponseSize: 16 << 20, maximumClients: 4096,
                   requestsInFlightPerClient: 64, responsesPerRequest: 1024), "shared memory"),
        ]
        for (configuration, field) in cases {
            let error = #expect(throws: InterprocessError.self, "\(field)") {
                _ = try RequestResponseService(create: TestSupport.uniqueName("rpc-bad"), configuration: configuration)
            }
            #expect(error?.code == .invalidArgument && error?.reason.contains(field) == true, "\(String(describing: error))")
        }
        #expect(RequestResponseService.maximumClientsRange.contains(256))
    }

    @Test("openOrCreate with another configuration is incompatibleConfiguration naming the field")
    func incompatible() throws {
        let name = TestSupport.uniqueName("rpc-incompat")
        defer { try? RequestResponseService.remove(name) }
        let first = try RequestResponseService(openOrCreate: name, configuration: .init(maximumClients: 8))
        #expect(first.wasCreated)
        #expect((#expect(throws: InterprocessError.self) { _ = try Server(create: name, configuration: .init()) })?.code == .alreadyExists)
        let again = try RequestResponseService(openOrCreate: name, configuration: .init(maximumClients: 8))
        #expect(!again.wasCreated)
        let error = #expect(throws: InterprocessError.self) {
            _ = try Server(openOrCreate: name, configuration: .init(maximumClients: 8, responsesPerRequest: 9))
        }
        #expect(error?.code == .incompatibleConfiguration && error?.reason.contains("responsesPerRequest: 4 vs 9") == true,
                "\(String(describing: error))")
    }

    @Test("opening another kind is wrongKind, a missing service notFound or timedOut, removing another kind wrongKind")
    func kinds() throws {
        let name = TestSupport.uniqueName("rpc-kind")
        defer { try? SPSCQueue.remove(name) }
        _ = try SPSCQueue(create: name, capacity: 1024, maximumRecordSize: 8)
        #expect((#expect(throws: InterprocessError.self) { _ = try RequestResponseService(open: name) })?.code == .wrongKind)
        #expect((#expect(throws: InterprocessError.self) { _ = try Client(open: name) })?.code == .wrongKind)
        #expect((#expect(throws: InterprocessError.self) { try RequestResponseService.remove(name) })?.code == .wrongKind)
        let missing = TestSupport.uniqueName("rpc-missing")
        #expect((#expect(throws: InterprocessError.self) { _ = try Client(open: missing) })?.code == .notFound)
        #expect((#expect(throws: InterprocessError.self) { _ = try Client(open: missing, timeout: .milliseconds(30)) })?.code == .timedOut)
        #expect(SegmentKind.requestResponse.rawValue == 15 && SegmentKind.requestResponse.name == "request-response")
    }

    @Test("an oversized request or response is invalidArgument; nothing is sent")
    func oversized() throws {
        let name = TestSupport.uniqueName("rpc-size")
        defer { try? RequestResponseService.remove(name) }
        let service = try RequestResponseService(create: name, configuration: .init(maximumRequestSize: 8, maximumResponseSize: 4))
        var client = try Client(service: service)
        let error = #expect(throws: InterprocessError.self) { _ = try client.send(contentsOf: [UInt8](repeating: 1, count: 9)) }
        #expect(error?.code == .invalidArgument && error?.reason.contains("0...8") == true)
        #expect(client.requestsInFlight == 0)
        _ = try client.send(UInt64(1))
        var server = try Server(service: service)
        guard var request = try server.tryReceive() else {
            Issue.record("the request did not arrive")
            return
        }
        let big = #expect(throws: InterprocessError.self) { try request.respond(UInt64(2)) }
        #expect(big?.code == .invalidArgument)
        try request.respond(UInt32(2))
        let double = #expect(throws: InterprocessError.self) { try request.respond(UInt32(3)) }
        #expect(double?.code == .invalidArgument, "a complete request takes no more responses")
    }

    @Test("a client limit: the next client is resourceLimit while every seat is live, and gets a seat once one leaves")
    func clientLimit() throws {
        let name = TestSupport.uniqueName("rpc-limit")
        defer { try? RequestResponseService.remove(name) }
        let service = try RequestResponseService(create: name, configuration: .init(maximumClients: 2))
        let first = try Client(service: service)
        let second = try Client(service: service)
        #expect((#expect(throws: InterprocessError.self) { _ = try Client(service: service) })?.code == .resourceLimit)
        #expect(first.seatIndex != second.seatIndex)
        _ = consume first
        let third = try Client(service: service)
        #expect(third.seatIndex == 0)
        _ = second
    }
}
