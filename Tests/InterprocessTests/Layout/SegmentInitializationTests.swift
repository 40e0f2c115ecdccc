import Foundation
import Interprocess
import Synchronization
import Testing

/// The creator's initialization window: a failed one leaves nothing behind, and openers wait
/// for a live creator to publish `ready`, up to their deadline.
@Suite(.timeLimit(.minutes(5)))
struct SegmentInitializationTests {

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
        #expect(throws: InterprocessError.self) {
            _ = try Segment(create: name, bodySize: 64) { (_) throws(InterprocessError) in
                throw InterprocessError(.invalidArgument, operation: "initialize", reason: "asked to fail")
            }
        }
        #expect(!SharedMemory.exists(name))
        #expect(openFailure(name)?.code == .notFound)
    }

    @Test func openDuringInitializationFindsNothingAtOnce() throws {
        let name = TestSupport.uniqueName("init-hidden")
        defer { try? Segment.remove(name) }
        let creator = SlowCreator(name: name, initializingFor: 0.5)
        // Published only once ready: until then the name does not exist, and an opener is told
        // so at once instead of waiting.
        #expect(openFailure(name)?.code == .notFound)
        #expect(creator.join() == nil)
        let opened = try Segment(open: name, timeout: .seconds(1))
        #expect(opened.readableBody.load(as: UInt64.self) == SlowCreator.marker)
    }

    /// Stores `ready` (and the body marker first) into a segment made by
    /// ``SegmentFile/createInitializing(_:bodySize:creator:)``, from another thread after `delay`.
    private static func finishLater(_ name: String, after delay: TimeInterval) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: delay)
            try? SegmentFile.patch(name, at: SegmentHeader.size, bytes: withUnsafeBytes(of: SlowCreator.marker) { Array($0) })
            try? SegmentFile.store(SegmentHeader.State.ready.rawValue, in: .state, of: name)
            done.signal()
        }
        return done
    }

    @Test func openWaitsForALiveCreatorToFinish() throws {
        let name = TestSupport.uniqueName("init-wait")
        defer { try? Segment.remove(name) }
        try SegmentFile.createInitializing(name, creator: .current)
        let finished = Self.finishLater(name, after: 0.2)
        let opened = try Segment(open: name, timeout: .seconds(20))
        #expect(opened.header.state == SegmentHeader.State.ready.rawValue)
        #expect(opened.readableBody.load(as: UInt64.self) == SlowCreator.marker)
        finished.wait()
    }

    @Test func openTimesOutWhileALiveCreatorIsStillInitializing() throws {
        let name = TestSupport.uniqueName("init-slow")
        defer { try? Segment.remove(name) }
        try SegmentFile.createInitializing(name, creator: .current)
        #expect(openFailure(name, timeout: .milliseconds(100))?.code == .timedOut)
        let report = try SegmentReport.inspect(name)
        #expect(report.verdict == .initializing)
        #expect(report.creatorLiveness == .alive)
        #expect(!report.isAbandoned)
        Self.finishLater(name, after: 0).wait()
        let reopened = try Segment(open: name, timeout: .milliseconds(100))
        #expect(reopened.readableBody.load(as: UInt64.self) == SlowCreator.marker)
    }

    @Test func aHeaderTornByItsCreatorIsRetriedNotCorrupt() throws {
        let name = TestSupport.uniqueName("init-torn")
        defer { try? Segment.remove(name) }
        try SegmentFile.createInitializing(name, creator: .current)
        // What a reader sees when the creator (alive, still initializing) is halfway through
        // writing the header: fields that do not match the checksum yet.
        let good = try SegmentFile.header(name)
        try SegmentFile.store(good.checksum ^ 0xFF, in: .checksum, of: name)
        let repaired = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.2)
            try? SegmentFile.store(good.checksum, in: .checksum, of: name)
            try? SegmentFile.store(SegmentHeader.State.ready.rawValue, in: .state, of: name)
            repaired.signal()
        }
        let opened = try Segment(open: name, timeout: .seconds(20))
        #expect(opened.header.checksum == good.checksum)
        repaired.wait()
        // A bad checksum that stays bad is still corrupt, at the deadline.
        try SegmentFile.store(SegmentHeader.State.initializing.rawValue, in: .state, of: name)
        try SegmentFile.store(good.checksum ^ 0xFF, in: .checksum, of: name)
        #expect(openFailure(name, timeout: .milliseconds(100))?.code == .corrupt)
    }
}
