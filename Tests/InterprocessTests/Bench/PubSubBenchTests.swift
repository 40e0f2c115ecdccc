import Foundation
import Testing

/// `interprocess bench --only pubsub`: the publish/subscribe cases run across real processes in
/// a tiny configuration and report every row with its same-run baseline. Behaviour only; the
/// speed is never asserted (it lives in BENCHMARKS.md).
@Suite("CLI: bench pubsub", .timeLimit(.minutes(3)))
struct PubSubBenchTests {
    static let sizes = [8, 1024, 65536, 1_048_576, 4_194_304]
    /// "payload transport subscribers", in the order the cases run.
    static let rows = ["8 c-spin 1", "8 c-pubsub-protocol 1"] + sizes.map { "\($0) pubsub 1" }
        + sizes.flatMap { ["\($0) c-memcpy-spin 1", "\($0) pubsub-full 1"] }
        + [1, 4, 16].map { "16 pubsub-fanout \($0)" }

    @Test func quickRunReportsEveryRowWithItsBaseline() throws {
        let outcome = try TestSupport.cli("bench", "--quick", "--json", "--only", "pubsub", "--iterations", "200")
        try #require(outcome.status == 0, "\(outcome)")
        let report = try CLIJSON.object(outcome.standardOutput)
        #expect((report["latency"] as? [Any])?.isEmpty == true)
        #expect((report["throughput"] as? [Any])?.isEmpty == true)
        #expect((report["locks"] as? [Any])?.isEmpty == true)

        let rows = try #require(report["pubsub"] as? [[String: Any]])
        #expect(rows.map(Self.key) == Self.rows)
        for row in rows {
            let name = Self.key(row)
            let values = try Self.percentiles(row["nanoseconds"], name)
            #expect(values.allSatisfy { $0.isFinite && $0 > 0 }, "\(name): \(values)")
            #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 }, "percentiles of \(name) must not decrease: \(values)")
            #expect((row["rounds"] as? Int ?? 0) >= 1, "\(name)")
            #expect((row["measures"] as? String)?.isEmpty == false, "\(name)")
            #expect(Self.positive(row["meanNanoseconds"]), "\(name)")

            let transport = row["transport"] as? String
            let expectedBaseline: String? = switch transport {
            case "pubsub", "c-pubsub-protocol": "c-spin"
            case "pubsub-full": "c-memcpy-spin"
            case "pubsub-fanout": "pubsub-fanout"
            default: nil
            }
            #expect(row["baseline"] as? String == expectedBaseline, "\(name)")
            if expectedBaseline == nil {
                #expect(row["ratioToBaseline"] == nil, "\(name)")
                continue
            }
            let ratios = try Self.percentiles(row["ratioToBaseline"], name)
            #expect(ratios.allSatisfy { $0.isFinite && $0 > 0 }, "\(name): \(ratios)")
            #expect(Self.positive(row["meanRatioToBaseline"]), "\(name)")
            if transport == "pubsub-full" {
                #expect(row["baselinePayloadBytes"] as? Int == row["payloadBytes"] as? Int, "\(name)")
            }
            if transport == "pubsub-fanout" {
                #expect(row["baselineSubscribers"] as? Int == 1, "\(name)")
                #expect(Self.positive(row["clockOverheadNanoseconds"]), "\(name)")
            }
        }
        #expect(outcome.standardError.contains("bench: \(Self.rows.count) cases in "), "\(outcome.standardError)")
    }

    @Test func oneTransportOfTheGroupPrintsItsTable() throws {
        let outcome = try TestSupport.cli("bench", "--quick", "--only", "pubsub-fanout", "--iterations", "100")
        try #require(outcome.status == 0, "\(outcome)")
        #expect(outcome.standardOutput.contains("Publish/subscribe, in ns"), "\(outcome.standardOutput)")
        let fanoutLines = outcome.standardOutput.split(separator: "\n").filter { $0.contains("pubsub-fanout") && $0.hasPrefix("16 B") }
        #expect(fanoutLines.count == 3, "\(outcome.standardOutput)")
        #expect(!outcome.standardOutput.contains("(floor)"), "only the fanout rows: \(outcome.standardOutput)")
    }

    private static func key(_ row: [String: Any]) -> String {
        "\(row["payloadBytes"] as? Int ?? 0) \(row["transport"] as? String ?? "?") \(row["subscribers"] as? Int ?? 0)"
    }

    private static func percentiles(_ value: Any?, _ name: String) throws -> [Double] {
        let object = try #require(value as? [String: Any], "\(name)")
        return try ["p50", "p90", "p99", "p99.9", "max"].map { key in
            try #require((object[key] as? NSNumber)?.doubleValue, "\(name) \(key)")
        }
    }

    private static func positive(_ value: Any?) -> Bool {
        guard let number = (value as? NSNumber)?.doubleValue else { return false }
        return number.isFinite && number > 0
    }
}
