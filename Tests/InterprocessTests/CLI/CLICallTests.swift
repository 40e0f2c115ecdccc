import Foundation
import Interprocess
import Testing

/// `interprocess call SERVICE`, and request/response services through `inspect`.
@Suite("CLI: call", .timeLimit(.minutes(1)))
struct CLICallTests {
    @Test("call sends the argument and prints the response; --json gives the request id and every streamed response")
    func call() throws {
        let name = TestSupport.uniqueName("cli-call")
        defer { try? RequestResponseService.remove(name) }
        let echo = try ServicePeer("rpc-serve", name, "1", "echo", "0", "1")
        let plain = try TestSupport.cli("call", name, "abc", "--timeout", "20s")
        #expect(plain.status == 0, "\(plain)")
        let expected = RequestResponseCrossProcessTests.answer(Array("abc".utf8))
        #expect(plain.standardOutput == SampleTextLine.line(expected) + "\n", "\(plain)")
        #expect(echo.waitForExit(timeout: 10) == 0, "\(echo.description)")

        let stream = try ServicePeer("rpc-serve", name, "1", "stream", "0", "1")
        let json = try TestSupport.cli("call", name, "xy", "--json", "--timeout", "20s")
        #expect(json.status == 0, "\(json)")
        let responses = try CLIJSON.list(json.standardOutput, "responses")
        #expect(responses.count == 3 && responses.allSatisfy { $0["final"] as? Bool == false && $0["byteCount"] as? Int == 3 }, "\(json)")
        #expect(try CLIJSON.object(json.standardOutput)["request"] as? String != nil)
        #expect(stream.waitForExit(timeout: 10) == 0, "\(stream.description)")
    }

    @Test("100 calls, each to a server process started with it that answers once and exits: every call prints its answer")
    func callsToOneShotServers() throws {
        // A client judges a server it finds gone in /proc, which takes long enough for the
        // server to take the request, answer, complete it and exit in between: the answer must
        // still be delivered, not turned into peerDied (2 calls in 100 were, before the fix).
        let name = TestSupport.uniqueName("cli-oneshot")
        defer { try? RequestResponseService.remove(name) }
        var failures: [String] = []
        for round in 0..<100 {
            let server = try ServicePeer("rpc-serve", name, "1", "echo", "0", "1")
            let argument = "r\(round)"
            let call = try TestSupport.cli("call", name, argument, "--timeout", "20s")
            let expected = SampleTextLine.line(RequestResponseCrossProcessTests.answer(Array(argument.utf8))) + "\n"
            if call.status != 0 || call.standardOutput != expected { failures.append("round \(round): \(call)") }
            if server.waitForExit(timeout: 10) != 0 { failures.append("round \(round): \(server.description)") }
        }
        #expect(failures.isEmpty, "\(failures.count) of 100 failed: \(failures.prefix(3))")
    }

    @Test("call without a server times out: exit 1 and a timedOut error; inspect shows the service's clients and server")
    func timeoutAndInspect() throws {
        let name = TestSupport.uniqueName("cli-call-none")
        defer { try? RequestResponseService.remove(name) }
        let service = try RequestResponseService(create: name, configuration: .init(maximumClients: 3))
        let late = try TestSupport.cli("call", name, "abc", "--json", "--timeout", "200ms")
        #expect(late.status == 1, "\(late)")
        #expect(try CLIJSON.member(late.standardOutput, "error")["code"] as? String == "timedOut", "\(late)")
        let client = try Client(service: service)
        let inspected = try TestSupport.cli("inspect", name, "--json")
        #expect(inspected.status == 0, "\(inspected)")
        let state = try CLIJSON.member(inspected.standardOutput, "state")
        #expect((state["configuration"] as? [String: Any])?["maximumClients"] as? Int == 3)
        let clients = try #require(state["clients"] as? [[String: Any]])
        #expect(clients.count == 1 && clients.first?["seat"] as? Int == client.seatIndex, "\(inspected)")
        let text = try TestSupport.cli("inspect", name)
        #expect(text.standardOutput.contains("request-response (15)") && text.standardOutput.contains("server:"), "\(text)")
    }
}

/// `SampleText.line` as the CLI prints it, for the plain ASCII answers these tests expect.
enum SampleTextLine {
    static func line(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }
}
