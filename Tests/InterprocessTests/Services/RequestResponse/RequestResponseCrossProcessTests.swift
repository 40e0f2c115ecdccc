import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Servers and clients in separate processes (the test peer's `rpc-*` commands): many clients
/// with random delays, dead servers and clients, a new server taking over.
@Suite("Request/response across processes", .timeLimit(.minutes(1)))
struct RequestResponseCrossProcessTests {
    /// The configuration the test peer's `rpc-*` commands use.
    static let peerConfiguration = RequestResponseConfiguration(
        maximumRequestSize: 256, maximumResponseSize: 256, maximumClients: 256, requestsInFlightPerClient: 4, responsesPerRequest: 4)

    /// The peer's answer: the request reversed, each byte XOR 0xA5, then the response's index.
    static func answer(_ request: [UInt8], index: Int = 0) -> [UInt8] {
        request.reversed().map { $0 ^ 0xA5 } + [UInt8(index)]
    }

    @Test("six client processes × one server process with random delays: every response answers its own request")
    func manyClients() throws {
        let name = TestSupport.uniqueName("rpc-many")
        defer { try? RequestResponseService.remove(name) }
        let server = try ServicePeer("rpc-serve", name, "forever", "echo", "200", "7")
        let clients = try (0..<6).map { try ServicePeer("rpc-client", name, "150", "300", "\($0 + 1)") }
        for client in clients {
            #expect(client.waitForExit(timeout: 40) == 0, "\(client.description)")
            #expect(client.report("ok")?["ok"] == "150", "\(client.description)")
        }
        #expect(server.waitForOutput("serving"), "\(server.description)")
        ServicePeer.stopAll([server], "the server serves until killed")
    }

    @Test("a streamed answer from another process arrives whole and in order, then ends")
    func streamAcrossProcesses() throws {
        let name = TestSupport.uniqueName("rpc-xstream")
        defer { try? RequestResponseService.remove(name) }
        let service = try RequestResponseService(openOrCreate: name, configuration: Self.peerConfiguration)
        let server = try ServicePeer("rpc-serve", name, "1", "stream", "0", "1")
        var client = try Client(service: service)
        let id = try client.send(contentsOf: [1, 2, 3])
        var responses: [[UInt8]] = []
        while let response = try client.receiveResponse(to: id, timeout: .seconds(10)) { responses.append(response) }
        #expect(responses == (0..<3).map { Self.answer([1, 2, 3], index: $0) })
        #expect(server.waitForExit(timeout: 10) == 0, "\(server.description)")
    }

    @Test("a server killed holding a request: the waiting client gets peerDied at once, and a new server takes over")
    func deadServer() throws {
        let name = TestSupport.uniqueName("rpc-dead-server")
        defer { try? RequestResponseService.remove(name) }
        let service = try RequestResponseService(openOrCreate: name, configuration: Self.peerConfiguration)
        let server = try ServicePeer("rpc-serve", name, "forever", "hold", "0", "1")
        #expect(server.waitForOutput("serving"), "\(server.description)")
        var client = try Client(service: service)
        let id = try client.send(contentsOf: [9])
        #expect(server.waitForOutput("holding"), "\(server.description)")
        let queued = try client.send(contentsOf: [10])
        server.killAndReap()
        let started = ContinuousClock.now
        let error = #expect(throws: InterprocessError.self) { _ = try client.receiveResponse(to: id, timeout: .seconds(20)) }
        #expect(error?.code == .peerDied, "\(String(describing: error))")
        let queuedError = #expect(throws: InterprocessError.self) { _ = try client.receiveResponse(to: queued, timeout: .seconds(20)) }
        #expect(queuedError?.code == .peerDied, "a request not taken yet fails too: its server is dead")
        #expect(ContinuousClock.now - started < .seconds(10), "noticed long before the deadline")
        #expect(client.requestsInFlight == 0)
        // A new server in this process takes the dead one's place and serves the next request.
        let replacement = ServerThread.echoWithIndex(service, count: 1)
        #expect(TestSupport.eventually { service.state.server?.identity.pid == getpid() })
        #expect(try client.request(contentsOf: [4, 5], timeout: .seconds(10)) == Self.answer([4, 5]))
        try replacement.wait()
        #expect(service.state.takeovers == 1)
    }

    @Test("a client killed with a request pending: its seat goes to the next client, and the server's answers to it are dropped")
    func deadClient() throws {
        let name = TestSupport.uniqueName("rpc-dead-client")
        defer { try? RequestResponseService.remove(name) }
        let service = try RequestResponseService(openOrCreate: name, configuration: .init(maximumClients: 1))
        let holder = try ServicePeer("rpc-client-hold", name, "0102")
        #expect(holder.waitForOutput("sent"), "\(holder.description)")
        #expect((#expect(throws: InterprocessError.self) { _ = try Client(service: service) })?.code == .resourceLimit)
        var server = try Server(service: service)
        var orphan = try server.receive(timeout: .seconds(10))
        let (orphanBytes, orphanPID) = (orphan.bytes, orphan.clientPID)
        #expect(orphanBytes == [1, 2] && orphanPID == holder.pid)
        #expect(service.state.clients.first?.pendingRequests == 1)
        holder.killAndReap()
        var client = try Client(service: service)
        #expect(client.seatIndex == 0)
        let abandoned = orphan.isAbandoned
        #expect(abandoned, "the seat's new client is not the one that asked")
        try orphan.respond(contentsOf: [0xEE])
        let id = try client.send(contentsOf: [3])
        var request = try server.receive(timeout: .seconds(10))
        let (bytes, requestID) = (request.bytes, request.id)
        #expect(bytes == [3] && requestID == id)
        try request.respond(contentsOf: [4])
        #expect(try client.receiveResponse(to: id, timeout: .seconds(10)) == [4], "never the dead client's answer")
    }

    @Test("a request left by a client killed before any server took it is dropped by the next server, not answered")
    func deadClientBeforeServer() throws {
        let name = TestSupport.uniqueName("rpc-orphan")
        defer { try? RequestResponseService.remove(name) }
        let service = try RequestResponseService(openOrCreate: name, configuration: .init(maximumClients: 2))
        let holder = try ServicePeer("rpc-client-hold", name, "0a0b")
        #expect(holder.waitForOutput("sent"), "\(holder.description)")
        #expect(service.state.clients.first?.pendingRequests == 1)
        holder.killAndReap()
        var server = try Server(service: service)
        let taken = try server.tryReceive() != nil
        #expect(!taken, "nobody waits for its answer")
        #expect(service.state.clients.first?.pendingRequests == 0)
    }

    @Test("kill clients and servers at random 200 times: no wrong response, no call late past its deadline, a new server always takes over")
    func killChaos() throws {
        let name = TestSupport.uniqueName("rpc-chaos")
        defer { try? RequestResponseService.remove(name) }
        let service = try RequestResponseService(openOrCreate: name, configuration: Self.peerConfiguration)
        var random = SystemRandomNumberGenerator()
        var seed = 1
        func spawnServer() throws -> ServicePeer {
            seed += 1
            return try ServicePeer("rpc-serve", name, "forever", "echo", "\(Int.random(in: 0...200, using: &random))", "\(seed)")
        }
        func spawnClient() throws -> ServicePeer {
            seed += 1
            return try ServicePeer("rpc-client", name, "forever", "\(Int.random(in: 0...500, using: &random))", "\(seed)")
        }
        var server = try spawnServer()
        var clients = try (0..<4).map { _ in try spawnClient() }
        func check(_ peer: ServicePeer) {
            #expect(!peer.output.contains("WRONG") && !peer.output.contains("LATE"), "\(peer.description)")
            if peer.hasExited { #expect(peer.terminatingSignal == SIGKILL, "only killed, never failed: \(peer.description)") }
        }
        var kills = 0
        var serverKills = 0
        while kills < 200 {
            usleep(UInt32.random(in: 2_000...12_000, using: &random))
            if Int.random(in: 0..<4, using: &random) == 0 {
                check(server)
                server.killAndReap()
                server = try spawnServer()
                serverKills += 1
            } else {
                let index = Int.random(in: 0..<clients.count, using: &random)
                check(clients[index])
                clients[index].killAndReap()
                clients[index] = try spawnClient()
            }
            kills += 1
        }
        for peer in clients + [server] {
            check(peer)
            peer.killAndReap()
        }
        #expect(serverKills > 20)
        // Whatever the kills left in the words, a new server and client work at once (once the
        // server is attached: a request sent while the last server is dead fails at once).
        let replacement = ServerThread.echoWithIndex(service, count: 1)
        let attached = TestSupport.eventually { service.state.server?.identity.pid == getpid() }
        #expect(attached, "the new server did not attach: \(attached ? "" : String(describing: Result { try replacement.wait() }))")
        var client = try Client(service: service)
        #expect(try client.request(contentsOf: [1, 2, 3], timeout: .seconds(10)) == Self.answer([1, 2, 3]))
        try replacement.wait()
    }
}

extension ServerThread {
    /// Answers `count` requests as the test peer does (``RequestResponseCrossProcessTests/answer(_:index:)``).
    static func echoWithIndex(_ service: RequestResponseService, count: Int) -> ServerThread {
        ServerThread(service) { (server: inout Server) throws(InterprocessError) in
            for _ in 0..<count {
                var request = try server.receive(timeout: .seconds(10))
                try request.respond(contentsOf: RequestResponseCrossProcessTests.answer(request.bytes), timeout: .seconds(10))
            }
        }
    }
}
