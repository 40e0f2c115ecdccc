import Foundation
import Interprocess
import Synchronization
import Testing

/// The creator's initialization window: a failed one leaves nothing behind, and openers wait
/// for a live creator to publish `ready`, up to their deadline.
@Suite(.timeLimit(.minutes(1)))
struct SegmentInitializationTests {
    struct InitializationFailed: Error {}

    /// A creator on another thread whose initialization takes `seconds`; the initializer
    /// returns once initialization has begun (the header is written, state 0).
    final class SlowCreator: Sendable {
        static let marker: UInt64 = 0xC0FF_EE00_1234_5678
        private let started = DispatchSemaphore(value: 0)
        private let finished = DispatchSemaphore(value: 0)
        private let failure = Mutex<String?>(nil)

        init(name: String, initializingFor seconds: TimeInterval) {
            Thread.detachNewThread { [self] in
                do {
                    _ = try Segment(create: name, bodySize: 64) { body in
                        started.signal()
                        Thread.sleep(forTimeInterval: seconds)
                        // Written last: an opener that sees it saw the release of `ready`.
                        body.storeBytes(of: SlowCreator.marker, as: UInt64.self)
                    }
                } catch {
                    failure.withLock { $0 = "\(error)" }
                    started.signal()  // never leave the test waiting for a creator that failed
                }
                finished.signal()
            }
            started.wait()
        }

        /// Waits for the creator to finish and returns its error, if any.
        func join() -> String? {
            finished.wait()
            return failure.withLock { $0 }
        }
    }

    @Test func throwingInitializerRemovesTheSegment() throws {
        let name = TestSupport.uniqueName("init-throw")
        defer { try? Segment.remove(name) }
        #expect(throws: InitializationFailed.self) {
            _ = try Segment(create: name, bodySize: 64) { _ in throw InitializationFailed() }
        }
        #expect(!SharedMemory.exists(name))
        #expect(openFailure(name)?.code == .notFound)
    }

    @Test func openWaitsForALiveCreatorToFinish() throws {
        let name = TestSupport.uniqueName("init-wait")
        defer { try? Segment.remove(name) }
        let creator = SlowCreator(name: name, initializingFor: 0.2)
        let opened = try Segment(open: name, timeout: .seconds(20))
        #expect(opened.header.state == SegmentHeader.State.ready.rawValue)
        #expect(opened.body.load(as: UInt64.self) == SlowCreator.marker)
        #expect(creator.join() == nil)
    }

    @Test func openTimesOutWhileALiveCreatorIsStillInitializing() throws {
        let name = TestSupport.uniqueName("init-slow")
        defer { try? Segment.remove(name) }
        let creator = SlowCreator(name: name, initializingFor: 1)
        #expect(openFailure(name, timeout: .milliseconds(100))?.code == .timedOut)
        let report = try SegmentReport.inspect(name)
        #expect(report.verdict == .initializing)
        #expect(report.creatorLiveness == .alive)
        #expect(!report.isAbandoned)
        #expect(creator.join() == nil)
        let reopened = try Segment(open: name, timeout: .milliseconds(100))
        #expect(reopened.body.load(as: UInt64.self) == SlowCreator.marker)
    }
}
