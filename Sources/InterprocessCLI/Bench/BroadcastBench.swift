import CInterprocessBench
import CInterprocessShim
import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One broadcast case: a writer process sending 8-byte records as fast as it can for the
/// measured time, with `readers` reader processes following (all on the peer's CPU).
struct BroadcastRow: Codable {
    var readers: Int
    var recordBytes: Int
    var role: BenchRole
    /// Records the writer sent in the measured time, and that time.
    var writerRecords: Int
    var seconds: Double
    var writerRecordsPerSecond: Double
    /// The writer's rate over its rate with one reader, in the same run (≥ 0.8 is the goal with 4).
    var ratioToOneReader: Double?
    /// Per reader: records received, records missed (lapped), laps, and records received per
    /// second of its own reading time.
    var readerReceived: [UInt64]
    var readerMissed: [UInt64]
    var readerLaps: [UInt64]
    var readerRecordsPerSecond: [Double]
}

/// The broadcast stream bench: writer rate with 0, 1 and 4 readers, 8-byte records. The writer
/// is this process (on the bench's CPU); readers are `bench-peer --transport broadcast`
/// processes (on the peer's CPU), which spin on `tryReceive(as: UInt64.self)` (backing off about
/// 1 µs when caught up), check each
/// value against its sequence number, and report through a small results segment.
enum BroadcastBench {
    /// The one selectable case (it measures every reader count).
    static let cases = [BenchCase(group: .broadcast, transport: .broadcast, messageSize: 8)]
    /// The reader counts measured, in this order.
    static let readerCounts = [0, 1, 4]
    /// The ring: 1 MiB, about 43 700 records of 8 bytes.
    static let capacity = 1 << 20

    // The results segment: a ready count at 0, then 64 bytes per reader from 64:
    // received, missed, laps, nanoseconds, bad values.
    static let resultsSize = 4096
    /// CPU pauses a caught-up reader waits before it polls again (about 1 µs).
    static let backOff = 32

    /// Measures every reader count.
    static func run(settings: BenchSettings) throws -> [BroadcastRow] {
        var rows = try readerCounts.map { try measure(readers: $0, settings: settings) }
        if let one = rows.first(where: { $0.readers == 1 }) {
            for index in rows.indices { rows[index].ratioToOneReader = rows[index].writerRecordsPerSecond / one.writerRecordsPerSecond }
        }
        return rows
    }

    /// One reader count.
    static func measure(readers: Int, settings: BenchSettings) throws -> BroadcastRow {
        let name = "ipc-bench-\(getpid())-broadcast-\(readers)", resultsName = name + "-results"
        let stream = try BroadcastStream(create: name, capacity: capacity, maximumRecordSize: 64, lifetime: .removedWhenCreatorCloses)
        let results = try SharedMemory(create: resultsName, size: resultsSize, lifetime: .removedWhenCreatorCloses)
        // The mapping lives as long as `results`, which outlives every use of `base` below.
        let base = results.region.baseAddress
        for offset in stride(from: 0, to: resultsSize, by: 8) {
            (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(0))
        }
        let arguments = { (index: Int) in
            ["bench-peer", "--group", "broadcast", "--transport", "broadcast", "--size", "8",
             "--control", resultsName, "--cpu", String(settings.peerCPU), "--queue", name, "--producer-index", String(index)]
        }
        var row = try withReaders(readers, arguments: arguments, pids: []) { pids in
            try write(stream, readers: pids, ready: base.bindMemory(to: Atomic<UInt64>.self, capacity: 1), settings: settings)
        }
        for index in 0..<readers {
            let slot = base + 64 * (index + 1)
            let word = { (field: Int) in slot.load(fromByteOffset: 8 * field, as: UInt64.self) }
            guard word(4) == 0 else { throw BenchFailure("broadcast reader \(index) received \(word(4)) records out of sequence") }
            row.readerReceived.append(word(0))
            row.readerMissed.append(word(1))
            row.readerLaps.append(word(2))
            row.readerRecordsPerSecond.append(word(3) == 0 ? 0 : Double(word(0)) / (Double(word(3)) / 1e9))
        }
        withExtendedLifetime(results) {}
        return row
    }

    /// Starts `count` reader processes, runs `body` with their pids, then waits for them to exit
    /// (each is killed if `body` throws).
    static func withReaders<Result>(
        _ count: Int, arguments: (Int) -> [String], pids: [pid_t], _ body: ([pid_t]) throws -> Result
    ) throws -> Result {
        if count == 0 { return try body(pids) }
        var peer = try PeerProcess(arguments: arguments(pids.count), descriptors: [])
        let result = try withReaders(count - 1, arguments: arguments, pids: pids + [peer.pid], body)
        try peer.wait()
        return result
    }

