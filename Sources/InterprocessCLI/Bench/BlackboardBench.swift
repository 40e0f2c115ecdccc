import CInterprocessBench
import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A 64-byte blackboard value whose eight words are all the same number: a reader that sees
/// two different words saw a torn value.
struct BoardValue64: InterprocessValue {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    init(_ value: UInt64) { words = (value, value, value, value, value, value, value, value) }
    var isWhole: Bool {
        words.0 == words.1 && words.0 == words.2 && words.0 == words.3
            && words.0 == words.4 && words.0 == words.5 && words.0 == words.6 && words.0 == words.7
    }
}

/// How a bench reader reads: `BlackboardReader.read(_:)` (stateless: copies the value out of
/// the board on every read) or a `BlackboardEntryReader` (keeps the last value it read and
/// returns it when the version is unchanged), its loop checking each value it copies out of
/// the board (`entry`) or, as a caller that goes through all of the value on every read, every
/// value it returns (`entryEveryRead`).
enum BlackboardReaderKind: String, Codable {
    case read
    case entry
    case entryEveryRead

    /// The name in the tables.
    var label: String {
        switch self {
        case .read: "read(_:)"
        case .entry: "entry"
        case .entryEveryRead: "entry, all"
        }
    }

    /// Its number in the results segment.
    var code: UInt64 {
        switch self {
        case .read: 0
        case .entry: 1
        case .entryEveryRead: 2
        }
    }
}

/// One blackboard case: a writer process updating one 64-byte entry as fast as it can for the
/// measured time, with `readers` reader processes reading it in a loop (all on the peer's CPU).
struct BlackboardRow: Codable {
    var copies: Int
    var readers: Int
    /// How the readers read.
    var reader: BlackboardReaderKind
    /// The writer's pace in updates per second: nil when it writes without pause.
    var writerPace: Double?
    var role: BenchRole
    /// Writes in the measured time, that time, and the rate.
    var writerWrites: Int
    var seconds: Double
    var writerWritesPerSecond: Double
    /// Writes per second of the writer's own CPU time (what other processes on its CPU took
    /// left out).
    var writerWritesPerCPUSecond: Double
    /// The writer's rate per CPU-second over that rate with one reader and the same copies (same run).
    var ratioToOneReader: Double?
    /// Per reader: reads, reads per second of its own CPU time (the fair figure when readers
    /// share a CPU), reads per second of wall time, and distinct versions seen.
    var readerReads: [UInt64]
    var readerReadsPerCPUSecond: [Double]
    var readerReadsPerSecond: [Double]
    var readerVersionsSeen: [UInt64]
}

/// The blackboard bench: the writer (this process, the bench CPU) updates a 64-byte value
/// continuously; 0, 1 or 4 `bench-peer --transport blackboard` reader processes (the peer CPU)
/// call `read(_:)` in a loop, checking every value, with 2 copies per entry (double buffer:
/// the nearest to a seqlock that survives a writer killed mid-update) and 4 (the default);
/// then the same with readers that poll through a `BlackboardEntryReader` (4 copies).
enum BlackboardBench {
    /// The one selectable case (it measures every row).
    static let cases = [BenchCase(group: .blackboard, transport: .blackboard, messageSize: 64)]
    static let readerCounts = [0, 1, 4]
    static let copyCounts = [2, 4]
    /// The paced rows: a writer that updates on a schedule (a sensor or a price feed) rather
    /// than as fast as it can, with 4 copies and 1 and 4 readers.
    static let writerPaces: [Double] = [1e6, 1e7]

    // The results segment: the ready count at 0, the stop flag at 8, the number of readers that
    // read (a futex word; the others sleep) at 16, how they read (``BlackboardReaderKind/code``)
    // at 24, then 128 bytes per reader from 128 (fields in ``ReaderField``).
    static let resultsSize = 4096
    static let activeOffset = 16
    static let readerKindOffset = 24
    static func slotOffset(_ index: Int) -> Int { 128 * (index + 1) }

    /// A reader's results, 8 bytes each in its slot.
    enum ReaderField: Int {
        case reads, cpuNanoseconds, wallNanoseconds, versionsSeen, tornValues
        /// Reads and CPU time while it was the only reader reading (the interleaved case).
        case readsAlone, cpuNanosecondsAlone
    }

