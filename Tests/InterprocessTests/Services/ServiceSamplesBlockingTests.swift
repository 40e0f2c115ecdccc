import Foundation
@testable import Interprocess
import Testing

/// `samples()` against a `.block` publisher in another process, with a one-sample buffer: the
/// sleep-after-look race of the async iteration (a deadlock when lost). The iteration runs on a
/// thread of its own (``ThreadTaskExecutor``) and nothing here blocks a thread of the cooperative
/// pool, so the blocking tests of a whole-suite run cannot starve it; a suite of its own for a
/// longer time limit all the same.
@Suite("Service async: samples() against a .block publisher", .timeLimit(.minutes(3)))
struct ServiceSamplesBlockingTests {
    @Test("samples() keeps pace with a .block publisher in another process: a sample published between its look and its sleep is never slept past")
    func samplesKeepPaceWithBlockingPublisher() async throws {
        let name = TestSupport.uniqueName("svc-samples-block")
        defer { try? Service.remove(name) }
        // One sample of buffer: the publisher waits for this subscriber before every send, so
        // each sample lands while the iteration is between looking and sleeping, some of the time.
        let service = try Service(create: name, configuration: .init(payload: .bytes(maximumSize: 64), bufferCapacity: 1, overrunPolicy: .block))
        let samples = try Subscriber(service: service).samples()
        let count: UInt64 = 5_000
        // The iteration runs on a thread of its own, not on the cooperative pool, which blocking
        // tests of a whole-suite run can hold for minutes.
        let reader = Task(executorPreference: ThreadTaskExecutor.shared) {
            var expected: UInt64 = 0
            for try await sample in samples {
                guard sample.sequence == expected, sample.byteCount == 8 else { return expected }
                expected += 1
                if expected == count { break }
            }
            return expected
        }
        // The publisher process, started and waited for by a thread of its own (never one of the
        // cooperative pool's, which the iteration needs); it blocks in each send until this
        // subscriber took the sample before, so the deadlock leaves it hanging until killed.
        let publisher = try TestSupport.BackgroundPeer(["pubsub-publish", name, "\(count)", "8", "1"], timeout: 120)
        while !publisher.hasExited { try await Task.sleep(for: .milliseconds(20)) }
        let outcome = try publisher.wait()
        #expect(outcome.status == 0 && outcome.standardOutput.contains("published \(count)"), "\(outcome)")
        let watchdog = Task {
            try await Task.sleep(for: .seconds(30))
            reader.cancel()
        }
        let received = try? await reader.value
        watchdog.cancel()
        #expect(received == count, "the iteration stopped after \(received.map(String.init) ?? "an error")")
    }
}
