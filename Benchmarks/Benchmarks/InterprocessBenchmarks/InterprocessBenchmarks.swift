// In-process costs and heap allocations of the hot paths: one message (or one lock/unlock) per
// scaled iteration, 1 M of them per sample. Both endpoints live in this process, which is all the
// allocation count needs; cross-process latency and throughput are `interprocess bench`'s job.
//
// Each sample creates its segment and attaches its endpoints *before* `startMeasurement()` and
// detaches and removes them *after* `stopMeasurement()`, so the metrics cover only the steady
// state. The `mallocCountTotal` tolerance is 0 at every percentile, and the static thresholds in
// Thresholds/ are 0: `swift package benchmark thresholds check` fails on a single allocation.
// Names have no spaces: benchmark 1.38 writes threshold files with spaces turned into `_` but
// reads them back by the name as it is.

import Benchmark
import Interprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A segment name unique to this process and benchmark; a stale one (from a killed run of the
/// same pid) is removed first.
func segmentName(_ tag: String) -> String {
    "ipc-bench-\(getpid())-\(tag)"
}

/// A 64-byte record, written into the slot in place.
struct Record64: InterprocessValue {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    init(_ seed: UInt64) {
        words = (seed, seed &+ 1, seed &+ 2, seed &+ 3, seed &+ 4, seed &+ 5, seed &+ 6, seed &+ 7)
    }
}

/// Messages per batch in the batched benchmarks (publish once per batch on each side).
let batchSize = 64

let benchmarks: @Sendable () -> Void = {
    let zeroAllocations = BenchmarkThresholds(
        absolute: [.p0: 0, .p25: 0, .p50: 0, .p75: 0, .p90: 0, .p99: 0, .p100: 0]
    )
    Benchmark.defaultConfiguration = .init(
        // `.instructions` and `.syscalls` are not available on this Linux VM (no perf events); the
        // tool drops them silently, so they are not listed.
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 1,
        scalingFactor: .mega,
        maxDuration: .seconds(1),
        maxIterations: 1_000,
        thresholds: [.mallocCountTotal: zeroAllocations]
    )

    // MARK: Control

    // Proves the interposer counts: exactly one malloc per iteration, so 1 (scaled) or 1 M (per
    // sample, `--scale`). Its static threshold is 1 M per sample with a tolerance of 0.
    Benchmark("Control.malloc+free.x1") { benchmark in
        for _ in benchmark.scaledIterations {
            let pointer = malloc(16)
            blackHole(pointer)
            free(pointer)
        }
    }

    // MARK: SPSC

    Benchmark("SPSC.trySend+tryReceive.UInt64") { benchmark in
        let name = segmentName("spsc8")
        let queue = try SPSCQueue(create: name, capacity: 1 << 16, maximumRecordSize: 1024, lifetime: .removedWhenCreatorCloses)
        var producer = try queue.makeProducer()
        var consumer = try queue.makeConsumer()
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            guard try producer.trySend(UInt64(truncatingIfNeeded: index)) else { fatalError("full") }
            guard let value = try consumer.tryReceive(as: UInt64.self) else { fatalError("empty") }
            blackHole(value)
        }
        benchmark.stopMeasurement()
    }

    Benchmark("SPSC.reserve+commit.peek+release.64B") { benchmark in
        let name = segmentName("spsc64")
        let queue = try SPSCQueue(create: name, capacity: 1 << 16, maximumRecordSize: 1024, lifetime: .removedWhenCreatorCloses)
        var producer = try queue.makeProducer()
        var consumer = try queue.makeConsumer()
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            guard let space = try producer.tryReserve(MemoryLayout<Record64>.size) else { fatalError("full") }
            space.baseAddress!.storeBytes(of: Record64(UInt64(truncatingIfNeeded: index)), as: Record64.self)
            producer.commit(MemoryLayout<Record64>.size)
            guard let record = try consumer.tryPeek() else { fatalError("empty") }
            blackHole(record.load(fromByteOffset: 0, as: UInt64.self) &+ record.load(fromByteOffset: 56, as: UInt64.self))
            consumer.release()
        }
        benchmark.stopMeasurement()
    }

    Benchmark("SPSC.trySendBytes+tryReceiveInto.64B") { benchmark in
        let name = segmentName("spsccopy")
        let queue = try SPSCQueue(create: name, capacity: 1 << 16, maximumRecordSize: 1024, lifetime: .removedWhenCreatorCloses)
        let source = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 64)
        let destination = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 64)
        defer { source.deallocate(); destination.deallocate() }
        source.initializeMemory(as: UInt8.self, repeating: 7)
        var producer = try queue.makeProducer()
        var consumer = try queue.makeConsumer()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            guard try producer.trySend(UnsafeRawBufferPointer(source)) else { fatalError("full") }
            guard let count = try consumer.tryReceive(into: destination) else { fatalError("empty") }
            blackHole(count)
        }
        benchmark.stopMeasurement()
        blackHole(destination.load(as: UInt64.self))
    }

    Benchmark("SPSC.batch64.trySend+peek+release.UInt64") { benchmark in
        let name = segmentName("spscbatch")
        let queue = try SPSCQueue(create: name, capacity: 1 << 16, maximumRecordSize: 1024, lifetime: .removedWhenCreatorCloses)
        var producer = try queue.makeProducer()
        var consumer = try queue.makeConsumer()
        let batches = benchmark.scaledIterations.count / batchSize
        benchmark.startMeasurement()
        for batch in 0..<batches {
            let first = UInt64(truncatingIfNeeded: batch &* batchSize)
            for offset in 0..<batchSize {
                guard try producer.trySend(first &+ UInt64(truncatingIfNeeded: offset), publish: false) else { fatalError("full") }
            }
            producer.publish()
            var sum: UInt64 = 0
            for _ in 0..<batchSize {
                guard let record = try consumer.tryPeek() else { fatalError("empty") }
                sum &+= record.load(as: UInt64.self)
                consumer.release(publish: false)
            }
            consumer.publishReleases()
            blackHole(sum)
        }
        benchmark.stopMeasurement()
    }

    // MARK: Broadcast stream

    broadcastBenchmarks()

    // MARK: Managed segment

    managedSegmentBenchmarks()

    // MARK: MPMC

    Benchmark("MPMC.trySend+tryReceive.UInt64") { benchmark in
        let name = segmentName("mpmc8")
        let queue = try MPMCQueue(create: name, slotCount: 1024, slotSize: 64, lifetime: .removedWhenCreatorCloses)
        var producer = try queue.makeProducer()
        var consumer = try queue.makeConsumer()
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            guard try producer.trySend(UInt64(truncatingIfNeeded: index)) else { fatalError("full") }
            guard let value = try consumer.tryReceive(as: UInt64.self) else { fatalError("empty") }
            blackHole(value)
        }
        benchmark.stopMeasurement()
    }

    Benchmark("MPMC.trySendBytes+tryReceiveInto.64B") { benchmark in
        let name = segmentName("mpmc64")
        let queue = try MPMCQueue(create: name, slotCount: 1024, slotSize: 64, lifetime: .removedWhenCreatorCloses)
        let source = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 64)
        let destination = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 64)
        defer { source.deallocate(); destination.deallocate() }
        source.initializeMemory(as: UInt8.self, repeating: 7)
        var producer = try queue.makeProducer()
        var consumer = try queue.makeConsumer()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            guard try producer.trySend(UnsafeRawBufferPointer(source)) else { fatalError("full") }
            guard let count = try consumer.tryReceive(into: destination) else { fatalError("empty") }
            blackHole(count)
        }
        benchmark.stopMeasurement()
        blackHole(destination.load(as: UInt64.self))
    }

    // MARK: Sync (uncontended)

    Benchmark("ProcessMutex.lock+unlock") { benchmark in
        let name = segmentName("mutex")
        try? ProcessMutex.remove(name)
        let mutex = try ProcessMutex(create: name)
        defer { try? ProcessMutex.remove(name) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try mutex.lock())
            try mutex.unlock()
        }
        benchmark.stopMeasurement()
    }

    Benchmark("ProcessSemaphore.post+tryWait") { benchmark in
        let name = segmentName("semaphore")
        try? ProcessSemaphore.remove(name)
        let semaphore = try ProcessSemaphore(create: name, initialCount: 0)
        defer { try? ProcessSemaphore.remove(name) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try semaphore.post()
            guard semaphore.tryWait() else { fatalError("no unit") }
        }
        benchmark.stopMeasurement()
    }

    Benchmark("ProcessEvent.set+tryWait.autoReset") { benchmark in
        let name = segmentName("event")
        try? ProcessEvent.remove(name)
        let event = try ProcessEvent(create: name, mode: .autoReset)
        defer { try? ProcessEvent.remove(name) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            event.set()
            guard event.tryWait() else { fatalError("not set") }
        }
        benchmark.stopMeasurement()
    }

    Benchmark("ProcessRWLock.lockShared+unlockShared") { benchmark in
        let name = segmentName("rwshared")
        try? ProcessRWLock.remove(name)
        let lock = try ProcessRWLock(create: name)
        defer { try? ProcessRWLock.remove(name) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try lock.lockShared()
            try lock.unlockShared()
        }
        benchmark.stopMeasurement()
    }

    Benchmark("ProcessRWLock.lockExclusive+unlockExclusive") { benchmark in
        let name = segmentName("rwexclusive")
        try? ProcessRWLock.remove(name)
        let lock = try ProcessRWLock(create: name)
        defer { try? ProcessRWLock.remove(name) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try lock.lockExclusive())
            try lock.unlockExclusive()
        }
        benchmark.stopMeasurement()
    }

    pubSubBenchmarks()
    containerBenchmarks()
    blackboardBenchmarks()
}
