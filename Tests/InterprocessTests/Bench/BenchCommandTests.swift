import Foundation
import Testing

/// `interprocess bench --quick --json`: every row is there with sane numbers. Behaviour only;
/// the speed itself is never asserted (it lives in BENCHMARKS.md).
@Suite("CLI: bench", .timeLimit(.minutes(5)))
struct BenchCommandTests {
    static let latencyTransports = [
        "c-spin", "spsc-spin", "spsc-blocking", "spsc-parked", "process-semaphore", "process-condition", "process-mutex-handoff", "futex-handoff", "futex-wake",
        "posix-semaphore", "pthread-condition", "pthread-mutex-handoff",
        "pipe", "unix-socket", "tcp-loopback",
    ]
    /// The latency rows beyond 8 bytes: the transports that carry a payload, at each size.
    static let payloadLatencyRows = [1024, 65536, 1_048_576].flatMap { size in
        ["spsc-spin", "spsc-blocking", "pipe", "unix-socket", "tcp-loopback"].map { "\(size) \($0)" }
    }
    static let latencyRows = latencyTransports.map { "8 \($0)" } + payloadLatencyRows
    static let throughputTransports = ["c-ring", "spsc", "pipe", "unix-socket", "tcp-loopback"]
    static let lockTransports = ["process-mutex", "pthread-robust"]
    static let sizes = [8, 64, 1024, 65536, 1_048_576]

    @Test func quickRunReportsEveryRowWithSaneNumbers() throws {
        // Every group, quick: about 30 s on an idle 2-CPU machine, over a minute (the `cli`
        // helper's limit) in a loaded whole-suite run.
        let outcome = try TestSupport.run(TestSupport.executable("interprocess"), ["bench", "--quick", "--json"], timeout: 240)
        try #require(outcome.status == 0, "\(outcome)")
        let report = try CLIJSON.object(outcome.standardOutput)

        let machine = try #require(report["machine"] as? [String: Any])
        #expect((machine["cpuModel"] as? String)?.isEmpty == false)
        #expect(((machine["logicalCPUs"] as? Int) ?? 0) >= 1)
        #expect((report["command"] as? [String])?.contains("--quick") == true)
        #expect((report["date"] as? String)?.isEmpty == false)

        let latency = try #require(report["latency"] as? [[String: Any]])
        #expect(latency.map { "\($0["messageBytes"] as? Int ?? 0) \($0["transport"] as? String ?? "?")" } == Self.latencyRows)
        for row in latency {
            let name = "\(row["messageBytes"] ?? "?") B \(row["transport"] as? String ?? "?")"
            let oneWay = try #require(row["oneWayNanoseconds"] as? [String: Any], "\(name)")
            let values = try ["p50", "p90", "p99", "p99.9", "max"].map { key in
                try #require(Self.number(oneWay[key]), "\(name) \(key)")
            }
            #expect(values.allSatisfy { $0.isFinite && $0 > 0 }, "\(name): \(values)")
            #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 }, "percentiles of \(name) must not decrease: \(values)")
            #expect((row["rounds"] as? Int ?? 0) >= 1, "\(name)")
            if row["messageBytes"] as? Int == 8 {
                let floorRatio = try #require(row["ratioToFloor"] as? [String: Any], "\(name)")
                #expect(Self.positive(floorRatio["p50"]), "\(name)")
            } else {
                #expect(row["ratioToFloor"] == nil, "the floor carries no payload: \(name)")
            }
            let bestRatio = try #require(row["ratioToBestBaseline"] as? [String: Any], "\(name)")
            #expect(Self.positive(bestRatio["p99.9"]), "\(name)")
        }

        let throughput = try #require(report["throughput"] as? [[String: Any]])
        let expected = Self.sizes.flatMap { size in
            let byteStream = [64, 65_536, 1_048_576].contains(size) ? ["byte-stream"] : []
            let mpmc = [8, 64].contains(size) ? ["mpmc-2p1c"] : []
            let transports = Self.throughputTransports.prefix(2) + byteStream + mpmc + Self.throughputTransports.dropFirst(2)
            return transports.map { "\(size) \($0)" }
        }
        #expect(throughput.map { "\($0["messageBytes"] as? Int ?? 0) \($0["transport"] as? String ?? "?")" } == expected)
        for row in throughput {
            let name = "\(row["messageBytes"] ?? "?") B \(row["transport"] ?? "?")"
            for key in ["messagesPerSecond", "gigabytesPerSecond", "seconds", "ratioToFloor", "ratioToBestBaseline"] {
                #expect(Self.positive(row[key]), "\(name) \(key): \(String(describing: row[key]))")
            }
            #expect((row["messages"] as? Int ?? 0) >= 1, "\(name)")
        }

        let locks = try #require(report["locks"] as? [[String: Any]])
        #expect(locks.compactMap { $0["transport"] as? String } == Self.lockTransports)
        for row in locks {
            let name = row["transport"] as? String ?? "?"
            for key in ["nanosecondsPerPair", "ratioToBaseline"] {
                #expect(Self.positive(row[key]), "\(name) \(key): \(String(describing: row[key]))")
            }
            #expect((row["pairs"] as? Int ?? 0) >= 1, "\(name)")
        }
    }

    @Test func onlyRunsTheChosenGroup() throws {
        let outcome = try TestSupport.cli("bench", "--quick", "--json", "--only", "latency", "--iterations", "100")
        try #require(outcome.status == 0, "\(outcome)")
        let report = try CLIJSON.object(outcome.standardOutput)
        #expect((report["latency"] as? [Any])?.count == Self.latencyRows.count)
        #expect((report["throughput"] as? [Any])?.isEmpty == true)
        #expect((report["locks"] as? [Any])?.isEmpty == true)
    }

    @Test func onlySPSCIncludesItsLatencyCasesAndProgressGoesToStandardError() throws {
        let outcome = try TestSupport.cli("bench", "--quick", "--json", "--only", "spsc", "--iterations", "100", "--seconds", "0.01")
        try #require(outcome.status == 0, "\(outcome)")
        let report = try CLIJSON.object(outcome.standardOutput)
        let latency = try #require(report["latency"] as? [[String: Any]])
        #expect(Set(latency.compactMap { $0["transport"] as? String }) == ["spsc-spin", "spsc-blocking", "spsc-parked"])
        #expect(Set(latency.compactMap { $0["messageBytes"] as? Int }) == [8, 1024, 65536, 1_048_576])
        let throughput = try #require(report["throughput"] as? [[String: Any]])
        #expect(Set(throughput.compactMap { $0["transport"] as? String }) == ["spsc"])
        let total = latency.count + throughput.count
        let progress = outcome.standardError.split(separator: "\n").filter { $0.hasPrefix("bench [") }
        #expect(progress.count == total, "\(outcome.standardError)")
        #expect(progress.first?.hasPrefix("bench [1/\(total), ") == true, "\(outcome.standardError)")
        #expect(progress.last?.hasPrefix("bench [\(total)/\(total), ") == true)
        #expect(outcome.standardError.contains("bench: \(total) cases in "), "\(outcome.standardError)")
    }

    @Test func badCPUListIsAUsageError() throws {
        let outcome = try TestSupport.cli("bench", "--cpus", "0")
        #expect(outcome.status == 64, "\(outcome)")
    }

    private static func number(_ value: Any?) -> Double? {
        (value as? NSNumber)?.doubleValue
    }

    private static func positive(_ value: Any?) -> Bool {
        guard let number = number(value) else { return false }
        return number.isFinite && number > 0
    }
}
