#if os(Linux)
public import SystemPackage

/// How a ``Journal`` stores its records: the size of its cycle files, when it starts a new one,
/// how often it indexes, how durable an append is and which old cycles it keeps. Chosen at
/// creation and recorded in the journal, so every writer of it behaves alike.
public struct JournalConfiguration: Sendable, Hashable {
    /// The size of each cycle file in bytes, header and index included (pre-allocated when the
    /// cycle starts, so an append never grows a file). Range: ``cycleSizeRange``.
    public var cycleSize: Int
    /// When the writer starts a new cycle besides "the current one is full".
    public var rolling: Rolling
    /// Every `indexSpacing`-th record of a cycle is indexed (a power of two, ``indexSpacingRange``):
    /// finding a sequence number reads one index entry and then at most that many records.
    public var indexSpacing: Int
    /// What an append survives once it returns.
    public var durability: JournalDurability
    /// What happens to cycles older than the newest few.
    public var retention: Retention

    /// The cycle sizes allowed: 64 KiB to 1 TiB.
    public static let cycleSizeRange = (64 << 10)...(1 << 40)
    /// The index spacings allowed (powers of two only).
    public static let indexSpacingRange = 1...(1 << 20)

    /// A configuration; the defaults suit records of a few hundred bytes.
    ///
    /// - Parameters:
    ///   - cycleSize: bytes per cycle file (``cycleSizeRange``); default 64 MiB.
    ///   - rolling: a new cycle also per period; default only when full.
    ///   - indexSpacing: records per index entry, a power of two; default 256.
    ///   - durability: default ``JournalDurability/memory``.
    ///   - retention: default ``Retention/keepAll``.
    public init(
        cycleSize: Int = 64 << 20, rolling: Rolling = .whenFull, indexSpacing: Int = 256,
        durability: JournalDurability = .memory, retention: Retention = .keepAll
    ) {
        self.cycleSize = cycleSize
        self.rolling = rolling
        self.indexSpacing = indexSpacing
        self.durability = durability
        self.retention = retention
    }

    /// When the writer starts a new cycle file, besides when the current one is full.
    public enum Rolling: Sendable, Hashable {
        /// Only when the next record does not fit.
        case whenFull
        /// At each whole hour (UTC).
        case hourly
        /// At each midnight (UTC).
        case daily
        /// At each multiple of the period since the Unix epoch (at least 1 ms).
        case every(Duration)

        /// The period in nanoseconds; 0 for ``whenFull``.
        var nanoseconds: UInt64 {
            switch self {
            case .whenFull: 0
            case .hourly: 3_600_000_000_000
            case .daily: 86_400_000_000_000
            case .every(let period):
                UInt64(clamping: period.components.seconds) &* 1_000_000_000
                    &+ UInt64(clamping: period.components.attoseconds / 1_000_000_000)
            }
        }

        /// The rolling a stored period stands for.
        init(nanoseconds: UInt64) {
            switch nanoseconds {
            case 0: self = .whenFull
            case 3_600_000_000_000: self = .hourly
            case 86_400_000_000_000: self = .daily
            default: self = .every(.nanoseconds(Int64(clamping: nanoseconds)))
            }
        }
    }

    /// Which old cycles the writer removes when it starts a new one.
    public enum Retention: Sendable, Hashable {
        /// Every cycle stays.
        case keepAll
        /// Deletes all but the newest `keepingLast` cycles (the current one counts; at least 1).
        case delete(keepingLast: Int)
        /// Moves all but the newest `keepingLast` cycles into `directory` (which must exist, on
        /// the same file system: a rename).
        case archive(keepingLast: Int, to: FilePath)

        /// How many cycles stay; nil keeps all.
        var kept: Int? {
            switch self {
            case .keepAll: nil
            case .delete(let count), .archive(let count, _): count
            }
        }
    }

    /// Throws `invalidArgument`, naming the field and its range, for a value out of range.
    func validate(operation: String, name: String) throws(InterprocessError) {
        func fail(_ reason: String) -> InterprocessError {
            InterprocessError(.invalidArgument, operation: operation, name: name, reason: reason)
        }
        guard JournalConfiguration.cycleSizeRange.contains(cycleSize) else {
            throw fail("cycleSize \(cycleSize) is outside \(JournalConfiguration.cycleSizeRange)")
        }
        guard JournalConfiguration.indexSpacingRange.contains(indexSpacing), indexSpacing & (indexSpacing - 1) == 0 else {
            throw fail("indexSpacing \(indexSpacing) is not a power of two in \(JournalConfiguration.indexSpacingRange)")
        }
        if case .every(let period) = rolling, period < .milliseconds(1) {
            throw fail("the rolling period \(period) is shorter than 1 ms")
        }
        if let kept = retention.kept, kept < 1 {
            throw fail("retention keepingLast \(kept) is below 1")
        }
        if case .archive(_, let directory) = retention, directory.string.utf8.count >= JournalLayout.archivePathCapacity {
            throw fail("the archive path is longer than \(JournalLayout.archivePathCapacity - 1) bytes")
        }
        switch durability {
        case .flushed(let interval) where interval <= .zero:
            throw fail("the flush interval \(interval) is not positive")
        case .flushedEvery(let records) where records < 1:
            throw fail("the flush record count \(records) is below 1")
        default: break
        }
    }
}

/// What a journal append survives once it returns.
///
/// | Level | kill -9 of the writer | OS crash / power loss |
/// |-------|-----------------------|------------------------|
/// | ``memory`` | yes (the page cache holds it) | no: what the kernel had not written back is lost |
/// | ``flushed(every:)``, ``flushedEvery(records:)`` | yes | all but the last batch (up to the interval) |
/// | ``synchronous`` | yes | yes, once the storage honours flushes |
///
/// Whatever is lost, it is lost from the end: a reader accepts no torn record, and the next
/// writer cuts the journal at the first record that is missing or fails its checksum.
public enum JournalDurability: Sendable, Hashable {
    /// Appends go to the page cache only. The fastest: no system call per record.
    case memory
    /// The writer writes back (`msync(MS_SYNC)`) what it appended whenever this much time has
    /// passed since the last write-back, checked at each append.
    case flushed(every: Duration)
    /// The writer writes back what it appended every `records` appends.
    case flushedEvery(records: Int)
    /// Each append is written back (`msync(MS_SYNC)` of its pages) before it returns.
    case synchronous

    /// The stored kind and value.
    var encoded: (kind: UInt32, value: UInt64) {
        switch self {
        case .memory: (0, 0)
        case .flushed(let interval): (1, JournalConfiguration.Rolling.every(interval).nanoseconds)
        case .flushedEvery(let records): (2, UInt64(records))
        case .synchronous: (3, 0)
        }
    }

    /// The level a stored kind and value stand for; nil for a kind no writer stores.
    init?(kind: UInt32, value: UInt64) {
        switch kind {
        case 0: self = .memory
        case 1: self = .flushed(every: .nanoseconds(Int64(clamping: value)))
        case 2: self = .flushedEvery(records: Int(clamping: value))
        case 3: self = .synchronous
        default: return nil
        }
    }
}
#endif
