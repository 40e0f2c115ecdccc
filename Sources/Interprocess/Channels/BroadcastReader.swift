#if os(Linux)
public import Synchronization

/// A reading end of a ``BroadcastStream``: any number per stream, in any processes, each at its
/// own pace. Made by ``BroadcastStream/makeReader(startingAt:)``.
///
/// Receives come in the forms every queue consumer shares (see ``QueueConsumer``): values,
/// bytes, strings, copies into a buffer, and the record lent as a `RawSpan` for the length of a
/// closure, each as `tryReceive…`, `receive…`, `receive…(until:)`, `receive…(timeout:)`, and
/// `async` (see the async extension); ``records()`` is an `AsyncSequence` of them.
///
/// ```swift
/// var reader = try stream.makeReader(startingAt: .oldest)
/// while true {
///     let length = try reader.receive { record in record.byteCount }   // zero-copy, validated
///     print(length, "missed so far:", reader.missedCount)
/// }
/// ```
///
/// **Never torn.** The reader copies records from the ring into a buffer of its own, then checks
/// that the writer has not started to overwrite them (its `tailIntent` is still within a ring of
/// them). Records are handed out only from a copy that passed the check; a copy that fails it is
/// thrown away and the reader is *lapped*.
///
/// **Lapped.** A lapped reader jumps ahead to a record start the writer published about half a
/// ring behind its tail (or to the latest record when there is none). Every record header carries its
/// sequence number, so the gap is exact: ``missedCount`` counts every record published since the
/// reader started that it did not receive (``receivedCount`` + ``missedCount`` = records
/// published from its start up to the last one received).
///
/// **Nothing shared is written.** A reader only reads the stream, except for the parked
/// readers' count it adds itself to when it goes to sleep, so readers never slow the writer or
/// each other.
@frozen
public struct BroadcastReader: ~Copyable {
    @usableFromInline let mapping: BroadcastMapping
    @usableFromInline let ring: UnsafeMutableRawPointer
    @usableFromInline let mask: Int
    @usableFromInline let capacity: Int
    /// The largest payload this stream accepts.
    public let maximumRecordSize: Int
    @usableFromInline let tail: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let intent: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let latest: UnsafeMutablePointer<Atomic<UInt64>>
    /// This reader's copy of a stretch of the ring, checked against the tail intent.
    @usableFromInline let buffer: UnsafeMutableRawPointer
    @usableFromInline let bufferSize: Int
    /// The ring position of `buffer[0]`.
    @usableFromInline var chunkStart: UInt64
    /// How many bytes of `buffer` hold checked records (a multiple of 8).
    @usableFromInline var chunkFill: Int
    /// Where the next record starts in `buffer`.
    @usableFromInline var readOffset: Int
    /// Whether the chunk ends at the tail the reader saw (records cut there are corrupt), not at
    /// the buffer's end (records cut there are copied again).
    @usableFromInline var chunkReachesTail: Bool
    /// The least the next copy takes (the footprint of a record the last copy cut), or 0.
    @usableFromInline var minimumCopy: Int
    /// Where the record returned by the last peek ends in `buffer`.
    @usableFromInline var pendingEnd: Int
    /// The sequence number the next record must have.
    @usableFromInline var expected: UInt64
    /// How the next record's sequence number is judged (see ``Synchronization``).
    @usableFromInline var synchronization: Synchronization
    /// The tail seen when the last peek found nothing: waits wait for it to change.
    @usableFromInline var awaitedTail: UInt64
    @usableFromInline var missed: UInt64
    @usableFromInline var received: UInt64
    @usableFromInline var laps: UInt64
    /// The last jump went to a checkpoint and no record has been received since: if the reader
    /// is lapped again before one, the next jump goes to the latest record (progress for a
    /// reader slower than the writer, which half a ring back would be lapped on every copy).
    @usableFromInline var jumpedBehind: Bool

    /// How the next data record's sequence number is judged.
    @usableFromInline
    enum Synchronization: UInt8 {
        /// It must be `expected`: anything else is corruption.
        case inStep
        /// The reader jumped after a lap: anything from `expected` up counts the gap as missed.
        case afterJump
        /// The start is not known (a start that kept being lapped): the first record sets it.
        case unknown
    }

