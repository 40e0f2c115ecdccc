import Interprocess

#if canImport(Glibc)
import Glibc
#endif

/// The request/response peers. Every command attaches with `openOrCreate` and the same
/// configuration (``configuration``), so that servers and clients start in any order; a
/// response's bytes are ``answer(to:index:)`` of its request's, so that a client can tell a
/// response meant for another request or client.
enum RequestResponseCommands {
    static let configuration = RequestResponseConfiguration(
        maximumRequestSize: 256, maximumResponseSize: 256, maximumClients: 256, requestsInFlightPerClient: 4, responsesPerRequest: 4)

    /// The response number `index` to `request`: its bytes reversed, each XOR 0xA5, then `index`.
    static func answer(to request: [UInt8], index: Int) -> [UInt8] {
        request.reversed().map { $0 ^ 0xA5 } + [UInt8(truncatingIfNeeded: index)]
    }

    static func say(_ line: String) {
        print(line)
        fflush(nil)
    }

    /// `rpc-serve NAME COUNT|forever echo|stream|hold DELAY-US SEED`: becomes the server, prints
    /// "serving", answers COUNT requests (echo: one response; stream: 3 responses, then the
    /// end; hold: none, keeping the first request until killed), waiting a random 0…DELAY-US before each, then
    /// prints "served N".
    static func serve(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let countText = try arguments.next("COUNT")
        let mode = try arguments.next("MODE")
        let delay = try arguments.nextInt("DELAY-US")
        var random = PeerRandom(seed: UInt64(try arguments.nextInt("SEED")))
        try arguments.finish()
        let limit = countText == "forever" ? Int.max : Int(countText) ?? 0
        var server = try Server(openOrCreate: name, configuration: configuration)
        say("serving")
        var served = 0
        while served < limit {
            var request = try server.receive()
            if delay > 0 { usleep(UInt32(random.next() % UInt64(delay + 1))) }
            let bytes = request.bytes
            switch mode {
            case "echo":
                try request.respond(contentsOf: answer(to: bytes, index: 0), timeout: .seconds(5))
            case "stream":
                for index in 0..<3 { try request.send(contentsOf: answer(to: bytes, index: index), timeout: .seconds(5)) }
                request.complete()
            default:
                // Keeps the request and the server (used in the loop, so that its lifetime does
                // not end here: a server handle that goes away gives its seat up) until killed.
                say("holding \(request.id)")
                while !server.service.name.isEmpty { sleep(1) }
            }
            served += 1
        }
        say("served \(served)")
    }

    /// `rpc-client NAME COUNT|forever DELAY-US SEED`: attaches a client (waiting up to 10 s for
    /// the service), sends COUNT requests of 8–64 bytes naming this process, each with a 2 s
    /// deadline, and checks every response. A wrong response prints "WRONG …" and exits 3; a
    /// call that returns more than 1 s after its deadline prints "LATE …" and exits 3. Ends with
    /// "ok N died D timedOut T other O".
    static func client(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let countText = try arguments.next("COUNT")
        let delay = try arguments.nextInt("DELAY-US")
        var random = PeerRandom(seed: UInt64(try arguments.nextInt("SEED")))
        try arguments.finish()
        let limit = countText == "forever" ? Int.max : Int(countText) ?? 0
        _ = try RequestResponseService(openOrCreate: name, configuration: configuration)
        var client = try Client(open: name, timeout: .seconds(10))
        say("attached \(client.seatIndex)")
        var ok = 0, died = 0, timedOut = 0, other = 0
        var sent = 0
        while sent < limit {
            sent += 1
            var request = withUnsafeBytes(of: getpid()) { [UInt8]($0) } + withUnsafeBytes(of: sent) { [UInt8]($0) }
            for _ in 0..<Int(random.next() % 53) { request.append(UInt8(truncatingIfNeeded: random.next())) }
            let deadline = Deadline.after(.seconds(2))
            do {
                let response = try client.request(contentsOf: request, until: deadline)
                guard response == answer(to: request, index: 0) else {
                    say("WRONG request \(request) response \(response)")
                    exit(3)
                }
                ok += 1
            } catch {
                switch error.code {
                case .peerDied: died += 1
                case .timedOut: timedOut += 1
                default:
                    other += 1
                    TestPeer.printError("\(error)")
                }
            }
            if Deadline.now.nanoseconds > deadline.nanoseconds &+ 1_000_000_000 {
                say("LATE by \((Deadline.now.nanoseconds &- deadline.nanoseconds) / 1_000_000) ms")
                exit(3)
            }
            if delay > 0 { usleep(UInt32(random.next() % UInt64(delay + 1))) }
        }
        say("ok \(ok) died \(died) timedOut \(timedOut) other \(other)")
    }

    /// `rpc-client-hold NAME HEX`: attaches a client, sends the request HEX, prints "sent ID
    /// seat S" and waits without reading (until killed).
    static func clientHold(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let bytes = try arguments.nextHex("HEX")
        try arguments.finish()
        var client = try Client(open: name, timeout: .seconds(10))
        let id = try client.send(contentsOf: bytes)
        say("sent \(id) seat \(client.seatIndex)")
        while true { sleep(1) }
    }
}