    /// Measures every row (`quick`: 4 copies only, a short warm-up).
    static func run(settings: BenchSettings, quick: Bool) throws -> [BlackboardRow] {
        var rows: [BlackboardRow] = []
        let warmup = quick ? 1 << 12 : 1 << 18
        func group(copies: Int, readerCounts: [Int], kind: BlackboardReaderKind) throws -> [BlackboardRow] {
            var group = try readerCounts.map { try measure(copies: copies, readers: $0, kind: kind, settings: settings, warmup: warmup) }
            if let one = group.first(where: { $0.readers == 1 }) {
                for index in group.indices { group[index].ratioToOneReader = group[index].writerWritesPerCPUSecond / one.writerWritesPerCPUSecond }
            }
            return group
        }
        for copies in quick ? [4] : copyCounts { rows += try group(copies: copies, readerCounts: readerCounts, kind: .read) }
        for pace in quick ? [] : writerPaces {
            for readers in [1, 4] { rows.append(try measure(copies: 4, readers: readers, kind: .read, settings: settings, warmup: 1 << 12, pace: pace)) }
        }
        rows += try group(copies: 4, readerCounts: [1, 4], kind: .entry)
        if !quick {
            rows.append(try measure(copies: 4, readers: 1, kind: .entry, settings: settings, warmup: 1 << 12, pace: writerPaces.last))
            rows.append(try measure(copies: 4, readers: 1, kind: .entryEveryRead, settings: settings, warmup: warmup))
        }
        return rows
    }

    /// Starts `readers` reader processes on a new board of `copies` copies and calls `body`
    /// with the board, the results segment's base and the readers' pids; checks that no reader
    /// saw a torn value, and returns `body`'s result with every reader's results slot.
    /// `initiallyActive` readers read from the start (the others sleep until the writer raises
    /// the active count).
    static func withReaders<Result>(
        copies: Int, readers: Int, kind: BlackboardReaderKind, initiallyActive: Int? = nil, settings: BenchSettings, tag: String,
        _ body: (Blackboard, UnsafeMutableRawPointer, [pid_t]) throws -> Result
    ) throws -> (Result, [[UInt64]]) {
        let name = "ipc-bench-\(getpid())-board-\(tag)-\(kind.rawValue)-\(copies)-\(readers)", resultsName = name + "-results"
        let board = try Blackboard(create: name, entries: [.value("value", of: BoardValue64.self)], copies: copies,
                                   lifetime: .removedWhenCreatorCloses)
        let results = try SharedMemory(create: resultsName, size: resultsSize, lifetime: .removedWhenCreatorCloses)
        let base = results.region.baseAddress
        for offset in stride(from: 0, to: resultsSize, by: 8) {
            (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(0))
        }
        (base + activeOffset).storeBytes(of: UInt32(initiallyActive ?? readers), as: UInt32.self)
        (base + readerKindOffset).storeBytes(of: kind.code, as: UInt64.self)
        let arguments = { (index: Int) in
            ["bench-peer", "--group", "blackboard", "--transport", "blackboard", "--size", "64",
             "--control", resultsName, "--cpu", String(settings.peerCPU), "--queue", name, "--producer-index", String(index)]
        }
        let result = try BroadcastBench.withReaders(readers, arguments: arguments, pids: []) { pids in
            try body(board, base, pids)
        }
        let slots = (0..<readers).map { index in
            (0...ReaderField.cpuNanosecondsAlone.rawValue).map { base.load(fromByteOffset: slotOffset(index) + 8 * $0, as: UInt64.self) }
        }
        for (index, slot) in slots.enumerated() where slot[ReaderField.tornValues.rawValue] != 0 {
            throw BenchFailure("blackboard reader \(index) read \(slot[ReaderField.tornValues.rawValue]) torn values")
        }
        withExtendedLifetime(board) {}
        withExtendedLifetime(results) {}
        return (result, slots)
    }

    /// Waits until `count` readers have started (each bumps the ready count).
    static func awaitReaders(_ readers: [pid_t], ready: UnsafeMutablePointer<Atomic<UInt64>>) throws {
        let waitLimit = ipcb_monotonic_ns() + 20_000_000_000
        while ready.pointee.load(ordering: .acquiring) < UInt64(readers.count) {
            for pid in readers { try PeerProcess.checkAlive(pid) }
            guard ipcb_monotonic_ns() < waitLimit else { throw BenchFailure("the blackboard readers did not start") }
            usleep(1000)
        }
    }

    /// Raises the stop flag and wakes readers that sleep for their turn. The active count
    /// changes too, so that a reader about to sleep on the value it last saw does not.
    static func stopReaders(_ base: UnsafeMutableRawPointer) {
        (base + 8).assumingMemoryBound(to: Atomic<UInt64>.self).pointee.store(1, ordering: .releasing)
        let activeWord = (base + activeOffset).assumingMemoryBound(to: UInt32.self)
        UnsafeMutablePointer<Atomic<UInt32>>(OpaquePointer(activeWord)).pointee.store(UInt32.max, ordering: .releasing)
        ipcb_shared_word_wake_all(activeWord)
    }

