#if os(Linux)
import Synchronization

/// A snapshot of a journal for tools and tests (`interprocess journal inspect`).
public struct JournalState: Sendable, Codable, Hashable {
    /// One cycle file.
    public struct Cycle: Sendable, Codable, Hashable {
        /// Its number (its file name).
        public var number: UInt64
        /// The sequence number of its first record.
        public var firstSequence: UInt64
        /// How many whole records it holds.
        public var records: UInt64
        /// Bytes of records, and the bytes records may use in all.
        public var bytesUsed: Int
        /// The bytes records may use in all.
        public var capacity: Int
        /// Whether the writer has moved on to the next cycle.
        public var sealed: Bool
        /// When it was started, in nanoseconds since the Unix epoch.
        public var openedAt: UInt64
        /// How many index entries are written.
        public var indexEntries: Int
    }

    /// A named tailer.
    public struct Tailer: Sendable, Codable, Hashable {
        /// Its name.
        public var name: String
        /// The next sequence number it will read.
        public var position: UInt64
        /// Whether a live handle uses it now.
        public var inUse: Bool
    }

    /// The journal's directory.
    public var path: String
    /// Its cycles, oldest first.
    public var cycles: [Cycle]
    /// The oldest sequence number kept, and the one the next record will carry.
    public var firstSequence: UInt64
    /// The sequence number the next record will carry.
    public var nextSequence: UInt64
    /// The last writer recorded (pid 0: none yet).
    public var writer: ProcessIdentity
    /// Whether a live writer holds the journal now (its seat's lock is held).
    public var writerAlive: Bool
    /// How many writers came after the first.
    public var takeovers: UInt64
    /// The named tailers.
    public var tailers: [Tailer]
    /// How many tailers may be asleep waiting for a record.
    public var sleepers: UInt32
    /// The cycle size, index spacing and durability, as configured.
    public var cycleSize: Int
    /// Records per index entry.
    public var indexSpacing: Int
    /// The durability level, in words.
    public var durability: String
    /// Why a part of the snapshot cannot be trusted (a cycle that fails to open), if any.
    public var problem: String?
}

extension Journal {
    /// What the journal holds now. Does not throw for a damaged cycle: the problem is reported.
    public var state: JournalState {
        get throws(InterprocessError) {
            let directory = path.string
            let control = try JournalControl.open(directory: directory, operation: "inspect journal")
            var cycles: [JournalState.Cycle] = []
            var problem: String?
            for number in try JournalFiles.cycleNumbers(directory, operation: "inspect journal") {
                do {
                    let cycle = try JournalCycle.open(directory: directory, number: number, writable: false, operation: "inspect journal")
                    let end = cycle.readableEnd()
                    let entries = (0..<cycle.indexCapacity).prefix { cycle.indexWord($0).pointee.load(ordering: .relaxed) != 0 }.count
                    cycles.append(.init(number: number, firstSequence: cycle.firstSequence, records: end.sequence &- cycle.firstSequence,
                                        bytesUsed: end.position - cycle.dataStart, capacity: cycle.dataEnd - cycle.dataStart,
                                        sealed: cycle.sealed.pointee.load(ordering: .acquiring) != 0,
                                        openedAt: cycle.openedAt, indexEntries: entries))
                } catch {
                    problem = "\(error)"
                }
            }
            let tailers = control.tailerSlots.map {
                JournalState.Tailer(name: $0.name, position: $0.position, inUse: control.isTaken(seat: JournalControl.tailerSeat + Int64($0.index)))
            }
            let durability: String = switch control.configuration.durability {
            case .memory: "memory"
            case .synchronous: "synchronous"
            case .flushed(let interval): "flushed every \(interval)"
            case .flushedEvery(let records): "flushed every \(records) records"
            }
            return JournalState(
                path: directory, cycles: cycles, firstSequence: cycles.first?.firstSequence ?? 0,
                nextSequence: cycles.last.map { $0.firstSequence &+ $0.records } ?? 0,
                writer: control.writer, writerAlive: control.isTaken(seat: JournalControl.writerSeat),
                takeovers: control.takeovers, tailers: tailers, sleepers: control.parking.waiterCount,
                cycleSize: control.configuration.cycleSize, indexSpacing: control.configuration.indexSpacing,
                durability: durability, problem: problem)
        }
    }
}
#endif
