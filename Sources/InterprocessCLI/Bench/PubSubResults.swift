import Foundation
import Histogram

/// A pubsub case's result: its percentiles, what they measure, and their ratio (higher is
/// slower) to the row it is judged against, from the same run: `pubsub` over the C spin floor,
/// `pubsub-full` over `c-memcpy-spin` of the same size, `pubsub-fanout` over its 1-subscriber row.
struct PubSubRow: Codable {
    var transport: BenchTransport
    var role: BenchRole
    var payloadBytes: Int
    /// Subscriber processes attached (1 for the ping-pong rows).
    var subscribers: Int
    /// What the numbers are, in words.
    var measures: String
    var rounds: Int
    /// Nanoseconds: one way (round trip / 2) for the ping-pong rows, one `send` call for fanout.
    var nanoseconds: Percentiles
    /// The mean of the fastest 99%, in the same unit. The clock of this VM advances in steps of
    /// 10 ns, so the percentiles of a 10–20 ns call are quantized; the mean of a million of them
    /// is not. The slowest 1% (preemption by other work: milliseconds) is left out.
    var meanNanoseconds: Double
    /// Voluntary context switches of all the case's processes per round (or sample).
    var sleepsPerRound: Double
    /// Fanout: the median cost of the two clock reads around each `send`, included in its time.
    var clockOverheadNanoseconds: Double?
    /// The row this one is judged against.
    var baseline: BenchTransport?
    var baselinePayloadBytes: Int?
    var baselineSubscribers: Int?
    var ratioToBaseline: Percentiles?
    /// The mean over the baseline's mean.
    var meanRatioToBaseline: Double?

    init(_ pubsubCase: PubSubCase, rounds: Int, nanoseconds: Percentiles, meanNanoseconds: Double, sleepsPerRound: Double,
         clockOverhead: Double?) {
        transport = pubsubCase.transport
        role = pubsubCase.transport.role
        payloadBytes = pubsubCase.payloadBytes
        subscribers = pubsubCase.subscribers
        measures = PubSubRow.measures(pubsubCase)
        self.rounds = rounds
        self.nanoseconds = nanoseconds
        self.meanNanoseconds = meanNanoseconds
        self.sleepsPerRound = sleepsPerRound
        clockOverheadNanoseconds = clockOverhead
    }

    /// What a case's numbers are.
    static func measures(_ pubsubCase: PubSubCase) -> String {
        let size = Formatting.size(pubsubCase.payloadBytes)
        let header = pubsubCase.payloadBytes >= 16 ? "16-byte header (round, send tick)" : "8-byte header (round)"
        switch pubsubCase.transport {
        case .cSpin:
            return "one way (round trip / 2) of the C spin ping-pong: store a word, the peer spins on it; no payload"
        case .cPubSubProtocol:
            return "one way (round trip / 2), C: the pub/sub protocol of a 1-subscriber service: write the sample and entry, exchange the sequence, "
                + "pre-loan the next slot; the peer spins on the entry, pins (fetch_or), checks the tag, reads the header, unpins"
        case .pubsub:
            return "one way (round trip / 2): send(byteCount: \(size)) writing a \(header) in place; tryReceive spinning, read the header, release"
        case .cMemcpySpin:
            return "one way (round trip / 2), C: memcpy \(size) into a shared buffer, store a word; the peer spins on it, memcpy \(size) out"
        case .pubsubFull:
            return "one way (round trip / 2): send(byteCount: \(size)) with memcpy of \(size) into the sample; tryReceive spinning, memcpy \(size) out, release"
        case .pubsubFanout:
            return "one send(byteCount: 16) call (loan, write a 16-byte header, publish), timed with a clock read before and after, "
                + "one sample per \(Int(PubSubBench.fanoutPeriodNanoseconds)) ns, \(pubsubCase.subscribers) subscriber process(es) spinning on tryReceive"
        default:
            return ""
        }
    }

