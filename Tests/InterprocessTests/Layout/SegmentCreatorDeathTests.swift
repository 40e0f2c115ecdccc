import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A creator that dies before `create` returns never publishes its segment: the name stays free,
/// openers learn `notFound` at once, and `gc` removes the hidden file it was building. A
/// segment another writer published while initializing, whose creator then died, reads as
/// `creatorDied` and is abandoned.
@Suite(.timeLimit(.minutes(5)))
struct SegmentCreatorDeathTests {
    @Test func creatorKilledDuringInitialization() async throws {
        let name = TestSupport.uniqueName("died")
        defer {
            try? Segment.remove(name)
            for file in SegmentFile.pendingFiles(of: name) { SegmentFile.remove(file) }
        }
        await #expect(processExitsWith: .signal(SIGKILL)) { [name = name as String] in
            _ = try Segment(create: name, bodySize: 4096) { _ in
                kill(getpid(), SIGKILL)
            }
        }
        #expect(!SharedMemory.exists(name))
        #expect(openFailure(name)?.code == .notFound)
        let leftovers = SegmentFile.pendingFiles(of: name)
        #expect(leftovers.count == 1)

        let decisions = SegmentReport.collectGarbage(prefix: name, dryRun: false)
        #expect(decisions.map(\.name) == leftovers)
        #expect(decisions.allSatisfy { $0.action == .removed })
        #expect(decisions.first?.reason.contains("died while creating \(name)") == true)
        #expect(SegmentFile.pendingFiles(of: name).isEmpty)
        _ = try Segment(create: name, bodySize: 64)
    }

    @Test func publishedWhileInitializingThenCreatorDied() throws {
        let name = TestSupport.uniqueName("died-init")
        defer { try? Segment.remove(name) }
        // The pid is ours, the start time is not: the process that had it is gone.
        let current = ProcessIdentity.current
        let dead = ProcessIdentity(pid: current.pid, startTime: current.startTime &+ 1)
        try SegmentFile.createInitializing(name, creator: dead)
        #expect(openFailure(name, timeout: .seconds(10))?.code == .creatorDied)

        let report = try SegmentReport.inspect(name)
        #expect(report.verdict == .creatorDied)
        #expect(report.creatorLiveness == .dead)
        #expect(report.attachedPIDs.isEmpty)
        #expect(report.isAbandoned)
    }
}
