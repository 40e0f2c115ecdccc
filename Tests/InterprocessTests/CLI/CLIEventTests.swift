import Foundation
import Interprocess
import Testing

/// `interprocess notify`, `listen` and `inspect` of event services, as real processes.
@Suite("CLI: notify and listen", .timeLimit(.minutes(2)))
struct CLIEventTests {
    @Test("listen --create prints what notify sends; inspect shows the listener and its pending ids")
    func notifyListenInspect() throws {
        let name = TestSupport.uniqueName("cli-ev")
        defer { try? EventService.remove(name) }
        let listen = try CLIProcess(["listen", name, "--create", "--count", "3", "--timeout", "10s"])
        #expect(TestSupport.eventually { (try? EventService(open: name))?.state.listeners.count == 1 })
        let notified = try TestSupport.cli("notify", name, "4", "7", "--json")
        #expect(notified.status == 0 && notified.standardOutput.contains("\"listeners\" : 1"), "\(notified)")
        #expect(TestSupport.eventually { (try? EventService(open: name))?.state.listeners.first?.pendingEventIDs.isEmpty == true })
        #expect(try TestSupport.cli("notify", name, "9").status == 0)
        let listened = listen.wait()
        #expect(listened.status == 0, "\(listened)")
        #expect(listened.standardOutput.components(separatedBy: "\n").filter { !$0.isEmpty }.joined(separator: " ") == "4 7 9", "\(listened)")

        let listener = try Listener(service: EventService(open: name))
        #expect(try TestSupport.cli("notify", name, "2").status == 0)
        let inspected = try TestSupport.cli("inspect", name, "--json")
        #expect(inspected.status == 0, "\(inspected)")
        let object = try JSONSerialization.jsonObject(with: Data(inspected.standardOutput.utf8)) as? [String: Any]
        let listeners = (object?["state"] as? [String: Any])?["listeners"] as? [[String: Any]]
        #expect(listeners?.first?["pendingEventIDs"] as? [Int] == [2], "\(inspected)")
        let text = try TestSupport.cli("inspect", name)
        #expect(text.standardOutput.contains("event-service") && text.standardOutput.contains("pending 2"), "\(text)")
        _ = listener.tryWait()
    }

    @Test("an id out of range is a usage error (64); a missing service exits 1; listen --timeout exits 1 with no event")
    func errors() throws {
        let name = TestSupport.uniqueName("cli-ev-err")
        defer { try? EventService.remove(name) }
        _ = try EventService(create: name, configuration: .init(maximumEventID: 3))
        let outOfRange = try TestSupport.cli("notify", name, "4")
        #expect(outOfRange.status == 64 && outOfRange.standardError.contains("outside 0...3"), "\(outOfRange)")
        #expect(try TestSupport.cli("notify", TestSupport.uniqueName("none"), "1").status == 1)
        let idle = try TestSupport.cli("listen", name, "--timeout", "100ms")
        #expect(idle.status == 1 && idle.standardError.contains("timed out") || idle.standardError.contains("deadline"), "\(idle)")
    }

    @Test("gc removes an event service whose creator died and that no process maps")
    func garbageCollection() throws {
        let name = TestSupport.uniqueName("cli-ev-gc")
        defer { try? EventService.remove(name) }
        let created = try TestSupport.cli("listen", name, "--create", "--timeout", "50ms")
        #expect(created.status == 1, "it created the service, then timed out: \(created)")
        #expect((try? EventService(open: name)) != nil)
        let collected = try TestSupport.cli("gc", "--prefix", name)
        #expect(collected.status == 0, "\(collected)")
        #expect((#expect(throws: InterprocessError.self) { _ = try EventService(open: name) })?.code == .notFound, "\(collected)")
    }
}
