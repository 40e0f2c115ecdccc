#if os(Linux)
public import Synchronization

/// A reader of a ``Journal``, in this or any other process: reads the records in sequence order,
/// from where it started (``JournalStart``), following the writer live and across cycle files.
///
/// ```swift
/// let journal = try Journal(open: "/var/tmp/orders")
/// var tailer = try journal.makeTailer(from: .beginning, named: "billing")
/// while true {
///     let entry = try tailer.next(timeout: .seconds(5))   // blocks while there is nothing new
///     print(entry.sequence, entry.string)
/// }
/// ```
///
/// ## Named tailers resume
///
/// A tailer made with a name records its position in the journal's control file, so a tailer
/// of that name made later (after a crash or restart) resumes there; one process at a time may
/// use a name. The position moves past a record when the tailer asks for the next one (or
/// ``acknowledge()`` is called, or the tailer is dropped): a crash while a record is being
/// processed replays exactly that record — at-least-once delivery, and never a loss.
@frozen
public struct JournalTailer: ~Copyable {
    @usableFromInline let control: JournalControl
    @usableFromInline var cycle: JournalCycle
    /// The current cycle's mapping and end (copies of `cycle`'s validated fields).
    @usableFromInline var base: UnsafeMutableRawPointer
    @usableFromInline var dataEnd: Int
    /// Where the next record is expected, and its sequence number.
    @usableFromInline var position: Int
    @usableFromInline var nextSequence: UInt64
    /// The named tailer's position word, nil for an unnamed tailer, and the value last stored.
    @usableFromInline let stored: UnsafeMutablePointer<Atomic<UInt64>>?
    @usableFromInline var storedSequence: UInt64

    deinit {
        stored?.pointee.store(nextSequence, ordering: .releasing)
    }

    /// Records, for a named tailer, that every record handed out so far is processed. Each read
    /// does it for the records before it.
    @inlinable
    public mutating func acknowledge() {
        if let stored, storedSequence != nextSequence {
            stored.pointee.store(nextSequence, ordering: .releasing)
            storedSequence = nextSequence
        }
    }

    /// The sequence number of the next record this tailer will read.
    public var nextSequenceNumber: UInt64 { nextSequence }

    /// Calls `body` with the next record, in place, if one is there; nil at once otherwise. If
    /// `body` throws, the record is not consumed.
    @inlinable
    public mutating func tryNext<Result>(
        _ body: (JournalRecord) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result? {
        acknowledge()
        while true {
            let length = JournalCycle.look(base: base, dataEnd: dataEnd, at: position, expecting: nextSequence)
            if length >= 0 {
                let timestamp = UInt64(littleEndian: base.load(fromByteOffset: position &+ JournalLayout.timestampFieldOffset, as: UInt64.self))
                let record = JournalRecord(
                    sequence: nextSequence, timestamp: timestamp,
                    bytes: UnsafeRawBufferPointer(start: base + (position &+ JournalLayout.recordHeaderSize), count: length))
                let result = try body(record)
                position = JournalCycle.end(of: position, length: length)
                nextSequence &+= 1
                return result
            }
            guard try moveToNextCycle() else { return nil }
        }
    }

    /// The next record, copied, if one is there; nil at once otherwise.
    public mutating func tryNext() throws(InterprocessError) -> JournalEntry? {
        try tryNext { record throws(InterprocessError) in record.entry }
    }

    /// When the current cycle is sealed and holds nothing more at the tailer's position, moves
    /// to the next cycle file and returns true; false while the writer may still append here.
    @usableFromInline
    mutating func moveToNextCycle() throws(InterprocessError) -> Bool {
        guard cycle.sealed.pointee.load(ordering: .acquiring) != 0 else { return false }
        // Sealed after its last commit: look once more before leaving.
        if cycle.look(at: position, expecting: nextSequence) >= 0 { return true }
        let operation = "read from journal"
        let numbers = try JournalFiles.cycleNumbers(control.directory, operation: operation)
        guard let number = numbers.first(where: { $0 > cycle.number }) else { return false }
        let next = try JournalCycle.open(directory: control.directory, number: number, writable: false, operation: operation)
        guard next.firstSequence >= nextSequence else {
            throw InterprocessError(.corrupt, operation: operation, name: next.path,
                                    reason: "cycle \(number) starts at sequence \(next.firstSequence), before \(nextSequence)")
        }
        // Later than expected: retention removed cycles this tailer had not read.
        nextSequence = next.firstSequence
        position = next.dataStart
        base = next.base
        dataEnd = next.dataEnd
        cycle = next
        return true
    }
}
#endif
