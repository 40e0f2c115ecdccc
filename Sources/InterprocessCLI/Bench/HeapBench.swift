import CInterprocessBench
import CInterprocessShim
import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One heap case: allocate + deallocate pairs of a size in a managed segment (or glibc's malloc
/// + free, the baseline), in one process or four at once, or records allocated by a producer
/// process, sent as offsets over an SPSC queue and freed by a consumer process.
struct HeapRow: Codable {
    var transport: BenchTransport
    var role: BenchRole
    var bytes: Int
    var processes: Int
    /// Pairs (or records) counted, and the seconds they took (the slowest process's).
    var operations: Int
    var seconds: Double
    /// Nanoseconds per pair in one process (the single-process rows).
    var nanosecondsPerPair: Double?
    /// Pairs (or records) per second, all processes together.
    var operationsPerSecond: Double
    /// Each process's rate (the four-process row).
    var perProcessPerSecond: [Double] = []
    /// Single-process rows: over malloc-free of the same size; the four-process row: the total
    /// over the one-process heap-alloc-free 64 B rate (scaling).
    var ratio: Double?
}

/// `interprocess bench --only heap`: the managed segment's allocator beside glibc's.
enum HeapBench {
    /// The selectable cases (each measures its sizes).
    static let cases: [BenchCase] = [BenchTransport.heapAllocFree, .mallocFree, .heapAllocFree4, .heapProduceConsume].map {
        BenchCase(group: .heap, transport: $0, messageSize: 64)
    }
    static let sizes = [16, 64, 256]
    static let peers = 4
    // The results segment: ready count at 0, go flag at 8, then per process at 64 + 64 × i:
    // pairs, nanoseconds.
    static let resultsSize = 4096

    /// Runs the selected cases.
    static func run(_ only: [BenchSelection], settings: BenchSettings, quick: Bool) throws -> [HeapRow] {
        let pairs = quick ? 200_000 : 10_000_000
        var rows: [HeapRow] = []
        let selected = cases.filter { BenchSelection.selects(only, $0) }
        // The heap and malloc rows of one size are measured in alternating rounds, so that the
        // host moving the vCPUs between placements (every few minutes) moves both alike.
        let wantsPairs = selected.contains { $0.transport == .heapAllocFree || $0.transport == .mallocFree }
        let pairRows = wantsPairs ? try sizes.map { size in try singlePairs(size: size, pairs: pairs) } : []
        for benchCase in selected {
            switch benchCase.transport {
            case .heapAllocFree:
                rows += pairRows.map(\.heap)
            case .mallocFree:
                rows += pairRows.map(\.malloc)
            case .heapAllocFree4:
                rows.append(try four(pairs: pairs, settings: settings))
            default:
                rows.append(try produceConsume(settings: settings, quick: quick))
            }
        }
        for index in rows.indices {
            let row = rows[index]
            if row.processes == 1, row.transport == .heapAllocFree,
               let baseline = rows.first(where: { $0.transport == .mallocFree && $0.bytes == row.bytes }) {
                rows[index].ratio = row.nanosecondsPerPair! / baseline.nanosecondsPerPair!
            }
            if row.transport == .heapAllocFree4,
               let one = rows.first(where: { $0.transport == .heapAllocFree && $0.bytes == 64 }) {
                rows[index].ratio = row.operationsPerSecond / one.operationsPerSecond
            }
        }
        return rows
    }

    /// The best of five alternating rounds of `pairs` pairs in this process, heap and malloc.
    static func singlePairs(size: Int, pairs: Int) throws -> (heap: HeapRow, malloc: HeapRow) {
        let heap = try ManagedSegment.anonymous(size: 16 << 20)
        var bestHeap = Double.infinity, bestMalloc = Double.infinity
        for _ in 0..<5 {
            let heapNanoseconds = try heapPairs(heap, size: size, pairs: pairs)
            let mallocNanoseconds = ipcb_malloc_free_pairs(Int64(pairs), Int64(size))
            guard mallocNanoseconds >= 0 else { throw BenchFailure("the malloc-free bench failed") }
            bestHeap = min(bestHeap, Double(heapNanoseconds) / Double(pairs))
            bestMalloc = min(bestMalloc, Double(mallocNanoseconds) / Double(pairs))
        }
        func row(_ transport: BenchTransport, _ best: Double) -> HeapRow {
            HeapRow(transport: transport, role: transport.role, bytes: size, processes: 1, operations: pairs,
                    seconds: best * Double(pairs) / 1e9, nanosecondsPerPair: best, operationsPerSecond: 1e9 / best)
        }
        return (row(.heapAllocFree, bestHeap), row(.mallocFree, bestMalloc))
    }

    /// Allocates and frees `pairs` blocks of `size` bytes; the nanoseconds taken.
    static func heapPairs(_ heap: ManagedSegment, size: Int, pairs: Int) throws -> Int64 {
        // Warm: the thread's record and slab exist before the clock starts.
        try heap.deallocate(heap.allocate(byteCount: size))
        let start = ipcb_monotonic_ns()
        for _ in 0..<pairs {
            let offset = try heap.allocate(byteCount: size)
            try heap.deallocate(offset)
        }
        return Int64(ipcb_monotonic_ns() - start)
    }

    /// Four peer processes allocating and freeing 64-byte blocks in one segment at once.
    static func four(pairs: Int, settings: BenchSettings) throws -> HeapRow {
        let name = "ipc-bench-\(getpid())-heap4", resultsName = name + "-results"
        let heap = try ManagedSegment(create: name, size: 64 << 20, lifetime: .removedWhenCreatorCloses)
        let results = try SharedMemory(create: resultsName, size: resultsSize, lifetime: .removedWhenCreatorCloses)
        let base = results.region.baseAddress
        for offset in stride(from: 0, to: resultsSize, by: 8) {
            (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(0))
        }
        let arguments = { (index: Int) in
            ["bench-peer", "--group", "heap", "--transport", "heap-alloc-free-4", "--size", String(pairs),
             "--control", resultsName, "--cpu", String(index % 2 == 0 ? settings.benchCPU : settings.peerCPU),
             "--queue", name, "--producer-index", String(index)]
        }
        try BroadcastBench.withReaders(peers, arguments: arguments, pids: []) { pids in
            let ready = base.bindMemory(to: Atomic<UInt64>.self, capacity: 1)
            let limit = ipcb_monotonic_ns() + 20_000_000_000
            while ready.pointee.load(ordering: .acquiring) < UInt64(peers) {
                for pid in pids { try PeerProcess.checkAlive(pid) }
                guard ipcb_monotonic_ns() < limit else { throw BenchFailure("the heap peers did not start") }
                usleep(1000)
            }
            (base + 8).bindMemory(to: Atomic<UInt64>.self, capacity: 1).pointee.store(1, ordering: .releasing)
        }
        var rates: [Double] = []
        var slowest: UInt64 = 0
        for index in 0..<peers {
            let nanoseconds = (base + 64 + 64 * index).load(fromByteOffset: 8, as: UInt64.self)
            guard nanoseconds > 0 else { throw BenchFailure("heap peer \(index) reported nothing") }
            slowest = max(slowest, nanoseconds)
            rates.append(Double(pairs) / (Double(nanoseconds) / 1e9))
        }
        _ = try heap.verify()
        withExtendedLifetime(results) {}
        let seconds = Double(slowest) / 1e9
        return HeapRow(transport: .heapAllocFree4, role: .subject, bytes: 64, processes: peers, operations: pairs * peers,
                       seconds: seconds, operationsPerSecond: Double(pairs * peers) / seconds, perProcessPerSecond: rates)
    }

    /// A producer (this process) allocating 64-byte records and sending their offsets over an
    /// SPSC queue to a consumer process that reads and frees them.
    static func produceConsume(settings: BenchSettings, quick: Bool) throws -> HeapRow {
        let name = "ipc-bench-\(getpid())-heap-pc", queueName = name + "-queue", resultsName = name + "-results"
        let heap = try ManagedSegment(create: name, size: 64 << 20, lifetime: .removedWhenCreatorCloses)
        let queue = try SPSCQueue(create: queueName, capacity: 1 << 16, maximumRecordSize: 8, lifetime: .removedWhenCreatorCloses)
        let results = try SharedMemory(create: resultsName, size: resultsSize, lifetime: .removedWhenCreatorCloses)
        let base = results.region.baseAddress
        for offset in stride(from: 0, to: resultsSize, by: 8) {
            (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(0))
        }
        var producer = try queue.makeProducer()
        let arguments = { (_: Int) in
            ["bench-peer", "--group", "heap", "--transport", "heap-produce-consume", "--size", "64",
             "--control", resultsName, "--cpu", String(settings.peerCPU), "--queue", name, "--queue", queueName]
        }
        let (records, nanoseconds) = try BroadcastBench.withReaders(1, arguments: arguments, pids: []) { pids in
            let ready = base.bindMemory(to: Atomic<UInt64>.self, capacity: 1)
            let limit = ipcb_monotonic_ns() + 20_000_000_000
            while ready.pointee.load(ordering: .acquiring) < 1 {
                for pid in pids { try PeerProcess.checkAlive(pid) }
                guard ipcb_monotonic_ns() < limit else { throw BenchFailure("the heap consumer did not start") }
                usleep(1000)
            }
            let duration = UInt64((quick ? 0.05 : 1.0) * 1e9)
            var sent: UInt64 = 0
            let start = ipcb_monotonic_ns()
            var now = start
            repeat {
                // Batched publication, as the SPSC throughput bench does: the queue's own
                // indices are not what is measured.
                for _ in 0..<4096 {
                    let record = try heap.allocate(byteCount: 64)
                    try heap.pointer(at: record, byteCount: 64).storeBytes(of: sent, as: UInt64.self)
                    while try !producer.trySend(record, publish: false) {
                        producer.publish()
                        ipc_cpu_relax()
                    }
                    sent &+= 1
                    if sent & 63 == 0 { producer.publish() }
                }
                now = ipcb_monotonic_ns()
            } while now &- start < duration
            producer.publish()
            try producer.send(SegmentOffset.null)
            return (sent, now &- start)
        }
        guard (base + 16).load(as: UInt64.self) == 0 else { throw BenchFailure("the heap consumer read records out of order") }
        _ = try heap.verify()
        withExtendedLifetime(results) {}
        let seconds = Double(nanoseconds) / 1e9
        return HeapRow(transport: .heapProduceConsume, role: .subject, bytes: 64, processes: 2, operations: Int(records),
                       seconds: seconds, operationsPerSecond: Double(records) / seconds)
    }

    /// A heap peer process (`bench-peer --group heap`).
    static func peer(transport: BenchTransport, resultsName: String, names: [String], index: Int, size: Int) throws {
        let results = try SharedMemory(open: resultsName)
        let base = results.region.baseAddress
        let heap = try ManagedSegment(open: names[0])
        let ready = base.bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        if transport == .heapAllocFree4 {
            let go = (base + 8).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
            try heap.deallocate(heap.allocate(byteCount: 64))
            ready.pointee.wrappingAdd(1, ordering: .releasing)
            while go.pointee.load(ordering: .acquiring) == 0 { usleep(100) }
            let nanoseconds = try heapPairs(heap, size: 64, pairs: size)
            (base + 64 + 64 * index).storeBytes(of: UInt64(size), as: UInt64.self)
            (base + 64 + 64 * index + 8).storeBytes(of: UInt64(nanoseconds), as: UInt64.self)
        } else {
            var consumer = try SPSCQueue(open: names[1]).makeConsumer()
            ready.pointee.wrappingAdd(1, ordering: .releasing)
            var expected: UInt64 = 0
            var bad: UInt64 = 0
            while true {
                // Spin, backing off a little when caught up, releasing in batches: a consumer
                // that parks or publishes on every record would measure the queue, not the heap.
                guard let bytes = try consumer.tryPeek() else {
                    consumer.publishReleases()
                    for _ in 0..<32 { ipc_cpu_relax() }
                    continue
                }
                let record = bytes.baseAddress!.loadUnaligned(as: SegmentOffset.self)
                consumer.release(publish: false)
                if record.isNull { break }
                if try heap.pointer(at: record, byteCount: 64).load(as: UInt64.self) != expected { bad &+= 1 }
                expected &+= 1
                if expected & 63 == 0 { consumer.publishReleases() }
                try heap.deallocate(record)
            }
            consumer.publishReleases()
            (base + 16).storeBytes(of: bad, as: UInt64.self)
        }
        withExtendedLifetime(results) {}
    }
}

extension HeapBench {
    /// The heap rows as a table for people.
    static func table(_ rows: [HeapRow]) -> String {
        let text = "\nManaged segment heap: allocate + deallocate pairs in one process beside glibc malloc + free (×malloc: ns over malloc-free's, same size, same run); heap-alloc-free-4: four processes at once, 64 B (×1 process: total over the one-process rate); heap-produce-consume: a producer process allocates 64 B records and sends their offsets over an SPSC queue, a consumer process reads and frees them.\n\n"
        var table = [["case", "size", "processes", "ns/pair", "ops/s", "×", "per process", "ops"]]
        for row in rows {
            table.append([BenchTable.label(row.transport, row.role), Formatting.size(row.bytes), String(row.processes),
                          row.nanosecondsPerPair.map { BenchTable.ns($0) } ?? "-", BenchTable.rate(row.operationsPerSecond),
                          BenchTable.ratio(row.ratio),
                          row.perProcessPerSecond.isEmpty ? "-" : row.perProcessPerSecond.map { BenchTable.rate($0) }.joined(separator: ", "),
                          String(row.operations)])
        }
        return text + Formatting.table(table) + "\n"
    }
}
