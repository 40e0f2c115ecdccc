import CInterprocessBench
import Interprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A 64-byte record whose first word is a stamp (a sequence number or a send time).
struct JournalBenchRecord: InterprocessValue {
    var stamp: UInt64
    var padding: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0)
    init(_ stamp: UInt64) { self.stamp = stamp }
}

/// One journal bench row: a throughput (records/s) or a one-way latency (ns percentiles).
struct JournalRow: Codable {
    /// "append+read" or "latency".
    var measurement: String
    /// "journal" or "spsc" (the SPSC queue of the same run, for the latency ratio).
    var channel: String
    var records: Int
    var recordsPerSecond: Double?
    /// append+read: the writer's own rate (its appends over the time it took to make them).
    var appendsPerSecond: Double?
    var p50Nanoseconds: Double?
    var p99Nanoseconds: Double?
    var p999Nanoseconds: Double?
    /// The journal's p50 over the SPSC queue's (same run).
    var ratioToSPSC: Double?
}

/// The journal bench (`--only journal`): 64 B records, `.memory` durability, the writer in this
/// process (bench CPU) and a tailer in a `bench-peer` process (peer CPU):
/// - append+read: the writer appends as fast as it can; records/s from the first append to the
///   tailer's last read (it checks every record's stamp);
/// - latency: the writer appends a record stamped with the time every 5 µs; the tailer spins on
///   `tryNext` and records now − stamp. The SPSC queue is measured the same way in the same run.
enum JournalBench {
    static let cases = [BenchCase(group: .journal, transport: .journal, messageSize: 64)]

    // The results segment: ready at 0, done at 8, records read at 16, the tailer's end time at
    // 24, bad records at 32, p50/p99/p99.9 at 40/48/56.
    static let resultsSize = 4096
    static let pace: UInt64 = 5_000

    static func run(settings: BenchSettings, quick: Bool) throws -> [JournalRow] {
        let records = quick ? 1_000_000 : 20_000_000
        let samples = quick ? 20_000 : 200_000
        var rows = [try throughput(records: records, settings: settings)]
        let journalLatency = try latency(channel: "journal", samples: samples, settings: settings)
        var spscLatency = try latency(channel: "spsc", samples: samples, settings: settings)
        var journalRow = journalLatency
        if let ours = journalRow.p50Nanoseconds, let theirs = spscLatency.p50Nanoseconds, theirs > 0 {
            journalRow.ratioToSPSC = ours / theirs
        }
        spscLatency.ratioToSPSC = 1
        rows += [journalRow, spscLatency]
        return rows
    }

    /// Runs `body` with a fresh results segment (every word zero) as its words.
    static func withResults<Result>(
        _ name: String, _ body: ((Int) -> UnsafeMutablePointer<Atomic<UInt64>>) throws -> Result
    ) throws -> Result {
        let results = try SharedMemory(create: name, size: resultsSize, lifetime: .removedWhenCreatorCloses)
        let base = results.region.baseAddress
        for offset in stride(from: 0, to: resultsSize, by: 8) {
            (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(0))
        }
        defer { withExtendedLifetime(results) {} }
        return try body { (base + $0).assumingMemoryBound(to: Atomic<UInt64>.self) }
    }

    static func arguments(mode: Int, results: String, name: String, settings: BenchSettings) -> [String] {
        ["bench-peer", "--group", "journal", "--transport", "journal", "--size", "64", "--control", results,
         "--cpu", String(settings.peerCPU), "--queue", name, "--producer-index", String(mode)]
    }

    /// Waits until the peer says it is ready.
    static func awaitReady(_ word: UnsafeMutablePointer<Atomic<UInt64>>, _ pids: [pid_t]) throws {
        let limit = ipcb_monotonic_ns() + 20_000_000_000
        while word.pointee.load(ordering: .acquiring) == 0 {
            for pid in pids { try PeerProcess.checkAlive(pid) }
            guard ipcb_monotonic_ns() < limit else { throw BenchFailure("the journal tailer did not start") }
            usleep(1000)
        }
    }

    static func journalDirectory(_ label: String) -> String { "/dev/shm/ipc-bench-\(getpid())-journal-\(label)" }

    static func throughput(records: Int, settings: BenchSettings) throws -> JournalRow {
        let directory = journalDirectory("throughput"), resultsName = "ipc-bench-\(getpid())-journal-results"
        try? Journal.remove(FilePath(directory))
        let journal = try Journal(create: FilePath(directory), configuration: .init(cycleSize: 256 << 20, retention: .delete(keepingLast: 3)))
        defer { try? Journal.remove(FilePath(directory)) }
        var writer = try journal.makeWriter()
        return try withResults(resultsName) { word in try BroadcastBench.withReaders(1, arguments: { _ in arguments(mode: 0, results: resultsName, name: directory, settings: settings) },
                                                 pids: []) { pids -> JournalRow in
            try awaitReady(word(0), pids)
            let start = ipcb_monotonic_ns()
            for index in 0..<UInt64(records) { try writer.append(JournalBenchRecord(index)) }
            try writer.append(JournalBenchRecord(.max))
            let appended = ipcb_monotonic_ns()
            while word(8).pointee.load(ordering: .acquiring) == 0 {
                for pid in pids { try PeerProcess.checkAlive(pid) }
                usleep(200)
            }
            let seconds = Double(word(24).pointee.load(ordering: .relaxed) &- start) / 1e9
            guard word(32).pointee.load(ordering: .relaxed) == 0, word(16).pointee.load(ordering: .relaxed) == UInt64(records) else {
                throw BenchFailure("the journal tailer read bad records")
            }
            return JournalRow(measurement: "append+read", channel: "journal", records: records, recordsPerSecond: Double(records) / seconds,
                              appendsPerSecond: Double(records) / (Double(appended &- start) / 1e9))
        } }
    }

