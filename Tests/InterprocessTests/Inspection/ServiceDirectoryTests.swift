@testable import Interprocess
import Foundation
import Testing

/// Discovery: `ServiceDirectory.all()` over several kinds, foreign and broken files, and waiting
/// for a service to appear.
@Suite("Discovery", .timeLimit(.minutes(1)))
struct ServiceDirectoryTests {
    @Test func listsServicesOfEveryKindWithTheirParticipantsAndSkipsForeignFiles() throws {
        let prefix = TestSupport.uniqueName("disc")
        let names = ["pubsub", "broadcast", "board", "spsc", "mpmc", "foreign", "broken", "mutex"].reduce(into: [String: String]()) {
            $0[$1] = "\(prefix)-\($1)"
        }
        let service = try Service(create: names["pubsub"]!, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 64), maximumSubscribers: 3),
                                  lifetime: .removedWhenCreatorCloses)
        let publisher = try Publisher(service: service)
        let subscriber = try Subscriber(service: service)
        let stream = try BroadcastStream(create: names["broadcast"]!, capacity: 4096, maximumRecordSize: 64, lifetime: .removedWhenCreatorCloses)
        let streamWriter = try stream.makeWriter()
        let board = try Blackboard(create: names["board"]!, entries: BlackboardCrossProcessTests.entries, lifetime: .removedWhenCreatorCloses)
        let holder = try TestSupport.start(try TestSupport.executable("interprocess-test-peer"), ["board-hold", names["board"]!])
        defer {
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
        }
        #expect(TestSupport.eventually { board.state.writer != nil })
        let spsc = try SPSCQueue(create: names["spsc"]!, capacity: 4096, maximumRecordSize: 64, lifetime: .removedWhenCreatorCloses)
        let producer = try spsc.makeProducer()
        let mpmc = try MPMCQueue(create: names["mpmc"]!, slotCount: 8, slotSize: 64, lifetime: .removedWhenCreatorCloses)
        let mutex = try ProcessMutex(create: names["mutex"]!, lifetime: .removedWhenCreatorCloses)
        let broken = try Blackboard(create: names["broken"]!, entries: BlackboardCrossProcessTests.entries, lifetime: .removedWhenCreatorCloses)
        broken.mapping.base.storeBytes(of: UInt32(0), as: UInt32.self)  // the body's tag
        let foreign = SharedMemoryDirectory.path(of: names["foreign"]!)
        #expect(FileManager.default.createFile(atPath: foreign, contents: Data(repeating: 0x41, count: 4096)))
        defer { try? FileManager.default.removeItem(atPath: foreign) }

        let listings = Dictionary(ServiceDirectory.all().filter { $0.name.hasPrefix(prefix) }.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(listings.keys) == Set(["pubsub", "broadcast", "board", "spsc", "mpmc", "broken"].map { names[$0]! }), "\(listings.keys)")
        let me = getpid()
        let pubsub = try #require(listings[names["pubsub"]!])
        #expect(pubsub.kindName == "service" && pubsub.problem == nil)
        #expect(Set(pubsub.participants.map(\.role)) == ["publisher", "subscriber"] && pubsub.participants.allSatisfy { $0.pid == me && $0.liveness == .alive })
        #expect(pubsub.configuration.contains { $0.name == "subscribers" && $0.value == "at most 3" })
        #expect(listings[names["broadcast"]!]?.participants == [.init(role: "writer", pid: me, liveness: .alive)])
        let boardListing = try #require(listings[names["board"]!])
        #expect(boardListing.kind == .blackboard && boardListing.participants == [.init(role: "writer", pid: holder.processIdentifier, liveness: .alive)])
        #expect(boardListing.configuration.contains { $0.name == "entry 'big'" && $0.value.contains("4096") })
        #expect(Set(listings[names["spsc"]!]?.participants.map(\.role) ?? []) == ["producer"])
        #expect(listings[names["mpmc"]!]?.kindName == "mpmc-queue")
        #expect(listings[names["broken"]!]?.problem?.contains("tag") == true)
        withExtendedLifetime(publisher) {}
        withExtendedLifetime(subscriber) {}
        withExtendedLifetime(streamWriter) {}
        withExtendedLifetime(producer) {}
        withExtendedLifetime(mpmc) {}
        withExtendedLifetime(mutex) {}
    }

    @Test func listsEventAndRequestResponseServicesWithTheirParticipants() throws {
        let events = TestSupport.uniqueName("disc-events"), rpc = TestSupport.uniqueName("disc-rpc")
        let eventService = try EventService(create: events, configuration: EventServiceConfiguration(), lifetime: .removedWhenCreatorCloses)
        let notifier = try Notifier(service: eventService)
        let holder = try TestSupport.start(try TestSupport.executable("interprocess-test-peer"), ["events-hold", events, "listener"])
        defer {
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
        }
        #expect(TestSupport.eventually { eventService.state.listeners.contains { $0.process.identity.pid == holder.processIdentifier } })
        let service = try RequestResponseService(create: rpc, configuration: RequestResponseConfiguration(), lifetime: .removedWhenCreatorCloses)
        let server = try Server(service: service)
        let client = try Client(service: service)

        let listings = Dictionary(ServiceDirectory.all().filter { [events, rpc].contains($0.name) }.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let me = getpid()
        let eventListing = try #require(listings[events])
        #expect(eventListing.kind == .eventService && eventListing.kindName == "event-service")
        #expect(Set(eventListing.participants) == [.init(role: "notifier", pid: me, liveness: .alive),
                                                   .init(role: "listener", pid: holder.processIdentifier, liveness: .alive)])
        let rpcListing = try #require(listings[rpc])
        #expect(rpcListing.kind == .requestResponse && rpcListing.problem == nil)
        #expect(Set(rpcListing.participants) == [.init(role: "server", pid: me, liveness: .alive), .init(role: "client", pid: me, liveness: .alive)])
        #expect(try ServiceDirectory.service(named: rpc, kind: .requestResponse).name == rpc)
        withExtendedLifetime(notifier) {}
        _ = consume server
        _ = consume client
    }

    @Test func aFileThatCannotBeReadIsListedByNoOneAndItsWaitSaysWhy() throws {
        let name = TestSupport.uniqueName("disc-unreadable")
        let path = SharedMemoryDirectory.path(of: name)
        // A directory opens but cannot be read as a header (a file of another user would not
        // even open; the tests run as root, which opens anything).
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(!ServiceDirectory.all().contains { $0.name == name })
        let error = #expect(throws: InterprocessError.self) { _ = try ServiceDirectory.service(named: name) }
        #expect(error != nil && error?.code != .wrongKind && error?.code != .notFound, "\(String(describing: error))")
    }

    @Test func waitingForAServiceThatAProcessCreatesLater() throws {
        let name = TestSupport.uniqueName("disc-later")
        defer { try? Blackboard.remove(name) }
        let missing = #expect(throws: InterprocessError.self) { _ = try ServiceDirectory.service(named: name) }
        #expect(missing?.code == .notFound)
        let creator = try TestSupport.BackgroundPeer(["board-create", name, "300"])
        let listing = try ServiceDirectory.waitForService(name, kind: .blackboard, timeout: .seconds(10))
        #expect(listing.kind == .blackboard && listing.configuration.first?.name == "entry 'big'")
        #expect(try creator.wait().standardOutput.contains("created"))
        let wrong = #expect(throws: InterprocessError.self) { _ = try ServiceDirectory.waitForService(name, kind: .spscQueue, timeout: .seconds(1)) }
        #expect(wrong?.code == .wrongKind)
        let late = #expect(throws: InterprocessError.self) {
            _ = try ServiceDirectory.waitForService(TestSupport.uniqueName("disc-never"), timeout: .milliseconds(60))
        }
        #expect(late?.code == .timedOut)
        let mutexName = TestSupport.uniqueName("disc-mutex")
        let mutex = try ProcessMutex(create: mutexName, lifetime: .removedWhenCreatorCloses)
        let notAService = #expect(throws: InterprocessError.self) { _ = try ServiceDirectory.service(named: mutexName) }
        #expect(notAService?.code == .wrongKind)
        withExtendedLifetime(mutex) {}
    }

    /// The waits run on a thread of their own (``ThreadTaskExecutor``): a whole-suite run's
    /// blocking tests can hold the cooperative pool for longer than the deadlines here.
    @Test func theAsyncWaitSuspendsUntilTheServiceAppearsAndIsCancellable() async throws {
        let name = TestSupport.uniqueName("disc-async")
        defer { try? Blackboard.remove(name) }
        let creator = try TestSupport.BackgroundPeer(["board-create", name, "100"])
        let listing = try await Task(executorPreference: ThreadTaskExecutor.shared) {
            try await ServiceDirectory.waitForService(name, timeout: .seconds(10))
        }.value
        #expect(listing.kindName == "blackboard")
        #expect(try creator.wait().standardOutput.contains("created"))
        let late = await #expect(throws: InterprocessError.self) {
            _ = try await Task(executorPreference: ThreadTaskExecutor.shared) {
                try await ServiceDirectory.waitForService(TestSupport.uniqueName("disc-never"), timeout: .milliseconds(60))
            }.value
        }
        #expect(late?.code == .timedOut)
        let waiting = Task(executorPreference: ThreadTaskExecutor.shared) { try await ServiceDirectory.waitForService(TestSupport.uniqueName("disc-never")) }
        try await Task.sleep(for: .milliseconds(30))
        waiting.cancel()
        do {
            _ = try await waiting.value
            Issue.record("the cancelled wait returned")
        } catch {
            #expect((error as? InterprocessError)?.code == .cancelled)
        }
    }
}
