// A managed segment's allocator: one allocate + deallocate pair per scaled iteration, small
// (slab) and large (heap lock) sizes, in this process. Registered from the `benchmarks` closure;
// thresholds in Thresholds/ are 0 allocations.

import Benchmark
import Interprocess

/// Registers the managed segment benchmarks.
func managedSegmentBenchmarks() {
    for size in [16, 64, 256, 4096] {
        Benchmark("ManagedSegment.allocate+deallocate.\(size)B") { benchmark in
            let heap = try ManagedSegment(create: segmentName("heap\(size)"), size: 16 << 20, lifetime: .removedWhenCreatorCloses)
            // Warm: the thread's cache record and its slab exist before measuring.
            try heap.deallocate(heap.allocate(byteCount: size))
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let offset = try heap.allocate(byteCount: size)
                try heap.deallocate(offset)
                blackHole(offset)
            }
            benchmark.stopMeasurement()
        }
    }
}