    static func latency(channel: String, samples: Int, settings: BenchSettings) throws -> JournalRow {
        let label = "latency-\(channel)"
        let directory = journalDirectory(label), queueName = "ipc-bench-\(getpid())-\(label)"
        let resultsName = "ipc-bench-\(getpid())-journal-results"
        var journal: Journal?
        var queue: SPSCQueue?
        if channel == "journal" {
            try? Journal.remove(FilePath(directory))
            journal = try Journal(create: FilePath(directory), configuration: .init(cycleSize: 64 << 20))
        } else {
            queue = try SPSCQueue(create: queueName, capacity: 1 << 16, maximumRecordSize: 64, lifetime: .removedWhenCreatorCloses)
        }
        defer { try? Journal.remove(FilePath(directory)) }
        let mode = channel == "journal" ? 1 : 2
        var writer = try journal?.makeWriter()
        var producer = try queue?.makeProducer()
        if journal != nil { try writer!.append(JournalBenchRecord(0)) }  // the first cycle, before the tailer starts
        return try withResults(resultsName) { word in try BroadcastBench.withReaders(1, arguments: { _ in
            arguments(mode: mode, results: resultsName, name: channel == "journal" ? directory : queueName, settings: settings)
        }, pids: []) { pids -> JournalRow in
            try awaitReady(word(0), pids)
            for index in 0...samples {
                let due = ipcb_monotonic_ns() &+ pace
                while ipcb_monotonic_ns() < due {}
                let record = JournalBenchRecord(index == samples ? .max : ipcb_monotonic_ns())
                if journal != nil { try writer!.append(record) } else { try producer!.send(record) }
            }
            while word(8).pointee.load(ordering: .acquiring) == 0 {
                for pid in pids { try PeerProcess.checkAlive(pid) }
                usleep(200)
            }
            func value(_ offset: Int) -> Double { Double(word(offset).pointee.load(ordering: .relaxed)) }
            return JournalRow(measurement: "latency", channel: channel, records: samples,
                              p50Nanoseconds: value(40), p99Nanoseconds: value(48), p999Nanoseconds: value(56))
        } }
    }

    /// The tailer process (`bench-peer --group journal`): mode 0 reads and checks records to the
    /// end marker; 1 (journal) and 2 (SPSC queue) time each stamped record's arrival.
    static func peer(resultsName: String, name: String, mode: Int) throws {
        let results = try SharedMemory(open: resultsName)
        let base = results.region.baseAddress
        let word = { (offset: Int) in (base + offset).assumingMemoryBound(to: Atomic<UInt64>.self) }
        var latencies: [UInt64] = []
        latencies.reserveCapacity(1 << 20)
        if mode == 2 {
            var consumer = try SPSCQueue(open: name).makeConsumer()
            word(0).pointee.store(1, ordering: .releasing)
            while true {
                guard let record = try consumer.tryReceive(as: JournalBenchRecord.self) else { continue }
                let now = ipcb_monotonic_ns()
                if record.stamp == .max { break }
                latencies.append(now &- record.stamp)
            }
        } else {
            var tailer = try Journal(open: FilePath(name)).makeTailer(from: mode == 0 ? .beginning : .end)
            word(0).pointee.store(1, ordering: .releasing)
            var read: UInt64 = 0, bad: UInt64 = 0
            loop: while true {
                let stamp = try tailer.tryNext { record throws(InterprocessError) in
                    record.bytes.loadUnaligned(as: UInt64.self)
                }
                guard let stamp else { continue }
                let now = ipcb_monotonic_ns()
                if stamp == .max { break loop }
                if mode == 0 {
                    if stamp != read { bad &+= 1 }
                    read &+= 1
                } else {
                    latencies.append(now &- stamp)
                }
            }
            word(16).pointee.store(read, ordering: .relaxed)
            word(32).pointee.store(bad, ordering: .relaxed)
        }
        word(24).pointee.store(ipcb_monotonic_ns(), ordering: .relaxed)
        if !latencies.isEmpty {
            latencies.sort()
            let at = { (fraction: Double) in latencies[min(latencies.count - 1, Int(Double(latencies.count) * fraction))] }
            word(40).pointee.store(at(0.5), ordering: .relaxed)
            word(48).pointee.store(at(0.99), ordering: .relaxed)
            word(56).pointee.store(at(0.999), ordering: .relaxed)
        }
        word(8).pointee.store(1, ordering: .releasing)
        withExtendedLifetime(results) {}
    }

    /// The rows as a table for people.
    static func table(_ rows: [JournalRow]) -> String {
        let text = "\nJournal, 64 B records, .memory: the writer (bench CPU) and a tailer process (peer CPU). append+read: records/s from the first append to the tailer's last read, every record checked; appends/s: the writer's own rate. latency: one record every 5 µs stamped with the time, the tailer spinning on tryNext; the SPSC queue measured the same way in the same run. ×SPSC: the journal's p50 over the queue's.\n\n"
        var table = [["measurement", "channel", "records", "records/s", "appends/s", "p50 ns", "p99 ns", "p99.9 ns", "×SPSC"]]
        for row in rows {
            let number = { (value: Double?) in value.map { String(format: "%.0f", $0) } ?? "-" }
            table.append([row.measurement, row.channel, String(row.records), row.recordsPerSecond.map { BenchTable.rate($0) } ?? "-",
                          row.appendsPerSecond.map { BenchTable.rate($0) } ?? "-",
                          number(row.p50Nanoseconds), number(row.p99Nanoseconds), number(row.p999Nanoseconds),
                          BenchTable.ratio(row.ratioToSPSC)])
        }
        return text + Formatting.table(table) + "\n"
    }
}
