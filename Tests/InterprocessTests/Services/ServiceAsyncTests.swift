import Foundation
@testable import Interprocess
import Testing

/// Async receives and sends, `samples()`, deadlines and cancellation.
@Suite("Service async", .timeLimit(.minutes(1)))
struct ServiceAsyncTests {
    @Test("an async receive is woken by a sample published later, from another process")
    func wokenFromAnotherProcess() async throws {
        let name = TestSupport.uniqueName("svc-async-wake")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .value(UInt64.self)))
        var subscriber = try Subscriber(service: service)
        async let published = #expect(processExitsWith: .success) { [name = name as String] in
            usleep(200_000)
            var publisher = try Publisher(service: Service(open: name))
            try publisher.trySend(UInt64(77)).map { _ in () } ?? ()
        }
        #expect(try await subscriber.receive(as: UInt64.self, timeout: .seconds(10)) == 77)
        _ = await published
    }

    @Test("an async receive throws .timedOut at its deadline, and .cancelled when its task is cancelled")
    func deadlineAndCancellation() async throws {
        let name = TestSupport.uniqueName("svc-async-cancel")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init())
        var subscriber = try Subscriber(service: service)
        let timedOut = await #expect(throws: InterprocessError.self) { try await subscriber.receive(timeout: .milliseconds(50)) }
        #expect(timedOut?.code == .timedOut)
        let task = Task {
            var subscriber = try Subscriber(service: service)
            _ = try await subscriber.receive()
        }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        let result = await task.result
        #expect((try? result.get()) == nil)
        if case .failure(let error as InterprocessError) = result { #expect(error.code == .cancelled) }
    }

    @Test("samples() delivers held samples in order with their sequence; its sequence numbers account for every sample")
    func samples() async throws {
        let name = TestSupport.uniqueName("svc-samples")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .value(UInt64.self), maximumLoansPerSubscriber: 2))
        var publisher = try Publisher(service: service)
        let sequence = try Subscriber(service: service).samples()
        let producer = Task {
            for value in UInt64(0)..<100 { try await publisher.send(value) }
            return publisher.nextSequence
        }
        var expected: UInt64 = 0
        for try await sample in sequence {
            #expect(sample.sequence == expected + sample.missedBefore, "missedBefore accounts for the gap")
            #expect(try sample.load(as: UInt64.self) == sample.sequence)
            expected = sample.sequence + 1
            if expected >= 100 { break }
        }
        #expect(try await producer.value == 100)
    }

    @Test("an async send waits for a .block subscriber and resumes when it reads")
    func asyncSendWaits() async throws {
        let name = TestSupport.uniqueName("svc-async-send")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .value(UInt64.self), bufferCapacity: 2, overrunPolicy: .block))
        var publisher = try Publisher(service: service)
        var subscriber = try Subscriber(service: service)
        try await publisher.send(UInt64(0))
        try await publisher.send(UInt64(1))
        let timedOut = await #expect(throws: InterprocessError.self) { try await publisher.send(UInt64(2), timeout: .milliseconds(50)) }
        #expect(timedOut?.code == .timedOut)
        let reader = Task {
            try await Task.sleep(for: .milliseconds(100))
            var values: [UInt64] = []
            for _ in 0..<3 { values.append(try await subscriber.receive(as: UInt64.self, timeout: .seconds(10))) }
            return values
        }
        try await publisher.send(UInt64(2), timeout: .seconds(10))
        #expect(try await reader.value == [0, 1, 2])
    }
}

/// What a subscriber may do with what it holds.
@Suite("Service sample access", .timeLimit(.minutes(1)))
struct ServiceSampleAccessTests {
    @Test("samples() holds at most maximumLoansPerSubscriber samples; one more is resourceLimit until one is released")
    func loanLimit() async throws {
        let name = TestSupport.uniqueName("svc-loans")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .value(UInt64.self), maximumLoansPerSubscriber: 2))
        var publisher = try Publisher(service: service)
        var iterator = try Subscriber(service: service).samples().makeAsyncIterator()
        for value in UInt64(0)..<4 { _ = try publisher.trySend(value) }
        let first = try await iterator.next()
        let second = try await iterator.next()
        let error = await #expect(throws: InterprocessError.self) { _ = try await iterator.next() }
        #expect(error?.code == .resourceLimit)
        #expect(first?.sequence == 0 && second?.sequence == 1)
        first?.release()
        var again = try Subscriber(service: service, history: false).samples().makeAsyncIterator()
        _ = try publisher.trySend(UInt64(4))
        #expect(try await again.next()?.sequence == 4)
    }

    @Test("a subscriber that writes into a received sample traps: the pool is mapped read-only")
    func writeTraps() async throws {
        let name = TestSupport.uniqueName("svc-ro")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .value(UInt64.self), history: 1))
        var publisher = try Publisher(service: service)
        _ = try publisher.trySend(UInt64(1))
        await #expect(processExitsWith: Sanitizers.active ? .failure : .signal(SIGSEGV)) { [name = name as String] in
            var subscriber = try Subscriber(service: Service(open: name))
            _ = try subscriber.tryReceive { sample in
                sample.withUnsafeBytes { UnsafeMutableRawPointer(mutating: $0.baseAddress!).storeBytes(of: 0xFF, as: UInt8.self) }
            }
        }
        var subscriber = try Subscriber(service: service)
        #expect(try subscriber.tryReceive(as: UInt64.self) == 1, "the sample is unchanged")
    }
}