    /// Fills in every row's baseline and ratio from the rows of the same run.
    static func computeRatios(_ rows: inout [PubSubRow]) {
        for index in rows.indices {
            let row = rows[index]
            let baseline: PubSubRow? = switch row.transport {
            case .pubsub, .cPubSubProtocol: rows.first { $0.transport == .cSpin }
            case .pubsubFull: rows.first { $0.transport == .cMemcpySpin && $0.payloadBytes == row.payloadBytes }
            case .pubsubFanout: rows.first { $0.transport == .pubsubFanout && $0.subscribers == 1 }
            default: nil
            }
            guard let baseline else { continue }
            rows[index].baseline = baseline.transport
            rows[index].baselinePayloadBytes = baseline.payloadBytes
            rows[index].baselineSubscribers = baseline.subscribers
            rows[index].ratioToBaseline = row.nanoseconds.ratio(to: baseline.nanoseconds)
            rows[index].meanRatioToBaseline = row.meanNanoseconds / baseline.meanNanoseconds
        }
    }
}

extension Histogram<UInt64> {
    /// The mean of the recorded values up to the 99th percentile.
    var trimmedMean: Double {
        let limit = valueAtPercentile(99)
        var total = 0.0
        var count = 0.0
        for bucket in recordedValues() where bucket.value <= limit {
            total += Double(bucket.value) * Double(bucket.count)
            count += Double(bucket.count)
        }
        return count > 0 ? total / count : 0
    }
}

extension Percentiles {
    /// The percentiles of `histogram` as they are (not halved).
    init(_ histogram: Histogram<UInt64>) {
        self.init(p50: Double(histogram.valueAtPercentile(50)), p90: Double(histogram.valueAtPercentile(90)),
                  p99: Double(histogram.valueAtPercentile(99)), p999: Double(histogram.valueAtPercentile(99.9)),
                  max: Double(histogram.max))
    }
}

/// The pubsub rows as a table for people.
enum PubSubTable {
    static func render(_ rows: [PubSubRow]) -> String {
        guard !rows.isEmpty else { return "" }
        var text = "\nPublish/subscribe, in ns: one way (round trip / 2) for the ping-pong rows, one send call for pubsub-fanout. "
        text += "×: over the baseline of the same run (pubsub: c-spin; pubsub-full: c-memcpy-spin of the same size; pubsub-fanout: its 1-subscriber row).\n\n"
        var table = [["size", "case", "subs", "mean99", "p50", "p90", "p99", "p99.9", "max", "baseline", "× mean", "× p50", "× p99", "× p99.9",
                      "sleeps/round", "rounds"]]
        for row in rows {
            let value = row.nanoseconds
            let baseline = row.baseline.map { transport in
                transport == .pubsubFanout ? "1 subscriber" : "\(transport.rawValue) \(Formatting.size(row.baselinePayloadBytes ?? 0))"
            } ?? "-"
            table.append([Formatting.size(row.payloadBytes), BenchTable.label(row.transport, row.role), String(row.subscribers),
                          BenchTable.ns(row.meanNanoseconds), BenchTable.ns(value.p50), BenchTable.ns(value.p90), BenchTable.ns(value.p99), BenchTable.ns(value.p999),
                          BenchTable.ns(value.max), baseline, BenchTable.ratio(row.meanRatioToBaseline), BenchTable.ratio(row.ratioToBaseline?.p50),
                          BenchTable.ratio(row.ratioToBaseline?.p99), BenchTable.ratio(row.ratioToBaseline?.p999),
                          String(format: "%.2f", row.sleepsPerRound), String(row.rounds)])
        }
        text += Formatting.table(table) + "\n"
        if let overhead = rows.compactMap(\.clockOverheadNanoseconds).first {
            text += "pubsub-fanout times include the two clock reads around each send: \(BenchTable.ns(overhead)) ns (median of back-to-back pairs). "
            text += "The clock (rdtsc) of this machine may advance in steps (10 ns on a KVM guest): compare means (of the fastest 99%) where percentiles are a step or two apart.\n"
        }
        return text
    }
}
