import Foundation
import Interprocess
import Testing

@Suite("MPMC queue across processes", .timeLimit(.minutes(5)),
       .enabled(if: !Sanitizers.threadSanitizer, "TSan makes 128-bit CAS a per-process lock; see Sanitizers"))
struct MPMCQueueCrossProcessTests {
    /// One producer's totals, summed over what every consumer reported.
    struct Totals: Equatable {
        var count: UInt64 = 0
        var sum: UInt64 = 0
        var squares: UInt64 = 0
    }

    /// Adds the "producer P count C sum S squares Q" lines of a consumer's output to `totals`.
    static func add(_ output: String, to totals: inout [UInt32: Totals]) {
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count == 8, words[0] == "producer", let producer = UInt32(words[1]),
                  let count = UInt64(words[3]), let sum = UInt64(words[5]), let squares = UInt64(words[7]) else { continue }
            totals[producer, default: Totals()].count += count
            totals[producer, default: Totals()].sum &+= sum
            totals[producer, default: Totals()].squares &+= squares
        }
    }

    @Test("2 producer processes × 2 consumer processes: every one of 10 000 000 records is delivered exactly once, whole")
    func twoByTwoExactlyOnce() throws {
        let name = TestSupport.uniqueName("mpmc-2x2")
        _ = try MPMCQueue(create: name, slotCount: 256, slotSize: 40)
        defer { try? MPMCQueue.remove(name) }
        let perProducer: UInt64 = 5_000_000
        let consumers = try (0..<2).map { _ in
            try TestSupport.BackgroundPeer(["mpmc-consume", name, "2", "150000"], timeout: 170)
        }
        let producers = try (1...2).map { id in
            try TestSupport.BackgroundPeer(["mpmc-produce", name, String(id), String(perProducer), "2"], timeout: 170)
        }
        for producer in producers {
            let outcome = try producer.wait()
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.standardOutput.contains("sent \(perProducer)"), "\(outcome)")
        }
        var totals: [UInt32: Totals] = [:]
        var receivedByConsumer: [Int] = []
        for consumer in consumers {
            let outcome = try consumer.wait()
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.standardOutput.contains("skipped 0 redelivered 0"), "\(outcome)")
            Self.add(outcome.standardOutput, to: &totals)
            let received = outcome.standardOutput.split(separator: "\n").first { $0.hasPrefix("received ") }
            receivedByConsumer.append(received.flatMap { Int($0.dropFirst("received ".count)) } ?? -1)
        }
        // Sequence numbers 0..<n: count n, and their sum and sum of squares, wrapping as the
        // consumers' sums do.
        let n = perProducer
        var squares: UInt64 = 0
        for sequence in 0..<n { squares &+= sequence &* sequence }
        let expected = Totals(count: n, sum: n * (n - 1) / 2, squares: squares)
        #expect(totals == [1: expected, 2: expected])
        #expect(receivedByConsumer.reduce(0, +) == Int(2 * perProducer), "per consumer: \(receivedByConsumer)")
    }
}
