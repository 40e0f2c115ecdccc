import Foundation
import Testing

/// `interprocess bench --only blackboard`: a writer process and 0, 1 and 4 reader processes
/// (stateless `read(_:)` readers, then entry readers) report every row with sane numbers and
/// no torn value, and the interleaved case (4 readers, one or all four reading in turn, each
/// kind of reader) reports both kinds of phase. Behaviour only; the speed is never
/// asserted (it lives in BENCHMARKS.md).
@Suite("CLI: bench blackboard", .timeLimit(.minutes(2)))
struct BlackboardBenchTests {
    @Test func quickRunReportsEveryRow() throws {
        let outcome = try TestSupport.cli("bench", "--quick", "--json", "--only", "blackboard")
        try #require(outcome.status == 0, "\(outcome)")
        let report = try CLIJSON.object(outcome.standardOutput)
        #expect((report["latency"] as? [Any])?.isEmpty == true)
        let rows = try #require(report["blackboard"] as? [[String: Any]])
        // `read(_:)` readers, then entry readers (`BlackboardEntryReader`).
        #expect(rows.map { "\($0["reader"] as? String ?? "?") \($0["copies"] as? Int ?? 0) \($0["readers"] as? Int ?? -1)" }
                == ["read 4 0", "read 4 1", "read 4 4", "entry 4 1", "entry 4 4"])
        for row in rows {
            let readers = row["readers"] as? Int ?? 0
            #expect((row["writerWrites"] as? Int ?? 0) > 0 && ((row["writerWritesPerCPUSecond"] as? Double) ?? 0) > 0, "\(row)")
            #expect((row["readerReads"] as? [Int])?.count == readers, "\(row)")
            #expect((row["readerReadsPerCPUSecond"] as? [Double])?.allSatisfy { $0 >= 0 } == true, "\(row)")
            if readers > 0 { #expect(row["ratioToOneReader"] as? Double != nil, "\(row)") }
        }
        // The interleaved case: 4 readers, one and four reading in turn, each kind measured.
        let phased = try #require(report["blackboardInterleaved"] as? [[String: Any]])
        #expect(phased.map { "\($0["reader"] as? String ?? "?") \($0["copies"] as? Int ?? 0)" } == ["read 4", "entry 4"])
        for row in phased {
            #expect((row["phasesEach"] as? Int ?? 0) >= 2, "\(row)")
            #expect(((row["writerWritesPerCPUSecondOneReader"] as? Double) ?? 0) > 0, "\(row)")
            #expect(((row["writerWritesPerCPUSecondAllReaders"] as? Double) ?? 0) > 0, "\(row)")
            #expect(((row["ratio"] as? Double) ?? 0) > 0, "\(row)")
            // Reader 0 read while alone; every reader read in the four-reader phases.
            #expect(((row["readerReadsPerCPUSecondAlone"] as? Double) ?? 0) > 0, "\(row)")
            let together = row["readerReadsPerCPUSecondTogether"] as? [Double] ?? []
            #expect(together.count == 4 && together.allSatisfy { $0 > 0 }, "\(row)")
        }
    }
}
