import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("CLI: gc", .timeLimit(.minutes(5)), .serialized)
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

    @Test func saysWhatItKeepsAndWhy() throws {
        let prefix = TestSupport.uniqueName("gc-why")
        let live = prefix + "-live", mapped = prefix + "-mapped", dead = prefix + "-dead"
        defer { for name in [live, mapped, dead] { try? SharedMemory.remove(name) } }
        let mine = try Segment(create: live, bodySize: 64)
        #expect(try TestSupport.cli("create", mapped, "--size", "1K").status == 0)
        #expect(try TestSupport.cli("create", dead, "--size", "1K").status == 0)
        let attached = try Segment(open: mapped)

        let text = try TestSupport.cli("gc", "--prefix", prefix)
        #expect(text.status == 0, "\(text)")
        let lines = text.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains("kept \(live): creator pid \(getpid()) alive"), "\(text)")
        // Among the pids that map it: another process on the machine (a listing, an inspect)
        // may have it mapped at that moment too.
        let mappedBy = "kept \(mapped): mapped by pid "
        #expect(lines.contains { $0.hasPrefix(mappedBy) && $0.dropFirst(mappedBy.count).split(separator: ", ").contains("\(getpid())") }, "\(text)")
        #expect(lines.contains { $0.hasPrefix("removed \(dead): creator pid ") && $0.contains("dead, mapped by no process") }, "\(text)")
        #expect(!SharedMemory.exists(dead))
        #expect(SharedMemory.exists(live) && SharedMemory.exists(mapped))

        let json = try TestSupport.cli("gc", "--prefix", prefix, "--json")
        let decisions = try #require(try CLIJSON.object(json.standardOutput)["decisions"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: decisions.compactMap { decision in
            (decision["name"] as? String).map { ($0, decision) }
        })
        #expect(byName[live]?["action"] as? String == "kept")
        #expect(byName[live]?["reason"] as? String == "creator pid \(getpid()) alive")
        #expect(byName[mapped]?["reason"] as? String == "mapped by pid \(getpid())")
        _ = mine
        _ = attached
    }

    @Test func olderThanKeepsYoungSegments() throws {
        let name = TestSupport.uniqueName("gc-young")
        defer { try? SharedMemory.remove(name) }
        #expect(try TestSupport.cli("create", name, "--size", "1K").status == 0)
        let young = try TestSupport.cli("gc", "--prefix", name, "--older-than", "1h30m")
        #expect(young.status == 0, "\(young)")
        #expect(young.standardOutput.contains("kept \(name): younger than --older-than"), "\(young)")
        #expect(SharedMemory.exists(name))
        let old = try TestSupport.cli("gc", "--prefix", name, "--older-than", "0s")
        #expect(old.standardOutput.contains("removed \(name): "), "\(old)")
        #expect(!SharedMemory.exists(name))
    }

    @Test(arguments: ["10", "-5m", "1.5h", "99999999999h"])
    func badDurationIsAUsageError(_ text: String) throws {
        let outcome = try TestSupport.cli("gc", "--prefix", TestSupport.uniqueName("gc-bad"), "--older-than", text)
        #expect(outcome.status == 64, "\(outcome)")
        #expect(outcome.standardError.contains("older-than"), "\(outcome)")
    }

    @Test func removesTheHiddenFileOfACreatorKilledWhileCreating() async throws {
        let name = TestSupport.uniqueName("gc-hidden")
        defer {
            try? SharedMemory.remove(name)
            for file in SegmentFile.pendingFiles(of: name) { SegmentFile.remove(file) }
        }
        await #expect(processExitsWith: .signal(SIGKILL)) { [name = name as String] in
            _ = try Segment(create: name, bodySize: 4096) { _ in kill(getpid(), SIGKILL) }
        }
        let hidden = try #require(SegmentFile.pendingFiles(of: name).first)
        let dryRun = try TestSupport.cli("gc", "--prefix", name, "--dry-run")
        #expect(dryRun.standardOutput.contains("would remove \(hidden): left by creator pid "), "\(dryRun)")
        #expect(SegmentFile.pendingFiles(of: name) == [hidden])
        let collected = try TestSupport.cli("gc", "--prefix", name)
        #expect(collected.standardOutput.contains("removed \(hidden): left by creator pid "), "\(collected)")
        #expect(collected.standardOutput.contains("which died while creating \(name)"), "\(collected)")
        #expect(SegmentFile.pendingFiles(of: name).isEmpty)
    }

    private func collectedNames(_ json: String) throws -> [String] {
        let segments = try #require(try CLIJSON.object(json)["segments"] as? [[String: Any]])
        return segments.compactMap { $0["name"] as? String }
    }
}