    /// Makes a reader at `start` (see ``BroadcastStream/makeReader(startingAt:)``).
    init(_ mapping: BroadcastMapping, startingAt start: BroadcastStream.StartPosition) throws(InterprocessError) {
        ring = mapping.ring
        capacity = mapping.capacity
        mask = mapping.capacity - 1
        maximumRecordSize = mapping.maximumRecordSize
        tail = mapping.word64(BroadcastLayout.tailOffset)
        intent = mapping.word64(BroadcastLayout.intentOffset)
        latest = mapping.word64(BroadcastLayout.latestOffset)
        bufferSize = Swift.min(mapping.capacity, Swift.max(BroadcastLayout.footprint(mapping.maximumRecordSize), 4096))
        let located = try BroadcastStart.locate(mapping, start)
        buffer = .allocate(byteCount: bufferSize, alignment: 64)
        chunkStart = located.position
        chunkFill = 0
        readOffset = 0
        chunkReachesTail = true
        pendingEnd = 0
        minimumCopy = 0
        expected = located.sequence
        synchronization = located.known ? .inStep : .unknown
        awaitedTail = located.position
        missed = 0
        received = 0
        laps = 0
        jumpedBehind = false
        self.mapping = mapping
    }

    deinit {
        buffer.deallocate()
    }

    /// Records published since this reader started that it did not receive: it was lapped.
    /// Exact: ``receivedCount`` + `missedCount` = the records published from the reader's
    /// start up to the last one it received.
    public var missedCount: UInt64 { missed }

    /// Records this reader received.
    public var receivedCount: UInt64 { received }

    /// How many times this reader was lapped (and jumped to the latest record).
    public var lapCount: UInt64 { laps }

    /// The sequence number the next record received will have if the reader is not lapped.
    public var nextSequence: UInt64 { expected }

    // MARK: Receiving

    /// Finds the next record in this reader's checked copy (copying more of the ring when the
    /// copy is used up), or returns nil when nothing new is published. Does not consume it.
    @inlinable @inline(__always)
    mutating func peek() throws(InterprocessError) -> UnsafeRawBufferPointer? {
        if let record = recordInStep() { return record }
        return try peekSlowly()
    }

    /// The next record of the checked copy if it is a whole data record with the expected
    /// sequence number (the common case); nil for anything else, which the slow path judges.
    @inlinable @inline(__always)
    mutating func recordInStep() -> UnsafeRawBufferPointer? {
        guard readOffset &+ BroadcastLayout.headerSize <= chunkFill else { return nil }
        let header = buffer + readOffset
        let word = UInt64(littleEndian: header.loadUnaligned(as: UInt64.self))
        let sequence = UInt64(littleEndian: header.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let payload = Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: word)) &- BroadcastLayout.headerSize
        let end = readOffset &+ BroadcastLayout.footprint(payload)
        guard word >> 32 == UInt64(BroadcastLayout.dataType), payload >= 0, payload <= maximumRecordSize,
              end <= chunkFill, sequence == expected else { return nil }
        pendingEnd = end
        return UnsafeRawBufferPointer(start: header + BroadcastLayout.headerSize, count: payload)
    }

    /// Consumes the record the last ``peek()`` returned.
    @inlinable @inline(__always)
    mutating func consume() {
        readOffset = pendingEnd
        expected &+= 1
        received &+= 1
    }

    /// Whether the checked copy still holds bytes not yet looked at.
    @inlinable
    var hasCopiedBytes: Bool { readOffset < chunkFill }

    /// The one operation every ``QueueConsumer`` form goes through (see there). A record of a
    /// length the form does not accept stays next (in this reader's copy, so it stays whole).
    @inlinable @inline(__always)
    public mutating func _receiveRecord<Result>(
        accepting accepted: ClosedRange<Int>, until deadline: Deadline?,
        _ read: (UnsafeRawBufferPointer) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result? {
        while true {
            if let record = try peek() {
                guard accepted.contains(record.count) else { try QueueFailure.raise(lengthError(record.count, accepted)) }
                defer { consume() }
                return try read(record)
            }
            guard let deadline else { return nil }
            if !recordArrives(until: deadline) { try QueueFailure.raise(timedOutError()) }
        }
    }

    @usableFromInline
    func timedOutError() -> InterprocessError {
        mapping.storage.judged(InterprocessError(.timedOut, operation: "receive from broadcast stream", name: mapping.storage.name,
                                                 reason: "no record arrived before the deadline"))
    }

    @usableFromInline
    func lengthError(_ length: Int, _ accepted: ClosedRange<Int>) -> InterprocessError {
        InterprocessError(.invalidArgument, operation: "receive from broadcast stream", name: mapping.storage.name,
                          reason: QueueBytes.lengthMismatch(length, accepted, stayingIn: "this reader's copy"))
    }
}

extension BroadcastReader: QueueConsumer {}
#endif