    /// The writer's side: waits for the readers, warms up, sends for the measured time, then
    /// sends the stop record.
    static func write(
        _ stream: BroadcastStream, readers: [pid_t], ready: UnsafeMutablePointer<Atomic<UInt64>>, settings: BenchSettings
    ) throws -> BroadcastRow {
        let waitLimit = ipcb_monotonic_ns() + 20_000_000_000
        while ready.pointee.load(ordering: .acquiring) < UInt64(readers.count) {
            for pid in readers { try PeerProcess.checkAlive(pid) }
            guard ipcb_monotonic_ns() < waitLimit else { throw BenchFailure("the broadcast readers did not start") }
            usleep(1000)
        }
        var writer = try stream.makeWriter()
        // Warm up (page faults, caches), then measure for the throughput time.
        var value: UInt64 = 0
        for _ in 0..<(1 << 18) { try writer.send(value); value &+= 1 }
        let nanoseconds = UInt64(settings.throughputSeconds * 1e9)
        let start = ipcb_monotonic_ns()
        var now = start
        let first = value
        repeat {
            for _ in 0..<(1 << 16) { try writer.send(value); value &+= 1 }
            now = ipcb_monotonic_ns()
        } while now &- start < nanoseconds
        try writer.send(UInt64.max)
        let sent = Int(value &- first), seconds = Double(now &- start) / 1e9
        return BroadcastRow(
            readers: readers.count, recordBytes: 8, role: .subject, writerRecords: sent, seconds: seconds,
            writerRecordsPerSecond: Double(sent) / seconds,
            readerReceived: [], readerMissed: [], readerLaps: [], readerRecordsPerSecond: [])
    }

    /// A reader process (`bench-peer --transport broadcast`): reads until the writer's stop
    /// record and reports its counts in slot `index` of the results segment `resultsName`.
    static func read(resultsName: String, streamName: String, index: Int) throws {
        let results = try SharedMemory(open: resultsName)
        let base = results.region.baseAddress
        var reader = try BroadcastStream(open: streamName).makeReader(startingAt: .next)
        base.bindMemory(to: Atomic<UInt64>.self, capacity: 1).pointee.wrappingAdd(1, ordering: .releasing)
        var bad: UInt64 = 0
        var started: UInt64 = 0
        var polls = 0
        let limit = ipcb_monotonic_ns() + 60_000_000_000
        while true {
            if let value = try reader.tryReceive(as: UInt64.self) {
                if value == .max { break }
                if started == 0 { started = ipcb_monotonic_ns() }
                if value != reader.nextSequence &- 1 { bad &+= 1 }
            } else {
                // Caught up: back off a little before looking again, so that the reader reads
                // in batches instead of pulling the writer's lines away on every record.
                for _ in 0..<backOff { ipc_cpu_relax() }
                polls &+= 1
                if polls & benchDeadlineCheckMask == 0, ipcb_monotonic_ns() > limit { throw BenchFailure("the broadcast writer stalled") }
            }
        }
        let elapsed = started == 0 ? 0 : ipcb_monotonic_ns() &- started
        let slot = base + 64 * (index + 1)
        for (field, value) in [reader.receivedCount, reader.missedCount, reader.lapCount, elapsed, bad].enumerated() {
            slot.storeBytes(of: value, toByteOffset: 8 * field, as: UInt64.self)
        }
        withExtendedLifetime(results) {}
    }
}

extension BroadcastBench {
    /// The broadcast rows as a table for people.
    static func table(_ rows: [BroadcastRow]) -> String {
        let text = "\nBroadcast stream, 8 B records: the writer process (bench CPU) sends as fast as it can; readers (all on the peer CPU) spin on tryReceive. ×1 reader: the writer's rate over its rate with one reader (same run). Readers: received/s, missed (lapped), laps.\n\n"
        var table = [["readers", "writer records/s", "×1 reader", "reader records/s", "missed", "laps", "records"]]
        for row in rows {
            table.append([String(row.readers), BenchTable.rate(row.writerRecordsPerSecond), BenchTable.ratio(row.ratioToOneReader),
                          row.readerRecordsPerSecond.isEmpty ? "-" : row.readerRecordsPerSecond.map { BenchTable.rate($0) }.joined(separator: ", "),
                          row.readerMissed.isEmpty ? "-" : row.readerMissed.map(String.init).joined(separator: ", "),
                          row.readerLaps.isEmpty ? "-" : row.readerLaps.map(String.init).joined(separator: ", "),
                          String(row.writerRecords)])
        }
        return text + Formatting.table(table) + "\n"
    }
}
