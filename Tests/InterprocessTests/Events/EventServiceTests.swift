import Foundation
@testable import Interprocess
import Testing

/// Event services in one process: the vocabulary, the errors, coalescing, the snapshot.
@Suite("Event service basics", .timeLimit(.minutes(1)))
struct EventServiceTests {
    @Test("ids notified before a wait are taken by it, each once; tryWait finds nothing after")
    func roundTrip() throws {
        let name = TestSupport.uniqueName("ev-rt")
        defer { try? EventService.remove(name) }
        let service = try EventService(create: name, configuration: .init(maximumEventID: 200))
        let listener = try service.makeListener()
        let notifier = try service.makeNotifier()
        #expect(listener.tryWait() == nil)
        try notifier.notify(3)
        try notifier.notify(3)
        try notifier.notify([EventID(0), 64, 200])
        let taken = listener.tryWait()
        let fired = try #require(taken)
        #expect(Array(fired) == [0, 3, 64, 200], "notifications of one id between two waits coalesce")
        #expect(fired.contains(64) && !fired.contains(1) && fired.count == 4)
        #expect(listener.tryWait() == nil)
        #expect(notifier.notificationCount == 5)
    }

    @Test("every listener attached takes every id; one attached later does not see earlier ones")
    func fanOut() throws {
        let name = TestSupport.uniqueName("ev-fan")
        defer { try? EventService.remove(name) }
        let service = try EventService(create: name, configuration: .init())
        let first = try Listener(service: service), second = try Listener(service: EventService(open: name))
        let notifier = try Notifier(service: service)
        try notifier.notify(7)
        let late = try Listener(service: service)
        #expect(first.tryWait() == EventSet([7]) && second.tryWait() == EventSet([7]))
        #expect(late.tryWait() == nil)
    }

    @Test("a wait with a deadline throws timedOut; a notification from another thread wakes a blocked wait")
    func deadlines() throws {
        let name = TestSupport.uniqueName("ev-dl")
        defer { try? EventService.remove(name) }
        let service = try EventService(create: name, configuration: .init())
        let listener = try Listener(service: service)
        let error = #expect(throws: InterprocessError.self) { _ = try listener.wait(timeout: .milliseconds(50)) }
        #expect(error?.code == .timedOut)
        let notifier = Shared(try Notifier(service: service))
        let thread = Thread {
            usleep(100_000)
            try? notifier.handle.notify(9)
        }
        thread.start()
        #expect(try listener.wait(timeout: .seconds(10)) == EventSet([9]))
    }

