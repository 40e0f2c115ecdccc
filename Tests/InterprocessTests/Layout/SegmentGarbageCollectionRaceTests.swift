import Foundation
import Interprocess
import Testing

/// `gc` against processes opening the segments it is about to remove: it must never remove a
/// segment a process has open (the shared lock every handle holds), and an opener must never
/// end up using a segment `gc` removed under it.
@Suite("gc racing openers", .timeLimit(.minutes(5)))
struct SegmentGarbageCollectionRaceTests {
    @Test("gc never removes a segment that a live process has open or is opening")
    func gcRacingOpeners() async throws {
        let prefix = TestSupport.uniqueName("gcrace")
        let count = 12
        defer { for index in 0..<count { try? SharedMemory.remove("\(prefix)-\(index)") } }
        let (opened, outcomes) = try await BlockingWork.run { () throws -> (Int, [TestSupport.Outcome]) in
            // Three processes open random segments of the set in a tight loop for two seconds...
            let openers = try (0..<3).map { _ in
                try TestSupport.BackgroundPeer(["segment-open-loop", prefix, String(count), "2000"])
            }
            // ...while, round after round, a process that then exits (so their creator is dead)
            // fills the set again and gc removes what it may.
            let started = Date()
            while Date().timeIntervalSince(started) < 1.8 {
                let created = try TestSupport.peer("segment-create-many", prefix, String(count))
                guard created.status == 0 else { throw TestFailure("segment-create-many: \(created)") }
                _ = SegmentReport.collectGarbage(prefix: prefix + "-", dryRun: false)
            }
            let outcomes = try openers.map { try $0.wait() }
            return (outcomes.count, outcomes)
        }
        var openedTotal = 0
        for outcome in outcomes {
            #expect(outcome.status == 0, "\(outcome)")
            // "opened N missing M orphaned K"
            let words = outcome.standardOutput.split(whereSeparator: \.isWhitespace)
            try #require(words.count == 6, "\(outcome)")
            openedTotal += Int(words[1]) ?? 0
            #expect(words[5] == "0", "an opener used a segment gc removed under it: \(outcome)")
        }
        #expect(opened == 3)
        #expect(openedTotal > 0)
    }
}
