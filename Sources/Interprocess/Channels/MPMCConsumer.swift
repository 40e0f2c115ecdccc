#if os(Linux)
public import Synchronization

/// A record claimed by a consumer: its slot, its position, and its payload length.
@usableFromInline
typealias MPMCRecordClaim = (slot: UnsafeMutableRawPointer, position: UInt64, length: Int)

/// A consuming end of an ``MPMCQueue``, made by ``MPMCQueue/makeConsumer()``. Any number of
/// consumers may exist at once, in any number of processes; each record goes to exactly one.
///
/// Receives come in the forms every queue consumer shares (see ``QueueConsumer``): values,
/// bytes, strings, copies into a buffer, and the record lent in place as a `RawSpan`, each as
/// `tryReceive…`, `receive…`, `receive…(until:)` and `receive…(timeout:)`.
///
/// A consumer that dies while reading a record in place does not lose it: the record is
/// delivered again to another consumer (see ``MPMCQueue``). A consumer identifies itself in the
/// slots it claims by its process identity, read when it is made: don't use it in a child
/// forked after that.
@frozen
public struct MPMCConsumer: ~Copyable, QueueConsumer {
    @usableFromInline let mapping: MPMCMapping
    @usableFromInline let head: UnsafeMutablePointer<Atomic<UInt64>>
    /// The largest record this queue accepts, in bytes.
    public let slotSize: Int
    /// How many records the queue holds.
    public let slotCount: Int
    /// This process's packed identity, recorded in the slots it claims.
    @usableFromInline let identity: UInt64
    /// Failed non-blocking receives (the clock is read on every 8th).
    @usableFromInline var idlePolls: Int
    /// When a failed non-blocking receive may next look for slots held by dead processes.
    @usableFromInline var nextRecovery: Deadline
    /// Where the next look for dead readers resumes: each look scans a bounded stretch of slots.
    @usableFromInline var recoveryCursor: Int

    /// A consumer of `mapping`'s queue (see ``MPMCQueue/makeConsumer()``).
    init(_ mapping: MPMCMapping) {
        head = mapping.word64(MPMCLayout.headOffset)
        slotSize = mapping.slotSize
        slotCount = mapping.slotCount
        identity = EndpointClaim.word(for: .current)
        idlePolls = 0
        nextRecovery = .after(MPMCMapping.recoveryInterval)
        recoveryCursor = 0
        self.mapping = mapping
    }

    /// Slots whose producer died before publishing them, skipped by consumers so far (by any
    /// consumer of the queue, in any process).
    public var skippedRecords: UInt64 { mapping.skippedRecords }

    /// Records that a consumer was reading when it died, delivered again so far.
    public var redeliveredRecords: UInt64 { mapping.redeliveredRecords }

    // MARK: Claim and release

