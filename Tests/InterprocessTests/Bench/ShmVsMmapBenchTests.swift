import Foundation
import Testing

/// `interprocess bench --only shm-vs-mmap`: the seed table runs its handoff through both
/// mappings in two processes and prints the published figures beside its own. Behaviour only;
/// the speed is never asserted (it lives in BENCHMARKS.md).
@Suite("CLI: bench shm-vs-mmap", .timeLimit(.minutes(1)))
struct ShmVsMmapBenchTests {
    @Test func quickRunReportsBothMappingsBesideThePublishedFigures() throws {
        let json = try TestSupport.cli("bench", "--quick", "--iterations", "50", "--json", "--only", "shm-vs-mmap")
        try #require(json.status == 0, "\(json)")
        let report = try CLIJSON.object(json.standardOutput)
        let rows = try #require(report["shmVsMmap"] as? [[String: Any]])
        #expect(rows.map { $0["transport"] as? String } == ["posix-shm", "mapped-file"])
        for row in rows {
            let minimum = row["minimumMicroseconds"] as? Double ?? -1, mean = row["meanMicroseconds"] as? Double ?? -1
            let maximum = row["maximumMicroseconds"] as? Double ?? -1
            #expect(row["rounds"] as? Int == 50 && minimum > 0 && minimum <= mean && mean <= maximum, "\(row)")
        }
        #expect((rows[0]["backing"] as? String)?.hasPrefix("/dev/shm/") == true)
        #expect((rows[1]["backing"] as? String)?.hasPrefix("/dev/shm/") == false)
        let text = try TestSupport.cli("bench", "--quick", "--iterations", "20", "--only", "mapped-file")
        try #require(text.status == 0, "\(text)")
        #expect(text.standardOutput.contains("published shm") && text.standardOutput.contains("published mmap"))
        #expect(text.standardOutput.contains("mapped-file") && !text.standardOutput.contains("posix-shm "))
    }
}
