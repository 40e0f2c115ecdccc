// The broadcast stream's hot paths: one writer send and one reader receive per scaled
// iteration, both in this process (the reader keeps up, so it is never lapped). Registered from
// the `benchmarks` closure; thresholds in Thresholds/ are 0 allocations.

import Benchmark
import Interprocess

/// Registers the broadcast stream benchmarks.
func broadcastBenchmarks() {
    Benchmark("Broadcast.send+tryReceive.UInt64") { benchmark in
        let name = segmentName("broadcast8")
        let stream = try BroadcastStream(create: name, capacity: 1 << 16, maximumRecordSize: 1024, lifetime: .removedWhenCreatorCloses)
        var writer = try stream.makeWriter()
        var reader = try stream.makeReader()
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            try writer.send(UInt64(truncatingIfNeeded: index))
            guard let value = try reader.tryReceive(as: UInt64.self) else { fatalError("empty") }
            blackHole(value)
        }
        benchmark.stopMeasurement()
    }

    Benchmark("Broadcast.sendUpTo+tryReceiveSpan.64B") { benchmark in
        let name = segmentName("broadcast64")
        let stream = try BroadcastStream(create: name, capacity: 1 << 16, maximumRecordSize: 1024, lifetime: .removedWhenCreatorCloses)
        var writer = try stream.makeWriter()
        var reader = try stream.makeReader()
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            try writer.send(upTo: 64) { out in out.append(Record64(UInt64(truncatingIfNeeded: index)), as: Record64.self) }
            guard let first = try reader.tryReceive({ span in span.unsafeLoadUnaligned(as: UInt64.self) }) else { fatalError("empty") }
            blackHole(first)
        }
        benchmark.stopMeasurement()
    }
}
