import Foundation
@testable import Interprocess
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MemoryTests.TruncationGuardTests {
    /// Shrinks to 0 every file of /dev/shm whose name contains `name` (a service keeps its
    /// segment under a name derived from the one it was given).
    static func shrinkAll(containing name: String) {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? []
        for file in files where file.contains(name) { try? shrink(MemoryFixtures.shmPath(file), to: 0) }
    }

    /// Starts `body` (a wait without a deadline) on a thread of its own; the result, called
    /// later, gives the code of the error it ended with (nil if it returned normally), or nil if
    /// it still waits at `deadline`. The waits of one test run at once, each on a segment of its own.
    static func startWait(_ body: @escaping @Sendable () throws(InterprocessError) -> Void) -> (Deadline) -> InterprocessError.Code?? {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<InterprocessError.Code??>(nil)
        Thread {
            do throws(InterprocessError) {
                try body()
                outcome.withLock { $0 = .some(nil) }
            } catch {
                outcome.withLock { $0 = .some(error.code) }
            }
            done.signal()
        }.start()
        return { deadline in
            let left = max(0, deadline.remaining.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 } ?? 0)
            guard done.wait(timeout: .now() + left) == .success else { return nil }
            return outcome.withLock { $0 }
        }
    }

    @Test("waits without a deadline on a segment shrunk to 0 end in .truncated: byte stream both sides, blackboard change, event listener, request/response server and client, libsharedmemory stream and queue, journal tailer")
    func moreWaitsWithoutDeadlineEnd() throws {
        let name = { (kind: String) in TestSupport.uniqueName("shrinkm-\(kind)") }
        let byteReaderName = name("bsr"), byteWriterName = name("bsw"), boardName = name("bb"), eventName = name("ev")
        let serverName = name("srv"), clientName = name("cli"), legacyStreamName = name("ls"), legacyQueueName = name("lq")
        defer {
            try? ByteStream.remove(byteReaderName); try? ByteStream.remove(byteWriterName)
            try? EventService.remove(eventName); try? RequestResponseService.remove(serverName); try? RequestResponseService.remove(clientName)
            try? LegacyStream.remove(legacyStreamName); try? LegacyQueue.remove(legacyQueueName)
        }
        var outcomes: [(String, (Deadline) -> InterprocessError.Code??)] = []
        outcomes.append(("byte stream read", Self.startWait { () throws(InterprocessError) in
            let stream = try ByteStream(create: byteReaderName, capacity: 8192)
            var reader = try stream.makeReader()
            Self.shrinkAll(containing: byteReaderName)
            _ = try reader.read(upTo: 16)
        }))
        outcomes.append(("byte stream write", Self.startWait { () throws(InterprocessError) in
            let stream = try ByteStream(create: byteWriterName, capacity: 4096)
            var writer = try stream.makeWriter()
            let reader = try stream.makeReader()
            // Full first, so that the next write waits for room.
            try writer.write(contentsOf: [UInt8](repeating: 1, count: stream.capacity))
            Self.shrinkAll(containing: byteWriterName)
            try writer.write(contentsOf: [UInt8](repeating: 2, count: 64))
            withExtendedLifetime(reader) {}
        }))
        outcomes.append(("blackboard waitForChange", Self.startWait { () throws(InterprocessError) in
            let board = try Blackboard(create: boardName, entries: [.value("counter", of: UInt64.self)], lifetime: .removedWhenCreatorCloses)
            let reader = board.makeReader()
            let key = try board.key("counter", as: UInt64.self)
            Self.shrinkAll(containing: boardName)
            _ = try reader.waitForChange(of: key, after: 0)
        }))
        outcomes.append(("listener wait", Self.startWait { () throws(InterprocessError) in
            let service = try EventService(create: eventName, configuration: .init(maximumEventID: 7))
            let listener = try Listener(service: service)
            Self.shrinkAll(containing: eventName)
            _ = try listener.wait()
        }))
        outcomes.append(("server receive", Self.startWait { () throws(InterprocessError) in
            let service = try RequestResponseService(create: serverName, configuration: RequestResponseConfiguration())
            var server = try Server(service: service)
            Self.shrinkAll(containing: serverName)
            _ = try server.receive()
        }))
        outcomes.append(("client receiveResponse", Self.startWait { () throws(InterprocessError) in
            let service = try RequestResponseService(create: clientName, configuration: RequestResponseConfiguration())
            // A server that never answers: the client's wait is for a response only.
            let server = try Server(service: service)
            var client = try Client(service: service)
            let id = try client.send(contentsOf: [1, 2, 3])
            Self.shrinkAll(containing: clientName)
            _ = try client.receiveResponse(to: id)
            withExtendedLifetime(server) {}
        }))
        outcomes.append(("libsharedmemory stream receive", Self.startWait { () throws(InterprocessError) in
            let stream = try LegacyStream(create: legacyStreamName, layout: .version2, size: 4096)
            var reader = stream.makeReader()
            Self.shrinkAll(containing: legacyStreamName)
            _ = try reader.receive()
        }))
        outcomes.append(("libsharedmemory queue receive", Self.startWait { () throws(InterprocessError) in
            let queue = try LegacyQueue(create: legacyQueueName, capacity: 4, maximumMessageSize: 16)
            Self.shrinkAll(containing: legacyQueueName)
            _ = try queue.receive()
        }))
        outcomes.append(("journal tailer next", Self.startWait { () throws(InterprocessError) in
            guard let fixture = try? JournalFixture() else { throw InterprocessError(.notFound, operation: "make journal fixture", name: "journal", reason: "failed") }
            // One record, so that the first cycle exists; the tailer takes it, then waits.
            var writer = try fixture.journal.makeWriter()
            _ = try writer.append(UInt64(1))
            var tailer = try fixture.journal.makeTailer(from: .beginning)
            _ = try tailer.next(timeout: .seconds(5))
            _ = truncate(fixture.cycle(0), 0)
            _ = try tailer.next()
        }))
        let deadline = Deadline.after(.seconds(20))
        for (what, result) in outcomes {
            let outcome = result(deadline)
            #expect(outcome == .some(.truncated), "\(what): \(String(describing: outcome))")
        }
    }

    /// The code `body` (an async wait without a deadline) ends with; nil if it returned
    /// normally; `.timedOut` written by this test if it still waits after 20 s (it is then cancelled).
    static func asyncWaitEnds(_ body: @escaping @Sendable () async throws(InterprocessError) -> Void) async -> InterprocessError.Code? {
        await withTaskGroup(of: InterprocessError.Code??.self) { group in
            group.addTask {
                do throws(InterprocessError) {
                    try await body()
                    return .some(nil)
                } catch {
                    return .some(error.code)
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(20))
                return nil
            }
            let first = await group.next()!
            group.cancelAll()
            return first ?? .timedOut
        }
    }

    @Test("async waits without a deadline on a segment shrunk to 0 end in .truncated: event listener, blackboard change, request/response server, byte stream read, journal tailer")
    func asyncWaitsWithoutDeadlineEnd() async throws {
        let eventName = TestSupport.uniqueName("shrinka-ev"), boardName = TestSupport.uniqueName("shrinka-bb")
        let serverName = TestSupport.uniqueName("shrinka-srv"), streamName = TestSupport.uniqueName("shrinka-bs")
        defer {
            try? EventService.remove(eventName); try? RequestResponseService.remove(serverName); try? ByteStream.remove(streamName)
        }
        let listener = await Self.asyncWaitEnds { () async throws(InterprocessError) in
            let listener = try Listener(service: EventService(create: eventName, configuration: .init(maximumEventID: 7)))
            Self.shrinkAll(containing: eventName)
            _ = try await listener.wait()
        }
        #expect(listener == .truncated, "listener: \(String(describing: listener))")
        let board = await Self.asyncWaitEnds { () async throws(InterprocessError) in
            let board = try Blackboard(create: boardName, entries: [.value("counter", of: UInt64.self)], lifetime: .removedWhenCreatorCloses)
            let key = try board.key("counter", as: UInt64.self)
            Self.shrinkAll(containing: boardName)
            _ = try await board.makeReader().waitForChange(of: key, after: 0)
        }
        #expect(board == .truncated, "blackboard: \(String(describing: board))")
        let server = await Self.asyncWaitEnds { () async throws(InterprocessError) in
            var server = try Server(service: RequestResponseService(create: serverName, configuration: RequestResponseConfiguration()))
            Self.shrinkAll(containing: serverName)
            _ = try await server.receive()
        }
        #expect(server == .truncated, "server: \(String(describing: server))")
        let stream = await Self.asyncWaitEnds { () async throws(InterprocessError) in
            var reader = try ByteStream(create: streamName, capacity: 8192).makeReader()
            Self.shrinkAll(containing: streamName)
            _ = try await reader.read(upTo: 16)
        }
        #expect(stream == .truncated, "byte stream: \(String(describing: stream))")
        let journal = await Self.asyncWaitEnds { () async throws(InterprocessError) in
            guard let fixture = try? JournalFixture() else { throw InterprocessError(.notFound, operation: "make journal fixture", name: "journal", reason: "failed") }
            // One record, so that the first cycle exists; the tailer takes it, then waits.
            var writer = try fixture.journal.makeWriter()
            _ = try writer.append(UInt64(1))
            var tailer = try fixture.journal.makeTailer(from: .beginning)
            _ = try await tailer.next(timeout: .seconds(5))
            _ = truncate(fixture.cycle(0), 0)
            _ = try await tailer.next()
        }
        #expect(journal == .truncated, "journal tailer: \(String(describing: journal))")
    }
}

