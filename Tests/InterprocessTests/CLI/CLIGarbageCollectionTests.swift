import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("CLI: gc", .timeLimit(.minutes(1)), .serialized)
struct CLIGarbageCollectionTests {
    @Test func removesADeadCreatorsSegmentAndKeepsALiveOne() throws {
        // gc is scoped to this test's prefix, so that it cannot remove segments other tests,
        // running concurrently, have made with short-lived processes.
        let prefix = TestSupport.uniqueName("gc")
        let abandoned = prefix + "-dead", live = prefix + "-live", foreign = prefix + "-foreign"
        defer {
            for name in [abandoned, live, foreign] { try? SharedMemory.remove(name) }
        }
        // Created by a process that has exited: its creator is dead and nothing maps it.
        #expect(try TestSupport.cli("create", abandoned, "--size", "1K").status == 0)
        // Created by this (live) test process.
        let mine = try Segment(create: live, bodySize: 1024)
        // Not ours at all: gc must never touch it.
        try Data(repeating: 0x5a, count: 512).write(to: URL(fileURLWithPath: "/dev/shm/" + foreign))

        let dryRun = try TestSupport.cli("gc", "--dry-run", "--prefix", prefix, "--json")
        #expect(dryRun.status == 0, "\(dryRun)")
        let wouldRemove = try collectedNames(dryRun.standardOutput)
        #expect(wouldRemove.contains(abandoned))
        #expect(!wouldRemove.contains(live))
        #expect(!wouldRemove.contains(foreign))
        #expect(SharedMemory.exists(abandoned), "a dry run removes nothing")

        let collected = try TestSupport.cli("gc", "--prefix", prefix, "--json")
        #expect(collected.status == 0, "\(collected)")
        #expect(try collectedNames(collected.standardOutput).contains(abandoned))
        #expect(!SharedMemory.exists(abandoned))
        #expect(SharedMemory.exists(live))
        #expect(SharedMemory.exists(foreign))
        #expect(mine.header.creator == ProcessIdentity.current)
    }

    @Test func keepsADeadCreatorsSegmentWhileAnotherProcessMapsIt() throws {
        let name = TestSupport.uniqueName("gc-mapped")
        defer { try? SharedMemory.remove(name) }
        #expect(try TestSupport.cli("create", name, "--size", "1K").status == 0)
        // This process maps it: the creator is dead, but the segment is in use.
        let attached = try Segment(open: name)
        let report = try SegmentReport.inspect(name)
        #expect(report.attachedPIDs.contains(getpid()))
        #expect(report.creatorLiveness == .dead)
        #expect(!report.isAbandoned)

        let collected = try TestSupport.cli("gc", "--prefix", name, "--json")
        #expect(collected.status == 0)
        #expect(!(try collectedNames(collected.standardOutput)).contains(name))
        #expect(SharedMemory.exists(name))
        _ = attached
    }

    private func collectedNames(_ json: String) throws -> [String] {
        let segments = try #require(try CLIJSON.object(json)["segments"] as? [[String: Any]])
        return segments.compactMap { $0["name"] as? String }
    }
}
