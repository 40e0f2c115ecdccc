import CInterprocessBench
import CInterprocessShim
import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One containers case: a `SharedDictionary<UInt64, UInt64>` read by reader processes while this
/// process inserts, or a `SharedVector<UInt64>` appended to by this process alone.
struct ContainerRow: Codable {
    var transport: BenchTransport
    var role: BenchRole
    var seconds: Double
    /// Lookups per second of each reader process (dictionary), and their sum.
    var readerLookupsPerSecond: [Double]
    var lookupsPerSecond: Double
    /// Inserts (dictionary, new keys) or appends (vector) per second by this process.
    var writesPerSecond: Double
    var writes: Int
}

/// The containers bench: dictionary lookups from 2 reader processes (`bench-peer --transport
/// shared-dictionary`, on the peer's CPU, taking only the shared side of a stripe) while this
/// process inserts new keys, and the vector append rate of one process.
enum ContainerBench {
    static let cases = [BenchTransport.sharedDictionary, .sharedVector].map { BenchCase(group: .containers, transport: $0, messageSize: 8) }
    /// Keys in the dictionary before the measurement; readers look up random ones of them.
    static let prefilled = 1 << 16
    static let readers = 2
    /// The results segment: a ready count at 0, a stop word at 8, then 64 bytes per reader
    /// from 64: lookups, nanoseconds, wrong values.
    static let resultsSize = 4096

    static func run(_ benchCase: BenchCase, settings: BenchSettings) throws -> ContainerRow {
        let name = "ipc-bench-\(getpid())-containers"
        try? ManagedSegment.remove(name)
        let segment = try ManagedSegment(create: name, size: 256 << 20, lifetime: .removedWhenCreatorCloses)
        return benchCase.transport == .sharedVector ? try appends(segment, settings: settings) : try lookups(segment, name: name, settings: settings)
    }

    /// The vector: appends of 8-byte elements for the measured time.
    static func appends(_ segment: ManagedSegment, settings: BenchSettings) throws -> ContainerRow {
        let vector = try SharedVector<UInt64>(create: "vector", in: segment)
        for value in 0..<UInt64(1 << 16) { try vector.append(value) }   // warm up
        try vector.removeAll(keepingCapacity: true)
        let nanoseconds = UInt64(settings.throughputSeconds * 1e9)
        let start = ipcb_monotonic_ns()
        var now = start, value: UInt64 = 0
        repeat {
            for _ in 0..<4096 { try vector.append(value); value &+= 1 }
            now = ipcb_monotonic_ns()
        } while now &- start < nanoseconds
        let seconds = Double(now &- start) / 1e9
        return ContainerRow(transport: .sharedVector, role: .subject, seconds: seconds, readerLookupsPerSecond: [], lookupsPerSecond: 0,
                            writesPerSecond: Double(value) / seconds, writes: Int(value))
    }

