import CInterprocessBench
import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The writer's rate with 1 and with 4 readers, measured in alternating phases of one run.
///
/// Run as separate rows seconds apart, the two cases often land in different placements of this
/// VM's two vCPUs (a line transfer of ~30, ~60 or ~200 ns), which moves the writer's rate more
/// than the readers do. Here 4 reader processes stay up for the whole measurement; in a "one"
/// phase reader 0 reads and the other three sleep on a futex, in a "four" phase all four read.
/// Phases of ``phaseSeconds`` go one, four, four, one, … (so a drift over the run weighs on both
/// alike), the first ``settleSeconds`` of each unmeasured (the sleepers wake or notice).
struct BlackboardInterleavedRow: Codable {
    var copies: Int
    var readers: Int
    /// How the readers read.
    var reader: BlackboardReaderKind
    /// Phases of each kind, and the measured length of one.
    var phasesEach: Int
    var phaseSeconds: Double
    /// The median over the phases of each kind of the writer's updates per second of its own
    /// CPU time, one-reader and four-reader phases, and the second over the first (the issue's
    /// "writer rate 1 → 4 readers"). Medians, because a phase now and then has the writer run
    /// 10–20× its usual rate (the reader lost the lines for a while), and one such phase would
    /// decide a rate summed over all.
    var writerWritesPerCPUSecondOneReader: Double
    var writerWritesPerCPUSecondAllReaders: Double
    var ratio: Double
    /// The same rates over all phases of a kind together (writes over CPU time).
    var writerWritesPerCPUSecondOneReaderOverall: Double
    var writerWritesPerCPUSecondAllReadersOverall: Double
    /// Reader 0's reads per CPU-second while alone; every reader's in the four-reader phases.
    var readerReadsPerCPUSecondAlone: Double
    var readerReadsPerCPUSecondTogether: [Double]
}

enum BlackboardInterleavedBench {
    static let readers = 4
    static let phaseSeconds = 0.02
    static let settleSeconds = 0.001

    /// Measures the interleaved case at `copies` copies; each kind of phase gets about twice the
    /// bench's throughput time (at least two phases each): 50 phases of each kind by default,
    /// since a median over 25 still moved by ±10% from run to run.
    static func measure(copies: Int, kind: BlackboardReaderKind, settings: BenchSettings, warmup: Int) throws -> BlackboardInterleavedRow {
        let phasesEach = max(2, Int((2 * settings.throughputSeconds / phaseSeconds).rounded()))
        // The readers sleep until the first phase: what they read while the writer waits for
        // them and warms up belongs to neither kind of phase.
        let (writer, slots) = try BlackboardBench.withReaders(copies: copies, readers: readers, kind: kind, initiallyActive: 0, settings: settings, tag: "phases") { board, base, pids in
            defer { BlackboardBench.stopReaders(base) }
            return try write(board, readers: pids, base: base, phases: 2 * phasesEach, warmup: warmup)
        }
        let field = { (index: Int, name: BlackboardBench.ReaderField) in slots[index][name.rawValue] }
        let together = (0..<readers).map { index in
            let alone = index == 0 ? (field(0, .readsAlone), field(0, .cpuNanosecondsAlone)) : (0, 0)
            return BlackboardBench.perSecond(field(index, .reads) &- alone.0, field(index, .cpuNanoseconds) &- alone.1)
        }
        let one = writer.one.medianPerCPUSecond, all = writer.all.medianPerCPUSecond
        return BlackboardInterleavedRow(
            copies: copies, readers: readers, reader: kind, phasesEach: phasesEach, phaseSeconds: phaseSeconds - settleSeconds,
            writerWritesPerCPUSecondOneReader: one, writerWritesPerCPUSecondAllReaders: all, ratio: one > 0 ? all / one : 0,
            writerWritesPerCPUSecondOneReaderOverall: writer.one.perCPUSecond, writerWritesPerCPUSecondAllReadersOverall: writer.all.perCPUSecond,
            readerReadsPerCPUSecondAlone: BlackboardBench.perSecond(field(0, .readsAlone), field(0, .cpuNanosecondsAlone)),
            readerReadsPerCPUSecondTogether: together)
    }

    /// Writes and the writer's CPU time in one kind of phase, and each phase's rate.
    struct Tally {
        var writes: UInt64 = 0
        var cpuNanoseconds: UInt64 = 0
        var phaseRates: [Double] = []
        var perCPUSecond: Double { BlackboardBench.perSecond(writes, cpuNanoseconds) }
        var medianPerCPUSecond: Double {
            let sorted = phaseRates.sorted()
            guard !sorted.isEmpty else { return 0 }
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }

        mutating func add(writes: UInt64, cpuNanoseconds: UInt64) {
            self.writes &+= writes
            self.cpuNanoseconds &+= cpuNanoseconds
            phaseRates.append(BlackboardBench.perSecond(writes, cpuNanoseconds))
        }
    }

    /// The writer: sets each phase's active reader count (waking the sleepers), writes without
    /// pause through it, and counts the writes and its CPU time after the settling time.
    static func write(
        _ board: Blackboard, readers: [pid_t], base: UnsafeMutableRawPointer, phases: Int, warmup: Int
    ) throws -> (one: Tally, all: Tally) {
        try BlackboardBench.awaitReaders(readers, ready: base.assumingMemoryBound(to: Atomic<UInt64>.self))
        let activeWord = (base + BlackboardBench.activeOffset).assumingMemoryBound(to: UInt32.self)
        let active = UnsafeMutablePointer<Atomic<UInt32>>(OpaquePointer(activeWord))
        let key = try board.key("value", as: BoardValue64.self)
        var writer = try board.makeWriter()
        var value: UInt64 = 1
        for _ in 0..<warmup { writer.write(key, BoardValue64(value)); value &+= 1 }
        var one = Tally(), all = Tally()
        one.phaseRates.reserveCapacity(phases)
        all.phaseRates.reserveCapacity(phases)
        let settle = UInt64(settleSeconds * 1e9), length = UInt64(phaseSeconds * 1e9)
        for phase in 0..<phases {
            // one, four, four, one, one, four, …
            let alone = phase % 4 == 0 || phase % 4 == 3
            active.pointee.store(alone ? 1 : UInt32(readers.count), ordering: .releasing)
            ipcb_shared_word_wake_all(activeWord)
            let start = ipcb_monotonic_ns()
            var now = start
            while now &- start < settle {
                for _ in 0..<256 { writer.write(key, BoardValue64(value)); value &+= 1 }
                now = ipcb_monotonic_ns()
            }
            let first = value, cpuStart = BlackboardBench.threadCPUNanoseconds(), end = start &+ length
            while now < end {
                for _ in 0..<256 { writer.write(key, BoardValue64(value)); value &+= 1 }
                now = ipcb_monotonic_ns()
            }
            let writes = value &- first, cpu = BlackboardBench.threadCPUNanoseconds() &- cpuStart
            if alone { one.add(writes: writes, cpuNanoseconds: cpu) } else { all.add(writes: writes, cpuNanoseconds: cpu) }
            if phase % 8 == 7 { for pid in readers { try PeerProcess.checkAlive(pid) } }
        }
        return (one, all)
    }

    /// The rows as a table for people.
    static func table(_ rows: [BlackboardInterleavedRow]) -> String {
        guard let first = rows.first else { return "" }
        let text = "\nBlackboard, writer rate with 1 and 4 readers in alternating phases of one run: 4 reader processes (peer CPU) stay up; in a one-reader phase reader 0 reads and the others sleep, in a four-reader phase all read; phases of \(milliseconds(first.phaseSeconds)) ms measured (after \(milliseconds(settleSeconds)) ms to settle), one, four, four, one, …, \(first.phasesEach) of each. Writer without pause, one 64 B entry. Writes/s per CPU-s: the median over the phases of a kind (over all of them together: overall). ×: the four-reader median over the one-reader median.\n\n"
        var table = [["reader", "copies", "writes/s per CPU-s, 1 reader", "4 readers", "×", "overall 1", "overall 4", "reads/s per CPU-s, alone", "together"]]
        for row in rows {
            table.append([row.reader.label, String(row.copies), BenchTable.rate(row.writerWritesPerCPUSecondOneReader), BenchTable.rate(row.writerWritesPerCPUSecondAllReaders),
                          BenchTable.ratio(row.ratio), BenchTable.rate(row.writerWritesPerCPUSecondOneReaderOverall),
                          BenchTable.rate(row.writerWritesPerCPUSecondAllReadersOverall), BenchTable.rate(row.readerReadsPerCPUSecondAlone),
                          row.readerReadsPerCPUSecondTogether.map { BenchTable.rate($0) }.joined(separator: ", ")])
        }
        return text + Formatting.table(table) + "\n"
    }

    static func milliseconds(_ seconds: Double) -> Int { Int((seconds * 1e3).rounded()) }
}