    static func measure(copies: Int, readers: Int, kind: BlackboardReaderKind, settings: BenchSettings, warmup: Int, pace: Double? = nil) throws -> BlackboardRow {
        var (row, slots) = try withReaders(copies: copies, readers: readers, kind: kind, settings: settings, tag: "rate") { board, base, pids in
            let word = { (offset: Int) in (base + offset).assumingMemoryBound(to: Atomic<UInt64>.self) }
            defer { stopReaders(base) }
            return try write(board, copies: copies, readers: pids, ready: word(0), settings: settings, warmup: warmup, pace: pace)
        }
        row.reader = kind
        for slot in slots {
            let field = { (name: ReaderField) in slot[name.rawValue] }
            row.readerReads.append(field(.reads))
            row.readerReadsPerCPUSecond.append(perSecond(field(.reads), field(.cpuNanoseconds)))
            row.readerReadsPerSecond.append(perSecond(field(.reads), field(.wallNanoseconds)))
            row.readerVersionsSeen.append(field(.versionsSeen))
        }
        return row
    }

    /// `count` per second of `nanoseconds` (0 for no time).
    static func perSecond(_ count: UInt64, _ nanoseconds: UInt64) -> Double {
        nanoseconds == 0 ? 0 : Double(count) / (Double(nanoseconds) / 1e9)
    }

    /// The writer's side: waits for the readers, warms up, writes for the measured time (as
    /// fast as it can, or `pace` updates per second, spinning on the clock between them).
    static func write(
        _ board: Blackboard, copies: Int, readers: [pid_t], ready: UnsafeMutablePointer<Atomic<UInt64>>,
        settings: BenchSettings, warmup: Int, pace: Double?
    ) throws -> BlackboardRow {
        try awaitReaders(readers, ready: ready)
        let key = try board.key("value", as: BoardValue64.self)
        var writer = try board.makeWriter()
        var value: UInt64 = 1
        for _ in 0..<warmup { writer.write(key, BoardValue64(value)); value &+= 1 }
        let nanoseconds = UInt64(settings.throughputSeconds * 1e9)
        let start = ipcb_monotonic_ns(), cpuStart = threadCPUNanoseconds()
        var now = start
        let first = value
        if let pace {
            let period = 1e9 / pace
            repeat {
                writer.write(key, BoardValue64(value))
                value &+= 1
                let next = start &+ UInt64(Double(value &- first) * period)
                repeat { now = ipcb_monotonic_ns() } while now < next
            } while now &- start < nanoseconds
        } else {
            repeat {
                for _ in 0..<(1 << 16) { writer.write(key, BoardValue64(value)); value &+= 1 }
                now = ipcb_monotonic_ns()
            } while now &- start < nanoseconds
        }
        let cpu = Double(threadCPUNanoseconds() &- cpuStart) / 1e9
        let written = Int(value &- first), seconds = Double(now &- start) / 1e9
        return BlackboardRow(
            copies: copies, readers: readers.count, reader: .read, writerPace: pace, role: .subject, writerWrites: written, seconds: seconds,
            writerWritesPerSecond: Double(written) / seconds, writerWritesPerCPUSecond: cpu > 0 ? Double(written) / cpu : 0,
            readerReads: [], readerReadsPerCPUSecond: [], readerReadsPerSecond: [], readerVersionsSeen: [])
    }

    /// A reader process (`bench-peer --transport blackboard`): reads until the stop flag while
    /// its index is below the active count (and sleeps on that word otherwise), and reports in
    /// slot `index` of the results segment; reads and CPU time while it was the only active
    /// reader are also counted apart.
    static func read(resultsName: String, boardName: String, index: Int) throws {
        let results = try SharedMemory(open: resultsName)
        let base = results.region.baseAddress
        let board = try Blackboard(open: boardName)
        let key = try board.key("value", as: BoardValue64.self)
        let reader = board.makeReader()
        let code = base.load(fromByteOffset: readerKindOffset, as: UInt64.self)
        if code == BlackboardReaderKind.entry.code {
            var entry = reader.entry(key)
            try poll(base: base, index: index, checksEveryRead: false) { () throws(InterprocessError) in
                try entry.read().map { ($0, entry.lastVersion) }
            }
        } else if code == BlackboardReaderKind.entryEveryRead.code {
            var entry = reader.entry(key)
            try poll(base: base, index: index, checksEveryRead: true) { () throws(InterprocessError) in
                try entry.read().map { ($0, entry.lastVersion) }
            }
        } else {
            try poll(base: base, index: index, checksEveryRead: true) { () throws(InterprocessError) in try reader.readWithVersion(key) }
        }
        withExtendedLifetime(results) {}
    }