    /// The dictionary: readers look up while this process inserts new keys.
    static func lookups(_ segment: ManagedSegment, name: String, settings: BenchSettings) throws -> ContainerRow {
        let map = try SharedDictionary<UInt64, UInt64>(create: "map", in: segment, bucketCount: 1 << 18, stripeCount: 16)
        for key in 0..<UInt64(prefilled) { try map.updateValue(key &* 3, forKey: key) }
        let resultsName = name + "-results"
        let results = try SharedMemory(create: resultsName, size: resultsSize, lifetime: .removedWhenCreatorCloses)
        let base = results.region.baseAddress
        for offset in stride(from: 0, to: resultsSize, by: 8) {
            (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(0))
        }
        let words = base.assumingMemoryBound(to: Atomic<UInt64>.self)
        let arguments = { (index: Int) in
            ["bench-peer", "--group", "containers", "--transport", "shared-dictionary", "--size", "8",
             "--control", resultsName, "--cpu", String(settings.peerCPU), "--queue", name, "--producer-index", String(index)]
        }
        let (writes, seconds) = try BroadcastBench.withReaders(readers, arguments: arguments, pids: []) { pids in
            let waitLimit = ipcb_monotonic_ns() + 20_000_000_000
            while words[0].load(ordering: .acquiring) < UInt64(pids.count) {
                for pid in pids { try PeerProcess.checkAlive(pid) }
                guard ipcb_monotonic_ns() < waitLimit else { throw BenchFailure("the dictionary readers did not start") }
                usleep(1000)
            }
            let nanoseconds = UInt64(settings.throughputSeconds * 1e9)
            let start = ipcb_monotonic_ns()
            var now = start, key = UInt64(prefilled)
            repeat {
                for _ in 0..<256 { try map.updateValue(key &* 3, forKey: key); key &+= 1 }
                now = ipcb_monotonic_ns()
            } while now &- start < nanoseconds
            words[1].store(1, ordering: .releasing)
            return (Int(key) - prefilled, Double(now &- start) / 1e9)
        }
        var perReader: [Double] = []
        for index in 0..<readers {
            let slot = base + 64 * (index + 1)
            let word = { (field: Int) in slot.load(fromByteOffset: 8 * field, as: UInt64.self) }
            guard word(2) == 0 else { throw BenchFailure("dictionary reader \(index) found \(word(2)) wrong values") }
            perReader.append(word(1) == 0 ? 0 : Double(word(0)) / (Double(word(1)) / 1e9))
        }
        withExtendedLifetime(results) {}
        return ContainerRow(transport: .sharedDictionary, role: .subject, seconds: seconds, readerLookupsPerSecond: perReader,
                            lookupsPerSecond: perReader.reduce(0, +), writesPerSecond: Double(writes) / seconds, writes: writes)
    }

    /// A reader process (`bench-peer --transport shared-dictionary`): looks up random prefilled
    /// keys until the stop word, checking each value, and reports in slot `index`.
    static func read(resultsName: String, segmentName: String, index: Int) throws {
        let results = try SharedMemory(open: resultsName)
        let base = results.region.baseAddress
        let words = base.assumingMemoryBound(to: Atomic<UInt64>.self)
        let segment = try ManagedSegment(open: segmentName)
        let map = try SharedDictionary<UInt64, UInt64>(open: "map", in: segment)
        words[0].wrappingAdd(1, ordering: .releasing)
        var lookups: UInt64 = 0, bad: UInt64 = 0
        var random = UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15
        let limit = ipcb_monotonic_ns() + 60_000_000_000
        let start = ipcb_monotonic_ns()
        while words[1].load(ordering: .relaxed) == 0 {
            for _ in 0..<256 {
                random ^= random << 13; random ^= random >> 7; random ^= random << 17
                let key = random % UInt64(prefilled)
                if try map.value(forKey: key) != key &* 3 { bad &+= 1 }
            }
            lookups &+= 256
            if ipcb_monotonic_ns() > limit { throw BenchFailure("the dictionary writer stalled") }
        }
        let elapsed = ipcb_monotonic_ns() &- start
        let slot = base + 64 * (index + 1)
        for (field, value) in [lookups, elapsed, bad].enumerated() {
            slot.storeBytes(of: value, toByteOffset: 8 * field, as: UInt64.self)
        }
        withExtendedLifetime(results) {}
    }

    /// The containers rows as a table for people.
    static func table(_ rows: [ContainerRow]) -> String {
        let text = "\nContainers in a managed segment, 8 B keys and values: shared-dictionary — \(readers) reader processes (peer CPU) look up random keys of \(prefilled) (shared side of a stripe only) while this process (bench CPU) inserts new keys; shared-vector — one process appending.\n\n"
        var table = [["container", "lookups/s (sum)", "per reader", "inserts or appends/s", "writes"]]
        for row in rows {
            table.append([row.transport.rawValue, row.lookupsPerSecond == 0 ? "-" : BenchTable.rate(row.lookupsPerSecond),
                          row.readerLookupsPerSecond.isEmpty ? "-" : row.readerLookupsPerSecond.map { BenchTable.rate($0) }.joined(separator: ", "),
                          BenchTable.rate(row.writesPerSecond), String(row.writes)])
        }
        return text + Formatting.table(table) + "\n"
    }
}
