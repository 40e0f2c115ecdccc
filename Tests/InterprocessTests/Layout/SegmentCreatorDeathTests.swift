import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A creator that dies while initializing leaves a segment that never becomes ready: openers
/// learn `creatorDied` instead of waiting, and reports call it abandoned.
@Suite(.timeLimit(.minutes(1)))
struct SegmentCreatorDeathTests {
    @Test func creatorKilledDuringInitialization() async throws {
        let name = TestSupport.uniqueName("died")
        defer { try? Segment.remove(name) }
        await #expect(processExitsWith: .signal(SIGKILL)) { [name = name as String] in
            _ = try Segment(create: name, bodySize: 4096) { _ in
                kill(getpid(), SIGKILL)
            }
        }
        let stored = try SegmentFile.header(name)
        #expect(stored.state == SegmentHeader.State.initializing.rawValue)
        #expect(stored.creator.pid != getpid())

        #expect(openFailure(name, timeout: .seconds(10))?.code == .creatorDied)

        let report = try SegmentReport.inspect(name)
        #expect(report.verdict == .creatorDied)
        #expect(report.creatorLiveness == .dead)
        #expect(report.header == stored)
        #expect(report.attachedPIDs.isEmpty)
        #expect(report.isAbandoned)
    }
}