    /// Claims the record at the head for this consumer if its length is in `accepted`; returns
    /// nil when there is none (the queue is empty, or the record is still being written), or
    /// after `limit` lost races in a row (waiting loops pass a few, to check their deadline
    /// often).
    ///
    /// The record for position `p` is published when its slot's sequence is `p + 1`; a CAS of
    /// the pair `(p + 1, 0)` to `(p + 1 | reading, me)` claims it, and a CAS of `head` from `p`
    /// to `p + 1` moves the head on (any consumer that finds the head's record claimed helps).
    ///
    /// Every word read here is checked before it steers anything (see `docs/FORMAT.md`): the
    /// length against the slot size, the claimant of a published record against 0, and the
    /// slot's position against the head (within ``reach`` positions either way).
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` if the next record's length is not
    ///   in `accepted` (it stays in the queue), ``InterprocessError/Code/corrupt`` if it is
    ///   longer than a slot, or if the head's slot is in a state no queue can be in.
    @inlinable @inline(__always)
    mutating func claimRecord(
        accepting accepted: ClosedRange<Int>, attempts limit: Int = ChannelWaiting.claimAttempts
    ) throws(InterprocessError) -> MPMCRecordClaim? {
        var position = head.pointee.load(ordering: .relaxed)
        var attempts = 0
        while true {
            let slot = mapping.slot(position)
            let sequenceWord = MPMCSlot.sequence(slot)
            let sequence = sequenceWord.pointee.load(ordering: .acquiring)
            let published = position &+ 1
            if sequence == published {
                let length = MPMCSlot.length(slot)
                if length > slotSize || !accepted.contains(length) {
                    // Make sure the length was this record's, not a reused slot's, before refusing.
                    atomicMemoryFence(ordering: .acquiring)
                    if sequenceWord.pointee.load(ordering: .relaxed) == published { throw lengthError(length, accepted) }
                } else {
                    let (claimed, found) = MPMCSlot.exchange(slot, from: published, 0, to: published | MPMCLayout.readingFlag, identity)
                    if claimed {
                        _ = head.pointee.compareExchange(expected: position, desired: published, ordering: .relaxed)
                        return (slot, position, length)
                    }
                    // Same sequence, so the claimant was not 0: no queue publishes a record so.
                    if found == published { throw claimantError(at: position, sequence: sequence) }
                }
            } else {
                let distance = (sequence & MPMCLayout.positionMask) &- published
                if distance <= reach {
                    // Claimed (or done) already: the head lags behind; move it on.
                    let (moved, current) = head.pointee.compareExchange(expected: position, desired: published, ordering: .relaxed)
                    position = moved ? published : current
                } else if distance >= 0 &- reach {
                    return nil
                } else {
                    position = try headPastUnreachableSlot(position, sequence: sequence)
                }
            }
            attempts &+= 1
            if attempts >= limit { return nil }
        }
    }

    /// How far (in positions, either way) a slot's sequence may be from the head's: two laps.
    /// A healthy queue keeps it within one (see `docs/FORMAT.md`).
    @inlinable @inline(__always)
    var reach: UInt64 { UInt64(truncatingIfNeeded: slotCount) &<< 1 }

    /// Releases a claimed record's slot for the next lap, and wakes parked producers, if any.
    @inlinable @inline(__always)
    func release(_ claim: MPMCRecordClaim) {
        _ = MPMCSlot.transition(claim.slot, from: (claim.position &+ 1) | MPMCLayout.readingFlag, identity,
                                to: claim.position &+ UInt64(truncatingIfNeeded: slotCount), 0)
        mapping.wakeProducersIfWaiting()
    }

    /// Claims a record without waiting; after many failed attempts in a row, first looks for
    /// slots held by dead processes.
    @inlinable @inline(__always)
    mutating func claimRecordNow(accepting accepted: ClosedRange<Int>) throws(InterprocessError) -> MPMCRecordClaim? {
        if let claim = try claimRecord(accepting: accepted) { return claim }
        return try claimAfterIdlePoll(accepting: accepted)
    }

    /// Claims a record, waiting until `deadline` if there is none yet.
    @inlinable @inline(__always)
    mutating func claimRecordBlocking(accepting accepted: ClosedRange<Int>, until deadline: Deadline) throws(InterprocessError) -> MPMCRecordClaim? {
        if let claim = try claimRecord(accepting: accepted) { return claim }
        return try claimRecordWaiting(accepting: accepted, until: deadline)
    }

    // MARK: Receiving

    /// The one operation every ``QueueConsumer`` form goes through (see there). If the process
    /// dies inside `read`, the record is delivered again to another consumer.
    @inlinable @inline(__always)
    public mutating func _receiveRecord<Result>(
        accepting accepted: ClosedRange<Int>, until deadline: Deadline?,
        _ read: (UnsafeRawBufferPointer) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result? {
        let claimed = if let deadline {
            try claimRecordBlocking(accepting: accepted, until: deadline)
        } else {
            try claimRecordNow(accepting: accepted)
        }
        guard let claim = claimed else {
            if deadline == nil { return nil }
            try QueueFailure.raise(timedOutError())
        }
        defer { release(claim) }
        return try read(UnsafeRawBufferPointer(start: claim.slot + MPMCLayout.slotPayloadOffset, count: claim.length))
    }

    /// The head to go on from when the slot at `position` holds a sequence out of ``reach``: the
    /// head as it is now if another consumer moved it (this one's was stale), or `position`
    /// again if the slot, read again after the head, is within reach after all (the first read
    /// of the head may have been newer than that of the slot).
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` if neither moved.
    @usableFromInline
    func headPastUnreachableSlot(_ position: UInt64, sequence: UInt64) throws(InterprocessError) -> UInt64 {
        let current = head.pointee.load(ordering: .acquiring)
        if current != position { return current }
        let again = MPMCSlot.sequence(mapping.slot(position)).pointee.load(ordering: .acquiring)
        if MPMCSlot.isWithinReach(again, of: position &+ 1, reach: reach) { return position }
        let reason = position > MPMCLayout.positionMask
            ? "its head \(position) is past the largest position (2^62 - 1)"
            : "its head is at position \(position), but the slot for it holds sequence 0x\(String(sequence, radix: 16)), more than \(reach) positions away"
        throw mapping.storage.judged(InterprocessError(.corrupt, operation: "receive from queue", name: mapping.storage.name, reason: reason))
    }

    @usableFromInline
    func claimantError(at position: UInt64, sequence: UInt64) -> InterprocessError {
        let reason = position > MPMCLayout.positionMask
            ? "its head \(position) is past the largest position (2^62 - 1)"
            : "the record at position \(position) is published (sequence \(sequence)) but its slot names a claimant; a published slot's claimant is 0"
        return mapping.storage.judged(InterprocessError(.corrupt, operation: "receive from queue", name: mapping.storage.name, reason: reason))
    }

    @usableFromInline
    func lengthError(_ length: Int, _ accepted: ClosedRange<Int>) -> InterprocessError {
        if length > slotSize {
            return InterprocessError(.corrupt, operation: "receive from queue", name: mapping.storage.name,
                                     reason: "a record claims \(length) bytes, more than a slot's \(slotSize)")
        }
        return InterprocessError(.invalidArgument, operation: "receive from queue", name: mapping.storage.name,
                                 reason: QueueBytes.lengthMismatch(length, accepted))
    }

    @usableFromInline
    func timedOutError() -> InterprocessError {
        mapping.storage.judged(InterprocessError(.timedOut, operation: "receive from queue", name: mapping.storage.name,
                          reason: "no record arrived before the deadline"))
    }
}
#endif
