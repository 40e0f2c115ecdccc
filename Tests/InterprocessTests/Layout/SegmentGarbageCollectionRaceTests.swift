import Foundation
import Interprocess
import Testing

/// `gc` against processes opening the segments it is about to remove: it must never remove a
/// segment a process has open (the shared lock every handle holds), and an opener must never
/// end up using a segment `gc` removed under it.
@Suite("gc racing openers", .timeLimit(.minutes(1)))
struct SegmentGarbageCollectionRaceTests {
    @Test("gc never removes a segment that a live process has open or is opening")
    func gcRacingOpeners() throws {
        let prefix = TestSupport.uniqueName("gcrace")
        let count = 12
        defer { for index in 0..<count { try? SharedMemory.remove("\(prefix)-\(index)") } }
        // Three processes open random segments of the set in a tight loop for three seconds...
        let openers = try (0..<3).map { _ in
            try TestSupport.BackgroundPeer(["segment-open-loop", prefix, String(count), "3000"])
        }
        // ...while, round after round, a process that then exits (so their creator is dead)
        // fills the set again and gc removes what it may.
        let started = Date()
        var rounds = 0, removed = 0, keptInUse = 0
        while Date().timeIntervalSince(started) < 2.7 {
            let created = try TestSupport.peer("segment-create-many", prefix, String(count))
            try #require(created.status == 0, "\(created)")
            for decision in SegmentReport.collectGarbage(prefix: prefix + "-", dryRun: false) {
                if decision.action == .removed { removed += 1 } else { keptInUse += 1 }
            }
            rounds += 1
        }
        var opened = 0
        for outcome in try openers.map({ try $0.wait() }) {
            #expect(outcome.status == 0, "\(outcome)")
            // "opened N missing M orphaned K"
            let words = outcome.standardOutput.split(whereSeparator: \.isWhitespace)
            try #require(words.count == 6, "\(outcome)")
            opened += Int(words[1]) ?? 0
            #expect(words[5] == "0", "an opener used a segment gc removed under it: \(outcome)")
        }
        // The race really ran: segments were opened, and gc both removed and kept some.
        #expect(rounds > 1)
        #expect(opened > 0)
        #expect(removed > 0)
        _ = keptInUse
    }
}
