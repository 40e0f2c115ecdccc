import Foundation
@testable import Interprocess
import Testing

/// Event services across processes: notify and listen both ways, and processes killed while
/// attached (a killed listener, a notifier killed mid-notification).
@Suite("Event services across processes", .timeLimit(.minutes(2)))
struct EventServiceCrossProcessTests {
    @Test("ids notified by another process wake a blocked wait; a listener process takes what this one notifies")
    func bothWays() throws {
        let name = TestSupport.uniqueName("ev-x")
        defer { try? EventService.remove(name) }
        let service = try EventService(create: name, configuration: .init(maximumEventID: 127))
        let listener = try Listener(service: service)
        let peer = try TestSupport.BackgroundPeer(["events-notify", name, "1", "100"])
        var received = EventSet()
        while received.count < 2 { received = EventSet(Array(received) + Array(try listener.wait(timeout: .seconds(10)))) }
        #expect(Array(received) == [1, 100])
        #expect(try peer.wait().standardOutput.contains("notified 2"))

        let remote = try TestSupport.BackgroundPeer(["events-listen", name, "3", "10000"])
        #expect(TestSupport.eventually { service.state.listeners.count == 2 })
        let notifier = try Notifier(service: service)
        try notifier.notify([EventID(5), 6, 127])
        #expect(try remote.wait().standardOutput.contains("received 5,6,127"))
    }

    @Test("a listener killed while blocked: notifying never hangs, and its place is taken over")
    func killedListener() throws {
        let name = TestSupport.uniqueName("ev-kl")
        defer { try? EventService.remove(name) }
        let service = try EventService(create: name, configuration: .init(maximumListeners: 1))
        let process = try TestSupport.start(try TestSupport.executable("interprocess-test-peer"), ["events-hold", name, "waiting-listener"])
        #expect(TestSupport.eventually { service.state.listeners.first?.sleeping == true })
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let notifier = try Notifier(service: service)
        for id in 0..<64 { try notifier.notify(EventID(id)) }
        // The dead listener's place is the only one: a new listener takes it over.
        let listener = try Listener(service: service)
        try notifier.notify(8)
        #expect(try listener.wait(timeout: .seconds(5)) == EventSet([8]))
        #expect(service.state.listeners.map(\.process.identity.pid) == [getpid()])
    }

    @Test("a notifier killed mid-notification: listeners keep working and its place is taken over")
    func killedNotifier() throws {
        let name = TestSupport.uniqueName("ev-kn")
        defer { try? EventService.remove(name) }
        let service = try EventService(create: name, configuration: .init(maximumEventID: 7, maximumNotifiers: 1))
        let listener = try Listener(service: service)
        let executable = try TestSupport.executable("interprocess-test-peer")
        for round in 0..<5 {
            let process = try TestSupport.start(executable, ["events-hold", name, "notifier"])
            // It notifies for ever: ids arrive, then it is killed wherever it is.
            _ = try listener.wait(timeout: .seconds(10))
            usleep(UInt32(1_000 * (round * 3)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let notifier = try Notifier(service: service)
        _ = listener.tryWait()
        try notifier.notify(6)
        #expect(try listener.wait(timeout: .seconds(5)) == EventSet([6]))
    }
}
