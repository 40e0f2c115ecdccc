// The managed-segment containers' read paths: a dictionary lookup (shared side of one stripe,
// a walk of one chain, a value copied out) and a vector element read. 0 allocations each.

import Benchmark
import Interprocess

func containerBenchmarks() {
    Benchmark("SharedDictionary.valueForKey.UInt64") { benchmark in
        let name = segmentName("dictionary")
        try? ManagedSegment.remove(name)
        let segment = try ManagedSegment(create: name, size: 16 << 20)
        defer { try? ManagedSegment.remove(name) }
        let map = try SharedDictionary<UInt64, UInt64>(create: "map", in: segment, bucketCount: 4096)
        for key in 0..<UInt64(4096) { try map.updateValue(key &* 3, forKey: key) }
        var key: UInt64 = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try map.value(forKey: key & 4095))
            key &+= 1
        }
        benchmark.stopMeasurement()
    }

    Benchmark("SharedVector.elementAt.UInt64") { benchmark in
        let name = segmentName("vector")
        try? ManagedSegment.remove(name)
        let segment = try ManagedSegment(create: name, size: 4 << 20)
        defer { try? ManagedSegment.remove(name) }
        let vector = try SharedVector<UInt64>(create: "vector", in: segment)
        try vector.append(contentsOf: 0..<UInt64(4096))
        var index = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try vector.element(at: index & 4095))
            index &+= 1
        }
        benchmark.stopMeasurement()
    }
}