    /// The reader's loop over `next` (one read each call, the value and its version; inlined
    /// into each caller, so the read is inlined as in a program of its own), and its report.
    ///
    /// Every value is checked whole and written as its version (the bench's writer numbers its
    /// values as the writes are numbered) when `checksEveryRead`, else each time the version
    /// changes: an entry reader returns the bytes it copied at that version until the next one,
    /// and checking them again on every read would measure the check.
    @inline(__always)
    static func poll(
        base: UnsafeMutableRawPointer, index: Int, checksEveryRead: Bool,
        _ next: () throws(InterprocessError) -> (value: BoardValue64, version: UInt64)?
    ) throws {
        let stop = (base + 8).assumingMemoryBound(to: Atomic<UInt64>.self)
        let activeWord = (base + activeOffset).assumingMemoryBound(to: UInt32.self)
        let active = UnsafeMutablePointer<Atomic<UInt32>>(OpaquePointer(activeWord))
        base.assumingMemoryBound(to: Atomic<UInt64>.self).pointee.wrappingAdd(1, ordering: .releasing)
        var reads: UInt64 = 0, torn: UInt64 = 0, versions: UInt64 = 0, last: UInt64 = 0
        let wallStart = ipcb_monotonic_ns(), cpuStart = threadCPUNanoseconds()
        // The active count the reads since (`tallyReads`, `tallyCPU`) were made under.
        var mode = active.pointee.load(ordering: .acquiring)
        var tallyReads: UInt64 = 0, tallyCPU = cpuStart, readsAlone: UInt64 = 0, cpuAlone: UInt64 = 0
        func closeTally() {
            let cpu = threadCPUNanoseconds()
            if mode == 1 && index == 0 { readsAlone &+= reads &- tallyReads; cpuAlone &+= cpu &- tallyCPU }
            tallyReads = reads
            tallyCPU = cpu
        }
        while stop.pointee.load(ordering: .relaxed) == 0 {
            let now = active.pointee.load(ordering: .acquiring)
            if now != mode { closeTally(); mode = now }
            if index >= Int(now) {
                ipcb_shared_word_sleep(activeWord, now, 100_000_000)
                continue
            }
            // Counted in a local: `reads` is shared with `closeTally`, which keeps it in memory.
            var batch: UInt64 = 0
            for _ in 0..<1024 {
                guard let (value, version) = try next() else { continue }
                if checksEveryRead || version != last {
                    if !value.isWhole || value.words.0 != version { torn &+= 1 }
                    if version != last { versions &+= 1; last = version }
                }
                batch &+= 1
            }
            reads &+= batch
        }
        closeTally()
        let cpu = threadCPUNanoseconds() &- cpuStart, wall = ipcb_monotonic_ns() &- wallStart
        let fields: [(ReaderField, UInt64)] = [(.reads, reads), (.cpuNanoseconds, cpu), (.wallNanoseconds, wall), (.versionsSeen, versions),
                                               (.tornValues, torn), (.readsAlone, readsAlone), (.cpuNanosecondsAlone, cpuAlone)]
        for (field, value) in fields {
            base.storeBytes(of: value, toByteOffset: slotOffset(index) + 8 * field.rawValue, as: UInt64.self)
        }
    }

    /// The calling thread's CPU time.
    static func threadCPUNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// The rows as a table for people.
    static func table(_ rows: [BlackboardRow]) -> String {
        let text = "\nBlackboard, one 64 B entry: the writer process (bench CPU) updates it continuously (pace: without pause, or that many updates per second); readers (all on the peer CPU) read it in a loop, checking each value: reader read(_:) calls BlackboardReader.readWithVersion(_:) (copies the value out of the board every time) and checks every value whole and written as its version; entry calls BlackboardEntryReader.read() (one load and its kept copy while the version is unchanged) and checks each value it copied out of the board (when the version changes); entry, all checks all eight words of every value it returns, as a caller that goes through the whole value on every read. Reads/s per CPU-second: each reader's reads over its own CPU time (they share one CPU); wall: over the elapsed time (other processes on the CPUs take their share of it). The writer's rate likewise, per CPU-second of its own and per wall second. ×1 reader: the writer's rate per CPU-second over that rate with one reader (same reader kind and copies, same run).\n\n"
        var table = [["reader", "copies", "pace", "readers", "writes/s per CPU-s", "wall", "×1 reader", "reads/s per CPU-s", "reads/s wall", "versions seen"]]
        for row in rows {
            let list = { (values: [Double]) in values.isEmpty ? "-" : values.map { BenchTable.rate($0) }.joined(separator: ", ") }
            table.append([row.reader.label, String(row.copies), row.writerPace.map { BenchTable.rate($0) + "/s" } ?? "none", String(row.readers), BenchTable.rate(row.writerWritesPerCPUSecond), BenchTable.rate(row.writerWritesPerSecond),
                          BenchTable.ratio(row.ratioToOneReader), list(row.readerReadsPerCPUSecond), list(row.readerReadsPerSecond),
                          row.readerVersionsSeen.isEmpty ? "-" : row.readerVersionsSeen.map(String.init).joined(separator: ", ")])
        }
        return text + Formatting.table(table) + "\n"
    }
}
