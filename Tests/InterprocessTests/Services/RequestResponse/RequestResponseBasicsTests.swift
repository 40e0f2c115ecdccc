import Foundation
@testable import Interprocess
import Testing

/// Creating and opening request/response services, and round trips in one process (the server
/// on a thread of its own).
@Suite("Request/response basics", .timeLimit(.minutes(1)))
struct RequestResponseBasicsTests {
    static let small = RequestResponseConfiguration(maximumRequestSize: 64, maximumResponseSize: 64, maximumClients: 4,
                                                    requestsInFlightPerClient: 2, responsesPerRequest: 2)

    @Test("a request gets its response: bytes, a value, and in place, with the request's id")
    func roundTrip() throws {
        let name = TestSupport.uniqueName("rpc-rt")
        defer { try? RequestResponseService.remove(name) }
        let service = try RequestResponseService(create: name, configuration: Self.small)
        let server = ServerThread(service) { (server: inout Server) throws(InterprocessError) in
            var bytes = try server.receive(timeout: .seconds(10))
            try bytes.respond(contentsOf: ServerThread.answer(bytes.bytes))
            var value = try server.receive(timeout: .seconds(10))
            try value.respond(try value.load(as: Int.self) * 3)
            var inPlace = try server.receive(timeout: .seconds(10))
            let count = inPlace.byteCount
            let id = inPlace.id
            try inPlace.respond(upTo: 16) { out in
                out.append(UInt64(count), as: UInt64.self)
                out.append(id.rawValue, as: UInt64.self)
            }
        }
        var client = try Client(open: name)
        #expect(try client.request(contentsOf: [1, 2, 3], timeout: .seconds(10)) == ServerThread.answer([1, 2, 3]))
        #expect(try client.request(14, as: Int.self, timeout: .seconds(10)) == 42)
        let id = try client.send(upTo: 8) { out in out.append(UInt32(7), as: UInt32.self) }
        let echoed = try client.receiveResponse(to: id, timeout: .seconds(10)) { (response: borrowing Response) throws(InterprocessError) in
            (try response.load(as: UInt64.self), try response.load(fromByteOffset: 8, as: UInt64.self), response.isFinal, response.request)
        }
        #expect(echoed?.0 == 4 && echoed?.1 == id.rawValue && echoed?.2 == true && echoed?.3 == id)
        #expect(try client.receiveResponse(to: id, timeout: .seconds(1)) == nil, "the request is complete")
        #expect(client.requestsInFlight == 0)
        try server.wait()
    }

    @Test("a stream of responses ends when the server completes the request; the ring makes the server wait for the client")
    func stream() throws {
        let name = TestSupport.uniqueName("rpc-stream")
        defer { try? RequestResponseService.remove(name) }
        let service = try RequestResponseService(create: name, configuration: Self.small)
        let server = ServerThread(service) { (server: inout Server) throws(InterprocessError) in
            for _ in 0..<2 {
                var request = try server.receive(timeout: .seconds(10))
                // Five responses through a ring of two: the server waits for the client.
                for index in 0..<5 { try request.send(UInt8(index) &+ request.bytes[0], timeout: .seconds(10)) }
                request.complete()
            }
        }
        var client = try Client(service: service)
        let first = try client.send(contentsOf: [10])
        var seen: [UInt8] = []
        while let value = try client.receiveResponse(to: first, as: UInt8.self, timeout: .seconds(10)) { seen.append(value) }
        #expect(seen == [10, 11, 12, 13, 14])
        let second = try client.send(contentsOf: [20])
        var streamed: [[UInt8]] = []
        while let response = try client.receiveResponse(to: second, timeout: .seconds(10)) { streamed.append(response) }
        #expect(streamed == [[20], [21], [22], [23], [24]])
        try server.wait()
    }

    @Test("a client may start before the server: its request waits for one")
    func clientFirst() throws {
        let name = TestSupport.uniqueName("rpc-first")
        defer { try? RequestResponseService.remove(name) }
        let service = try RequestResponseService(create: name, configuration: Self.small)
        var client = try Client(service: service)
        let id = try client.send(contentsOf: [5, 6])
        #expect(try client.tryReceiveResponse(to: id) == .some(.none) ? false : true)
        let server = ServerThread.echo(service, count: 1)
        #expect(try client.receiveResponse(to: id, timeout: .seconds(10)) == ServerThread.answer([5, 6]))
        try server.wait()
    }

