import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A segment is built under a hidden name and published whole: whatever happens to its creator,
/// its name never refers to a half-made segment that blocks opens and creates.
@Suite("Publishing segments whole", .timeLimit(.minutes(5)))
struct SegmentPublicationTests {

    @Test("a creator SIGKILLed at a random point, reserving a large body, never leaves its name blocked")
    func creatorKilledAtRandomPoints() async throws {
        let seed = ProcessInfo.processInfo.environment["IPC_TEST_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0 ... .max)
        let name = TestSupport.uniqueName("kill-create")
        defer {
            try? Segment.remove(name)
            for file in SegmentFile.pendingFiles(of: name) { SegmentFile.remove(file) }
        }
        let (rounds, problems) = try await BlockingWork.run { try Self.killCreators(of: name, seed: seed) }
        #expect(problems.isEmpty, "seed \(seed) (IPC_TEST_SEED): \(problems)")
        #expect(rounds > 0)
    }

    /// Kills creators of `name` at random points (for two seconds at most) and checks what each
    /// leaves; returns the rounds run and what went wrong in them (issues are recorded by the
    /// test, on its own task).
    private static func killCreators(of name: String, seed: UInt64) throws -> (Int, [String]) {
        var generator = SeededRandom(seed: seed)
        let bodySize = 32 << 20
        let peer = try TestSupport.executable("interprocess-test-peer")
        let started = Date()
        var rounds = 0
        var problems: [String] = []
        while rounds < 30 && Date().timeIntervalSince(started) < 2 && problems.isEmpty {
            rounds += 1
            func problem(_ text: String) { problems.append("round \(rounds): \(text)") }
            let creator = try TestSupport.start(peer, ["segment-create", name, String(bodySize)])
            usleep(UInt32.random(in: 0...40_000, using: &generator))
            kill(creator.processIdentifier, SIGKILL)
            creator.waitUntilExit()

            if SharedMemory.exists(name) {
                // Published: whole and valid, never empty or half-reserved.
                do {
                    let segment = try Segment(open: name, kind: .raw, timeout: .milliseconds(500))
                    if segment.memory.size != SegmentHeader.size + bodySize { problem("published with \(segment.memory.size) bytes") }
                } catch {
                    problem("the published name does not open: \(error)")
                }
            } else {
                // Not published: told at once, not after waiting out the timeout.
                do {
                    _ = try Segment(open: name)
                    problem("opened a name that does not exist")
                } catch {
                    if error.code != .notFound { problem("open: \(error)") }
                }
            }
            // gc removes all the dead creator left: its hidden file, and its segment if published.
            for decision in SegmentReport.collectGarbage(prefix: name, dryRun: false) where decision.action != .removed {
                problem("gc kept \(decision.name): \(decision.reason)")
            }
            if SharedMemory.exists(name) { problem("the segment is still there after gc") }
            if !SegmentFile.pendingFiles(of: name).isEmpty { problem("hidden files are still there after gc") }
            // The name is free: create succeeds at once.
            do {
                _ = try Segment(create: name, bodySize: 64)
                try Segment.remove(name)
            } catch {
                problem("create after gc: \(error)")
            }
        }
        return (rounds, problems)
    }

    @Test("a creator whose initialization fails publishes nothing: openers learn notFound at once")
    func failedInitialization() async throws {
        let name = TestSupport.uniqueName("init-fails")
        defer { try? Segment.remove(name) }
        let (began, during, outcome, after) = try await BlockingWork.run {
            () throws -> (Bool, InterprocessError.Code?, TestSupport.Outcome, InterprocessError.Code?) in
            // The creator initializes for half a second, fails, and then lives on (a second).
            let creator = try TestSupport.BackgroundPeer(["segment-create", name, "4096", "500", "fail"])
            let began = TestSupport.eventually { SharedMemory.exists(name) || !SegmentFile.pendingFiles(of: name).isEmpty }
            // Opened during the initialization and after its failure alike: never a wait for a
            // creator that will not finish (a timeout shorter than the creator's remaining life).
            let during = Self.openCode(name)
            let outcome = try creator.wait()
            return (began, during, outcome, Self.openCode(name))
        }
        #expect(began)
        #expect(during == .notFound)
        #expect(outcome.standardOutput == "failed\n", "\(outcome)")
        #expect(after == .notFound)
        #expect(SegmentFile.pendingFiles(of: name).isEmpty)
        _ = try Segment(create: name, bodySize: 64)
    }

    /// The code `Segment(open:)` fails with, or nil if it opens.
    private static func openCode(_ name: String) -> InterprocessError.Code? {
        do {
            _ = try Segment(open: name)
            return nil
        } catch {
            return error.code
        }
    }
}
