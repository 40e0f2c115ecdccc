import Foundation
import Testing

/// `interprocess bench --only containers`: both rows, with sane numbers (the speed itself lives in
/// BENCHMARKS.md).
@Suite("CLI: bench containers", .timeLimit(.minutes(2)))
struct ContainerBenchTests {
    @Test func containersGroupReportsDictionaryAndVectorRows() throws {
        let outcome = try TestSupport.cli("bench", "--quick", "--json", "--only", "containers", "--seconds", "0.2")
        try #require(outcome.status == 0, "\(outcome)")
        let report = try CLIJSON.object(outcome.standardOutput)
        let rows = try #require(report["containers"] as? [[String: Any]])
        #expect(rows.compactMap { $0["transport"] as? String } == ["shared-dictionary", "shared-vector"])
        let dictionary = try #require(rows.first), vector = try #require(rows.last)
        #expect(Self.positive(dictionary["lookupsPerSecond"]) && Self.positive(dictionary["writesPerSecond"]))
        #expect((dictionary["readerLookupsPerSecond"] as? [Any])?.count == 2)
        #expect(Self.positive(vector["writesPerSecond"]) && (vector["writes"] as? Int ?? 0) > 0)
        #expect((report["latency"] as? [Any])?.isEmpty == true)
    }

    static func positive(_ value: Any?) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return number.doubleValue.isFinite && number.doubleValue > 0
    }
}