extension MemoryTests.TruncationGuardTests {
    @Test("an async subscriber receive without a deadline ends in .truncated when its service is shrunk to 0 before it waits, and while it waits")
    func asyncSubscriberWaitEnds() async throws {
        for shrinkWhileWaiting in [false, true] {
            let name = TestSupport.uniqueName("shrinka-sub")
            defer { try? Service.remove(name) }
            let outcome = await Self.asyncWaitEnds { () async throws(InterprocessError) in
                let service = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 64)))
                var subscriber = try Subscriber(service: service)
                // Past the start of the ring, where an entry's zeros read as an old lap (nothing new).
                var publisher = try Publisher(service: service)
                for _ in 0..<5 {
                    try await publisher.send(contentsOf: [1, 2, 3])
                    _ = try await subscriber.receive()
                }
                if shrinkWhileWaiting {
                    // Shrunk once the receive is asleep on the waiter thread (or about to be).
                    Task.detached {
                        try? await Task.sleep(for: .milliseconds(200))
                        Self.shrinkAll(containing: name)
                    }
                } else {
                    Self.shrinkAll(containing: name)
                }
                _ = try await subscriber.receive()
            }
            #expect(outcome == .truncated, "shrunk \(shrinkWhileWaiting ? "while waiting" : "before"): \(String(describing: outcome))")
        }
    }

    @Test("a blocking subscriber receive without a deadline, past the ring's first lap, ends in .truncated when its service is shrunk to 0")
    func subscriberPastFirstLapWaitEnds() throws {
        let name = TestSupport.uniqueName("shrinkm-sub")
        defer { try? Service.remove(name) }
        let outcome = Self.startWait { () throws(InterprocessError) in
            let service = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 64)))
            var subscriber = try Subscriber(service: service)
            var publisher = try Publisher(service: service)
            for _ in 0..<5 {
                try publisher.send(contentsOf: [1, 2, 3])
                _ = try subscriber.receive()
            }
            Self.shrinkAll(containing: name)
            _ = try subscriber.receive()
        }(.after(.seconds(20)))
        #expect(outcome == .some(.truncated), "\(String(describing: outcome))")
    }

    @Test("receives without a deadline past the first records end in .truncated when the queue is shrunk to 0: SPSC, MPMC, message queue, broadcast")
    func queuesPastFirstRecordsWaitEnd() throws {
        let names = (0..<4).map { TestSupport.uniqueName("shrinkp\($0)") }
        defer {
            try? SPSCQueue.remove(names[0]); try? MPMCQueue.remove(names[1])
            try? MessageQueue.remove(names[2]); try? BroadcastStream.remove(names[3])
        }
        // Five records through first, so that zeros read as an index behind the reader's.
        var outcomes: [(String, (Deadline) -> InterprocessError.Code??)] = []
        outcomes.append(("SPSC receive", Self.startWait { () throws(InterprocessError) in
            let queue = try SPSCQueue(create: names[0], capacity: 4096, maximumRecordSize: 64)
            var producer = try queue.makeProducer(), consumer = try queue.makeConsumer()
            for _ in 0..<5 { try producer.send(contentsOf: [1, 2, 3]); _ = try consumer.receive() }
            Self.shrinkAll(containing: names[0])
            _ = try consumer.receive()
        }))
        outcomes.append(("MPMC receive", Self.startWait { () throws(InterprocessError) in
            let queue = try MPMCQueue(create: names[1], slotCount: 8, slotSize: 64)
            var producer = try queue.makeProducer(), consumer = try queue.makeConsumer()
            for _ in 0..<5 { try producer.send(contentsOf: [1, 2, 3]); _ = try consumer.receive() }
            Self.shrinkAll(containing: names[1])
            _ = try consumer.receive()
        }))
        outcomes.append(("message queue receive", Self.startWait { () throws(InterprocessError) in
            let queue = try MessageQueue(create: names[2], capacity: 8, maximumSize: 64)
            for _ in 0..<5 { try queue.send(contentsOf: [1, 2, 3]); _ = try queue.receive() }
            Self.shrinkAll(containing: names[2])
            _ = try queue.receive()
        }))
        outcomes.append(("broadcast receive", Self.startWait { () throws(InterprocessError) in
            let stream = try BroadcastStream(create: names[3], capacity: 1 << 16, maximumRecordSize: 64)
            var writer = try stream.makeWriter()
            var reader = try stream.makeReader(startingAt: .next)
            for _ in 0..<5 { _ = try writer.send(contentsOf: [1, 2, 3]); _ = try reader.receive() }
            Self.shrinkAll(containing: names[3])
            _ = try reader.receive()
        }))
        let deadline = Deadline.after(.seconds(20))
        for (what, result) in outcomes {
            let outcome = result(deadline)
            #expect(outcome == .some(.truncated), "\(what): \(String(describing: outcome))")
        }
    }
}
