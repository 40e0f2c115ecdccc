import Foundation
@testable import Interprocess
import Testing

/// `samples()` against a `.block` publisher in another process, with a one-sample buffer: the
/// sleep-after-look race of the async iteration (a deadlock when lost). A suite of its own for a
/// longer time limit: the iteration needs a thread of the cooperative pool, which the blocking
/// tests of a whole-suite run can hold for a while.
@Suite("Service async: samples() against a .block publisher", .timeLimit(.minutes(3)))
struct ServiceSamplesBlockingTests {
    @Test("samples() keeps pace with a .block publisher in another process: a sample published between its look and its sleep is never slept past")
    func samplesKeepPaceWithBlockingPublisher() async throws {
        let name = TestSupport.uniqueName("svc-samples-block")
        defer { try? Service.remove(name) }
        // One sample of buffer: the publisher waits for this subscriber before every send, so
        // each sample lands while the iteration is between looking and sleeping, some of the time.
        let service = try Service(create: name, configuration: .init(payload: .value(UInt64.self), bufferCapacity: 1, overrunPolicy: .block))
        let samples = try Subscriber(service: service).samples()
        let count: UInt64 = 20_000
        let reader = Task {
            var expected: UInt64 = 0
            for try await sample in samples {
                guard try sample.load(as: UInt64.self) == expected else { return expected }
                expected += 1
                if expected == count { break }
            }
            return expected
        }
        // Every send has a deadline: a subscriber that stopped taking samples fails the child. It
        // is long because in a whole-suite run the cooperative pool this test's iteration needs
        // can be taken by blocking tests for seconds; the deadlock it guards against is for ever.
        let publisher = await #expect(processExitsWith: .success) { [name = name as String] in
            try Self.publishCounting(to: name, count: 20_000)
        }
        if publisher == nil { reader.cancel() }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            reader.cancel()
        }
        let received = try? await reader.value
        watchdog.cancel()
        #expect(received == count, "the iteration stopped after \(received.map(String.init) ?? "an error")")
    }

    /// Publishes 0..<count with the blocking send, each with a 60 s deadline.
    static func publishCounting(to name: String, count: UInt64) throws {
        var publisher = try Publisher(service: Service(open: name))
        for value in 0..<count { _ = try publisher.send(value, until: .after(.seconds(60))) }
    }
}
