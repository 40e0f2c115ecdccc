#if os(Linux)
public import Synchronization

/// The one writer of a ``Journal``: appends records, each with the next sequence number and the
/// time. Made by ``Journal/makeWriter()``; a second writer is refused while this one's process
/// lives, and a dead writer's seat is taken over (the journal is cut at its last whole record).
///
/// ```swift
/// let journal = try Journal(openOrCreate: "/var/tmp/orders")
/// var writer = try journal.makeWriter()
/// let sequence = try writer.append(count: 64) { bytes in
///     bytes.storeBytes(of: 42, as: UInt64.self)   // write the payload in place
/// }
/// try writer.append("shipped")
/// ```
///
/// An append claims space in the current cycle, writes the sequence, time and payload, and
/// publishes the record with one store of its commit word (checksum and length) — so a reader
/// never accepts a record a killed writer left half-written. With ``JournalDurability/memory``
/// it makes no allocation, and no system call unless a tailer sleeps, the cycle is full, or
/// the writer crosses into the next 256 KiB, whose pages it then faults in with one call.
///
/// Timestamps come from the kernel's coarse wall clock (``Journal/timestampResolution``, one
/// scheduler tick): reading the precise clock would cost a quarter of an append. They never
/// decrease within one writer, even when the wall clock is set back.
@frozen
public struct JournalWriter: ~Copyable {
    @usableFromInline let control: JournalControl
    @usableFromInline var cycle: JournalCycle
    /// The current cycle's mapping and bounds (copies of `cycle`'s validated fields).
    @usableFromInline var base: UnsafeMutableRawPointer
    @usableFromInline var dataEnd: Int
    /// Where the pages this writer has faulted in ahead of itself end (at most `dataEnd`): an
    /// append past it takes the slow path, which faults in the next window in one call.
    @usableFromInline var writableEnd: Int
    /// Where the next record goes.
    @usableFromInline var position: Int
    /// The sequence number of the next record.
    @usableFromInline var nextSequence: UInt64
    /// The current cycle's first sequence, index spacing − 1, log2 of it, and entry count.
    @usableFromInline var indexBase: UInt64
    @usableFromInline var indexMask: UInt64
    @usableFromInline var indexShift: UInt64
    @usableFromInline var indexCapacity: Int
    /// When (nanoseconds since the epoch) the current cycle's period ends; `.max`: never.
    @usableFromInline var rollAt: UInt64
    /// The last record's timestamp: the next is never earlier, even if the clock steps back.
    @usableFromInline var lastTimestamp: UInt64
    /// Whether appends must write back (any durability but ``JournalDurability/memory``).
    @usableFromInline let writesBack: Bool
    /// Whether this process is registered for the asymmetric fence (``AsymmetricFence``): then a
    /// commit is a release store, and a tailer going to sleep supplies the full barrier.
    @usableFromInline let fenceIsAsymmetric: Bool
    /// The tailers' waiter count, read after each commit.
    @usableFromInline let waiters: UnsafeMutablePointer<Atomic<UInt32>>
    /// Write-back bookkeeping: the first byte of the cycle not yet written back, appends and
    /// time since the last write-back, and how many write-backs were made.
    @usableFromInline var flushedUpTo: Int
    @usableFromInline var flushedSequence: UInt64
    @usableFromInline var appendsSinceFlush: Int
    @usableFromInline var lastFlush: UInt64
    @usableFromInline var flushCount: Int
    /// How many times the journal's directory was written back (durabilities other than
    /// ``JournalDurability/memory``), and why retention last failed.
    var directorySyncs: Int
    var lastRetentionError: InterprocessError?

    /// The longest payload one record may carry (2 GiB − 1), and it must also fit in a cycle.
    public static let maximumPayload = JournalLayout.maximumPayload