    @Test("deadlines throw timedOut and leave the request in flight; cancel frees its slot")
    func deadlines() throws {
        let name = TestSupport.uniqueName("rpc-deadline")
        defer { try? RequestResponseService.remove(name) }
        let service = try RequestResponseService(create: name, configuration: Self.small)
        var client = try Client(service: service)
        let id = try client.send(contentsOf: [1])
        let late = #expect(throws: InterprocessError.self) { _ = try client.receiveResponse(to: id, until: .after(.milliseconds(50))) }
        #expect(late?.code == .timedOut)
        #expect(client.requestsInFlight == 1)
        _ = try client.send(contentsOf: [2])
        let full = #expect(throws: InterprocessError.self) { _ = try client.send(contentsOf: [3]) }
        #expect(full?.code == .resourceLimit, "two requests in flight is the limit")
        client.cancel(id)
        #expect(client.requestsInFlight == 1)
        #expect(try client.trySend(contentsOf: [4]) != nil, "a withdrawn request frees its slot at once")
        var server = try Server(service: service)
        let timedOut = #expect(throws: InterprocessError.self) {
            _ = try client.request(contentsOf: [5], timeout: .milliseconds(50))
        }
        #expect(timedOut?.code == .resourceLimit || timedOut?.code == .timedOut)
        #expect(try server.tryReceive() != nil)
        let waited = #expect(throws: InterprocessError.self) { _ = try Server(service: service) }
        #expect(waited?.code == .alreadyExists, "one live server at a time")
    }

    @Test("an async request is cancelled with its task: .cancelled, and the request withdrawn")
    func asyncCancellation() async throws {
        let name = TestSupport.uniqueName("rpc-cancel")
        defer { try? RequestResponseService.remove(name) }
        let service = try RequestResponseService(create: name, configuration: Self.small)
        let task = Task { () async throws(InterprocessError) -> [UInt8] in
            var client = try Client(service: service)
            return try await client.request(contentsOf: [1, 2])
        }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = await task.result
        guard case .failure(let error) = result else { Issue.record("the request returned"); return }
        #expect((error as? InterprocessError)?.code == .cancelled, "\(error)")
        #expect(service.state.clients.isEmpty, "the client went away with its task")
        var server = try Server(service: service)
        #expect(try server.tryReceive() == nil, "the cancelled request was withdrawn")
    }

    @Test("async server and client: requests(), awaited requests with deadlines, a stream as an AsyncSequence")
    func asyncForms() async throws {
        let name = TestSupport.uniqueName("rpc-async")
        defer { try? RequestResponseService.remove(name) }
        let service = try RequestResponseService(create: name, configuration: Self.small)
        let serving = Task { () async throws in
            var count = 0
            do {
                let server = try Server(service: service)
                for try await request in server.requests() {
                    try await request.send(contentsOf: ServerThread.answer(request.bytes))
                    try await request.respond(contentsOf: [0xFF])
                    count += 1
                    if count == 3 { break }
                }
            }
            var server = try Server(service: service)
            var streaming = try await server.receive(until: .after(.seconds(10)))
            for index in 0..<3 { try await streaming.send(UInt8(index)) }
            streaming.complete()
        }
        var client = try Client(service: service)
        for round in 0..<3 {
            let id = try await client.send(contentsOf: [UInt8(round), 1], until: .after(.seconds(10)))
            #expect(try await client.receiveResponse(to: id, until: .after(.seconds(10))) == ServerThread.answer([UInt8(round), 1]))
            #expect(try await client.receiveResponse(to: id, until: .after(.seconds(10))) == [0xFF])
            #expect(try await client.receiveResponse(to: id, until: .after(.seconds(10))) == nil)
        }
        let id = try await client.send(contentsOf: [7])
        var streamed: [[UInt8]] = []
        for try await response in client.responses(to: id) { streamed.append(response) }
        #expect(streamed == [[0], [1], [2]])
        try await serving.value
    }

    @Test("the state lists the server and the clients with their pending requests")
    func state() throws {
        let name = TestSupport.uniqueName("rpc-state")
        defer { try? RequestResponseService.remove(name) }
        let service = try RequestResponseService(create: name, configuration: Self.small)
        var client = try Client(service: service)
        _ = try client.send(contentsOf: [1])
        _ = try client.send(contentsOf: [2])
        var server = try Server(service: service)
        let taken = try server.tryReceive()
        let state = service.state
        #expect(state.server?.identity.pid == getpid() && state.server?.liveness == .alive)
        #expect(state.clients.count == 1)
        #expect(state.clients.first?.pendingRequests == 2 && state.clients.first?.requestsInProgress == 1)
        #expect(state.clients.first?.process.identity.pid == getpid())
        #expect(state.servedCount == 1 && state.problem == nil)
        #expect(state.configuration == Self.small)
        _ = taken
    }
}
