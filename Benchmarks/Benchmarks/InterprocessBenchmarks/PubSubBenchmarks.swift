// Publish/subscribe (issue 9): a publisher and a subscriber of one service in this process, one
// sample sent and received per scaled iteration. Before `startMeasurement()` each benchmark sends
// and receives a few samples of the measured size, so the pool has grown to it and the subscriber
// has mapped that pool generation: what is measured is the steady state, which must not allocate.

import Benchmark
import Interprocess

#if canImport(Glibc)
import Glibc
#endif

/// Samples sent and received before the measurement (pool growth and mapping happen here).
private let warmUpSamples = 64

/// A service for one publisher and one subscriber in this process; removed with `defer` by the caller.
private func makeService(_ tag: String, _ payload: PayloadType) throws -> Service {
    let name = segmentName(tag)
    try? Service.remove(name)
    return try Service(create: name, configuration: ServiceConfiguration(payload: payload))
}

/// One loaned sample of `byteCount` bytes with a 16-byte header (sequence, a tag) written in
/// place, then received in place and its header read.
private func headerRoundTrip(
    _ publisher: inout Publisher, _ subscriber: inout Subscriber, byteCount: Int, _ index: UInt64
) throws {
    try publisher.send(byteCount: byteCount) { sample in
        sample.storeBytes(of: index, as: UInt64.self)
        sample.storeBytes(of: ~index, toByteOffset: 8, as: UInt64.self)
    }
    guard let header = try subscriber.tryReceive({ sample in
        sample.withUnsafeBytes { $0.load(as: UInt64.self) &+ $0.load(fromByteOffset: 8, as: UInt64.self) }
    }) else { fatalError("no sample") }
    blackHole(header)
}

/// Registers the pub/sub benchmarks (called from the `benchmarks` closure).
func pubSubBenchmarks() {
    for (label, byteCount) in [("16B", 16), ("1MiB", 1 << 20)] {
        Benchmark("PubSub.send+tryReceive.header.\(label)") { benchmark in
            let service = try makeService("pubsub-\(label)", .bytes(maximumSize: byteCount))
            defer { try? Service.remove(service.name) }
            var publisher = try Publisher(service: service)
            var subscriber = try Subscriber(service: service, history: false)
            for index in 0..<warmUpSamples {
                try headerRoundTrip(&publisher, &subscriber, byteCount: byteCount, UInt64(index))
            }
            benchmark.startMeasurement()
            for index in benchmark.scaledIterations {
                try headerRoundTrip(&publisher, &subscriber, byteCount: byteCount, UInt64(truncatingIfNeeded: index))
            }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("PubSub.sendValue+receiveAs.UInt64") { benchmark in
        let service = try makeService("pubsub-value", .value(UInt64.self))
        defer { try? Service.remove(service.name) }
        var publisher = try Publisher(service: service)
        var subscriber = try Subscriber(service: service, history: false)
        for index in 0..<warmUpSamples {
            try publisher.send(UInt64(index))
            blackHole(try subscriber.receive(as: UInt64.self))
        }
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            try publisher.send(UInt64(truncatingIfNeeded: index))
            blackHole(try subscriber.receive(as: UInt64.self))
        }
        benchmark.stopMeasurement()
    }
}