    /// Appends a record of `count` bytes that `body` writes in place, and returns its sequence
    /// number. The buffer is the record's payload in the mapping, valid only during `body`; if
    /// `body` throws, nothing is appended.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a count below 0 or one that
    ///   does not fit in a cycle; errors creating the next cycle or writing back.
    @inlinable @inline(__always) @discardableResult
    public mutating func append(
        count: Int, _ body: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Void
    ) throws(InterprocessError) -> UInt64 {
        let padded = JournalLayout.padded(count)
        var timestamp = JournalFiles.now()
        if timestamp < lastTimestamp { timestamp = lastTimestamp }  // the wall clock stepped back
        if count < 0 || count > JournalLayout.maximumPayload
            || writableEnd &- position &- JournalLayout.recordHeaderSize < padded || timestamp >= rollAt {
            try makeRoom(count: count, timestamp: timestamp)
        }
        lastTimestamp = timestamp
        let start = position
        let record = base + start
        let sequence = nextSequence
        record.storeBytes(of: sequence.littleEndian, toByteOffset: JournalLayout.sequenceFieldOffset, as: UInt64.self)
        record.storeBytes(of: timestamp.littleEndian, toByteOffset: JournalLayout.timestampFieldOffset, as: UInt64.self)
        let payload = record + JournalLayout.recordHeaderSize
        // The last word's padding is part of the checksum: clear it before the caller writes.
        if padded != 0 { (payload + (padded &- 8)).storeBytes(of: 0, as: UInt64.self) }
        try body(UnsafeMutableRawBufferPointer(start: payload, count: count))
        let end = start &+ JournalLayout.recordHeaderSize &+ padded
        // Whatever lies after this record (junk a killed writer left) must read as "nothing
        // yet" before this record is visible: clear the next commit word first.
        if end &+ 8 <= dataEnd { JournalLayout.word(base, end).pointee.store(0, ordering: .relaxed) }
        let check = JournalLayout.checksum(payload: payload, paddedLength: padded, length: count,
                                           sequence: sequence, timestamp: timestamp)
        // Step (1') of the wake-up handshake (docs/FORMAT.md): a release store and a compiler
        // barrier when a tailer's membarrier supplies the full barrier before it sleeps (a
        // sequentially consistent store waits for the record's stores to drain: ~40% of an
        // append), else sequentially consistent.
        let commit = JournalLayout.commitWord(length: count, check: check)
        if fenceIsAsymmetric {
            JournalLayout.word(base, start).pointee.store(commit, ordering: .releasing)
            AsymmetricFence.frequentSide()
        } else {
            JournalLayout.word(base, start).pointee.store(commit, ordering: .sequentiallyConsistent)
        }
        let offsetInCycle = sequence &- indexBase
        if offsetInCycle & indexMask == 0 {
            let slot = Int(truncatingIfNeeded: offsetInCycle >> indexShift)
            if slot < indexCapacity {
                JournalLayout.word(base, JournalLayout.indexOffset &+ slot &* 8).pointee.store(UInt64(start), ordering: .releasing)
            }
        }
        position = end
        nextSequence = sequence &+ 1
        if FutexParking.mayHaveSleepers(waiters) { wakeTailers() }
        if writesBack { try writeBack(recordStart: start, end: end, timestamp: timestamp) }
        return sequence
    }

    /// Wakes the tailers asleep on the journal (step (2') found some).
    @usableFromInline
    func wakeTailers() {
        control.parking.advanceAndWakeIfWaiting()
    }

    /// The sequence number the next record will carry.
    public var nextSequenceNumber: UInt64 { nextSequence }

    /// How many write-backs (`msync`) this writer has made: one per append under
    /// ``JournalDurability/synchronous``, each counted only once the system call returned.
    public var writeBackCount: Int { flushCount }

    /// How many times this writer wrote the journal's directory back (`fsync`) after it added
    /// a cycle file or retention removed or archived some: under every durability but
    /// ``JournalDurability/memory``, so that after a power loss no file is missing.
    public var directoryWriteBackCount: Int { directorySyncs }

    /// Why retention last failed to delete or archive an old cycle (nil when the last
    /// retention removed every cycle the policy asked for). Retention is housekeeping: a
    /// failure never fails an append, the cycle stays (``JournalState/cyclesOverRetention``
    /// counts it) and the next roll tries again.
    public var retentionError: InterprocessError? { lastRetentionError }
}
#endif