    @Test("out-of-range ids, configurations, wrong kinds and incompatible configurations are typed errors")
    func errors() throws {
        let name = TestSupport.uniqueName("ev-err")
        defer { try? EventService.remove(name) }
        let service = try EventService(create: name, configuration: .init(maximumEventID: 10, maximumListeners: 1, maximumNotifiers: 1))
        let notifier = try Notifier(service: service)
        for id in [-1, 11, 5000] {
            let error = #expect(throws: InterprocessError.self) { try notifier.notify(EventID(id)) }
            #expect(error?.code == .invalidArgument)
        }
        for configuration in [EventServiceConfiguration(maximumEventID: 4096), .init(maximumListeners: 0), .init(maximumNotifiers: 5000)] {
            let error = #expect(throws: InterprocessError.self) {
                _ = try EventService(create: TestSupport.uniqueName("ev-bad"), configuration: configuration)
            }
            #expect(error?.code == .invalidArgument)
        }
        let other = #expect(throws: InterprocessError.self) { _ = try EventService(openOrCreate: name, configuration: .init(maximumEventID: 11)) }
        #expect(other?.code == .incompatibleConfiguration && other?.reason.contains("maximumEventID") == true)
        #expect(try EventService(openOrCreate: name, configuration: .init(maximumEventID: 10, maximumListeners: 1, maximumNotifiers: 1)).wasCreated == false)
        let queue = TestSupport.uniqueName("ev-kind")
        _ = try SPSCQueue(create: queue, capacity: 1024, maximumRecordSize: 8)
        defer { try? SPSCQueue.remove(queue) }
        #expect((#expect(throws: InterprocessError.self) { _ = try EventService(open: queue) })?.code == .wrongKind)
        #expect((#expect(throws: InterprocessError.self) { try EventService.remove(queue) })?.code == .wrongKind)
        #expect((#expect(throws: InterprocessError.self) { _ = try EventService(open: TestSupport.uniqueName("none")) })?.code == .notFound)
        let listener = try Listener(service: service)
        #expect((#expect(throws: InterprocessError.self) { _ = try Listener(service: service) })?.code == .resourceLimit)
        #expect((#expect(throws: InterprocessError.self) { _ = try Notifier(service: service) })?.code == .resourceLimit)
        _ = consume listener
        _ = try Listener(service: service)
    }

    @Test("open(until:) waits for the service to appear; the state lists listeners and notifiers with pending ids")
    func openUntilAndState() throws {
        let name = TestSupport.uniqueName("ev-state")
        defer { try? EventService.remove(name) }
        let timedOut = #expect(throws: InterprocessError.self) { _ = try EventService(open: name, timeout: .milliseconds(30)) }
        #expect(timedOut?.code == .timedOut)
        let creator = Thread {
            usleep(50_000)
            _ = try? EventService(create: name, configuration: .init())
        }
        creator.start()
        let service = try EventService(open: name, timeout: .seconds(10))
        let listener = try Listener(service: service)
        let notifier = try Notifier(service: service)
        try notifier.notify([EventID(2), 5])
        let state = service.state
        #expect(state.configuration == EventServiceConfiguration())
        #expect(state.listeners.count == 1 && state.listeners[0].pendingEventIDs == [2, 5])
        #expect(state.listeners[0].process.identity.pid == getpid() && state.listeners[0].process.liveness == .alive)
        #expect(state.notifiers.count == 1 && state.notifiers[0].notificationCount == 2)
        #expect(listener.state.pendingEventIDs == [2, 5])
        _ = listener.tryWait()
        #expect(service.state.listeners[0].pendingEventIDs.isEmpty)
        let json = try JSONEncoder().encode(state)
        #expect(String(decoding: json, as: UTF8.self).contains("pendingEventIDs"))
    }

    @Test("async wait: a later notification wakes it, its deadline throws timedOut, cancellation throws cancelled; events() yields each id")
    func async() async throws {
        let name = TestSupport.uniqueName("ev-async")
        defer { try? EventService.remove(name) }
        let service = try EventService(create: name, configuration: .init())
        let listener = try Listener(service: service)
        let timedOut = await #expect(throws: InterprocessError.self) { _ = try await listener.wait(timeout: .milliseconds(50)) }
        #expect(timedOut?.code == .timedOut)
        let notifier = Shared(try Notifier(service: service))
        Task.detached {
            try? await Task.sleep(for: .milliseconds(50))
            try? notifier.handle.notify(4)
        }
        #expect(try await listener.wait(timeout: .seconds(10)) == EventSet([4]))
        let waiting = Task { () async throws -> EventSet in
            let other = try Listener(service: service)
            return try await other.wait()
        }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        let cancelled = await #expect(throws: InterprocessError.self) { _ = try await waiting.value }
        #expect(cancelled?.code == .cancelled)
        try notifier.handle.notify([EventID(1), 2, 3])
        var seen: [EventID] = []
        for try await id in listener.events() {
            seen.append(id)
            if seen.count == 3 { break }
        }
        #expect(seen == [1, 2, 3])
    }

    @Test("an EventSet decodes ids in range and refuses one past the largest event id")
    func eventSetDecoding() throws {
        let set = try JSONDecoder().decode(EventSet.self, from: Data("[0, 5, 4095]".utf8))
        #expect(set.contains(4095) && set.count == 3)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(EventSet.self, from: Data("[1099511627776]".utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(EventSet.self, from: Data("[-1]".utf8)) }
    }
}
