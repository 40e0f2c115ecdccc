import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A segment is built under a hidden name and published whole: whatever happens to its creator,
/// its name never refers to a half-made segment that blocks opens and creates.
@Suite("Publishing segments whole", .timeLimit(.minutes(1)))
struct SegmentPublicationTests {
    /// A small seeded generator (SplitMix64), so that a failing run can be replayed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    @Test("a creator SIGKILLed at a random point, reserving a large body, never leaves its name blocked")
    func creatorKilledAtRandomPoints() throws {
        let seed = ProcessInfo.processInfo.environment["IPC_TEST_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0 ... .max)
        var generator = SeededGenerator(state: seed)
        let name = TestSupport.uniqueName("kill-create")
        defer {
            try? Segment.remove(name)
            for file in SegmentFile.pendingFiles(of: name) { SegmentFile.remove(file) }
        }
        let bodySize = 32 << 20
        let peer = try TestSupport.executable("interprocess-test-peer")
        let started = Date()
        var rounds = 0, published = 0, leftovers = 0
        while rounds < 40 && Date().timeIntervalSince(started) < 3 {
            rounds += 1
            let creator = try TestSupport.start(peer, ["segment-create", name, String(bodySize)])
            usleep(UInt32.random(in: 0...40_000, using: &generator))
            kill(creator.processIdentifier, SIGKILL)
            creator.waitUntilExit()
            let context: Comment = "seed \(seed) (IPC_TEST_SEED), round \(rounds)"

            if SharedMemory.exists(name) {
                // Published: whole and valid, never empty or half-reserved.
                let segment = try Segment(open: name, kind: .raw, timeout: .milliseconds(500))
                #expect(segment.memory.size == SegmentHeader.size + bodySize, context)
                published += 1
            } else {
                // Not published: told at once, not after waiting out the timeout.
                #expect(openFailure(name, timeout: .seconds(30))?.code == .notFound, context)
            }
            leftovers += SegmentFile.pendingFiles(of: name).count
            // gc removes all the dead creator left: its hidden file, and its segment if published.
            let decisions = SegmentReport.collectGarbage(prefix: name, dryRun: false)
            #expect(decisions.allSatisfy { $0.action == .removed }, "\(decisions.map { "\($0.name): \($0.reason)" }), \(context)")
            #expect(!SharedMemory.exists(name), context)
            #expect(SegmentFile.pendingFiles(of: name).isEmpty, context)
            // The name is free: create succeeds at once.
            _ = try Segment(create: name, bodySize: 64)
            try Segment.remove(name)
        }
        #expect(rounds > 1)
        _ = (published, leftovers)
    }

    @Test("a creator whose initialization fails publishes nothing: openers learn notFound at once")
    func failedInitialization() throws {
        let name = TestSupport.uniqueName("init-fails")
        defer { try? Segment.remove(name) }
        // The creator initializes for a second, fails, and then lives on (two seconds).
        let creator = try TestSupport.BackgroundPeer(["segment-create", name, "4096", "1000", "fail"])
        #expect(TestSupport.eventually { SharedMemory.exists(name) || !SegmentFile.pendingFiles(of: name).isEmpty })
        // Opened during the initialization and after its failure alike: never a wait for a
        // creator that will not finish (a timeout shorter than the creator's remaining life).
        #expect(openFailure(name, timeout: .milliseconds(1500))?.code == .notFound)
        let outcome = try creator.wait()
        #expect(outcome.standardOutput == "failed\n", "\(outcome)")
        #expect(openFailure(name, timeout: .milliseconds(1500))?.code == .notFound)
        #expect(SegmentFile.pendingFiles(of: name).isEmpty)
        _ = try Segment(create: name, bodySize: 64)
    }
}
