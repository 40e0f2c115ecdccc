#if os(Linux)
public import Synchronization

/// A producing end of an ``MPMCQueue``, made by ``MPMCQueue/makeProducer()``. Any number of
/// producers may exist at once, in any number of processes; each process (or thread) uses its own.
///
/// Sends come in the forms every queue producer shares (see ``QueueProducer``): values, bytes,
/// strings, buffers, and records written in place through an `OutputRawSpan`, each as
/// `trySend…`, `send…`, `send…(until:)` and `send…(timeout:)`. Blocking spins briefly, then
/// parks on a futex; consumers only make a system call to wake it when it is parked.
///
/// A producer identifies itself in the slots it claims by its process identity, read when it
/// is made: don't use it in a child forked after that.
@frozen
public struct MPMCProducer: ~Copyable, QueueProducer {
    @usableFromInline let mapping: MPMCMapping
    @usableFromInline let tail: UnsafeMutablePointer<Atomic<UInt64>>
    /// The largest record this queue accepts, in bytes.
    public let slotSize: Int
    /// How many records the queue holds.
    public let slotCount: Int
    /// This process's packed identity, recorded in the slots it claims.
    @usableFromInline let identity: UInt64
    /// Failed non-blocking sends (the clock is read on every 8th).
    @usableFromInline var idlePolls: Int
    /// When a failed non-blocking send may next look for slots held by dead processes.
    @usableFromInline var nextRecovery: Deadline

    /// A producer of `mapping`'s queue (see ``MPMCQueue/makeProducer()``).
    init(_ mapping: MPMCMapping) {
        tail = mapping.word64(MPMCLayout.tailOffset)
        slotSize = mapping.slotSize
        slotCount = mapping.slotCount
        identity = EndpointClaim.word(for: .current)
        idlePolls = 0
        nextRecovery = .after(MPMCMapping.recoveryInterval)
        self.mapping = mapping
    }

    /// Slots whose producer died before publishing them, skipped by consumers so far.
    public var skippedRecords: UInt64 { mapping.skippedRecords }

    // MARK: Claim and publish

    /// Claims the slot at the tail for this producer, or returns nil when the queue is full (or
    /// after `limit` lost races in a row: waiting loops pass a few, to check their deadline often).
    ///
    /// The slot for position `p` is free when its sequence is `p`; a CAS of the pair `(p, 0)` to
    /// `(p | writing, me)` claims it, and a CAS of `tail` from `p` to `p + 1` moves the tail on.
    /// Any producer that finds the tail's slot already claimed moves the tail on for it, so a
    /// producer that dies between the two steps delays nobody.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` if the tail's slot is in a state no queue
    ///   can be in: free with a claimant, or a sequence more than ``reach`` positions away.
    @inlinable @inline(__always)
    mutating func claimSlot(attempts limit: Int = ChannelWaiting.claimAttempts) throws(InterprocessError) -> (slot: UnsafeMutableRawPointer, position: UInt64)? {
        var position = tail.pointee.load(ordering: .relaxed)
        var attempts = 0
        while true {
            let slot = mapping.slot(position)
            let sequence = MPMCSlot.sequence(slot).pointee.load(ordering: .acquiring)
            if sequence == position {
                let (claimed, found) = MPMCSlot.exchange(slot, from: position, 0, to: position | MPMCLayout.writingFlag, identity)
                if claimed {
                    _ = tail.pointee.compareExchange(expected: position, desired: position &+ 1, ordering: .relaxed)
                    return (slot, position)
                }
                // Same sequence, so the claimant was not 0: no queue frees a slot so.
                if found == position { try QueueFailure.raise(claimantError(at: position)) }
            } else {
                let distance = (sequence & MPMCLayout.positionMask) &- position
                if distance <= reach {
                    // Position taken (or done) already: the tail lags behind; move it on.
                    let (moved, current) = tail.pointee.compareExchange(expected: position, desired: position &+ 1, ordering: .relaxed)
                    position = moved ? position &+ 1 : current
                } else if distance >= 0 &- reach {
                    // The slot still holds the record from one lap earlier (or its reader): full.
                    return nil
                } else {
                    position = try tailPastUnreachableSlot(position, sequence: sequence)
                }
            }
            attempts &+= 1
            if attempts >= limit { return nil }
        }
    }

    /// How far (in positions, either way) a slot's sequence may be from the tail: two laps.
    /// A healthy queue keeps it within one (see `docs/FORMAT.md`).
    @inlinable @inline(__always)
    var reach: UInt64 { UInt64(truncatingIfNeeded: slotCount) &<< 1 }

    /// Publishes the claimed slot's record of `count` bytes, and wakes parked consumers, if any.
    @inlinable @inline(__always)
    func publish(_ slot: UnsafeMutableRawPointer, position: UInt64, count: Int) {
        MPMCSlot.setLength(slot, count)
        // Fails only if another process judged this one dead and took the slot (it cannot tell
        // us apart from a dead process only across PID namespaces): the record is then lost.
        _ = MPMCSlot.transition(slot, from: position | MPMCLayout.writingFlag, identity, to: position &+ 1, 0)
        mapping.wakeConsumersIfWaiting()
    }

    /// Claims a slot without waiting; after many failed attempts in a row, first looks for a
    /// dead consumer's slot at the tail.
    @inlinable @inline(__always)
    mutating func claimSlotNow() throws(InterprocessError) -> (slot: UnsafeMutableRawPointer, position: UInt64)? {
        if let claim = try claimSlot() { return claim }
        return try claimAfterIdlePoll()
    }

    /// Claims a slot, waiting until `deadline` if there is no room yet.
    @inlinable @inline(__always)
    mutating func claimSlotBlocking(until deadline: Deadline) throws(InterprocessError) -> (slot: UnsafeMutableRawPointer, position: UInt64)? {
        if let claim = try claimSlot() { return claim }
        return try claimSlotWaiting(until: deadline)
    }

    // MARK: Sending

    /// The one operation every ``QueueProducer`` form goes through (see there). If `write`
    /// throws, the slot is published as skipped (consumers pass over it, and it counts in
    /// ``skippedRecords``); if the process dies inside `write`, consumers skip it the same way.
    @inlinable @inline(__always)
    public mutating func _sendRecord(
        byteCount: Int, until deadline: Deadline?,
        _ write: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int
    ) throws(InterprocessError) -> Bool {
        guard byteCount >= 0, byteCount <= slotSize else { try QueueFailure.raise(recordSizeError(byteCount)) }
        let claim = if let deadline { try claimSlotBlocking(until: deadline) } else { try claimSlotNow() }
        guard let (slot, position) = claim else {
            if deadline == nil { return false }
            try QueueFailure.raise(timedOutError())
        }
        let count: Int
        do {
            count = try write(UnsafeMutableRawBufferPointer(start: slot + MPMCLayout.slotPayloadOffset, count: byteCount))
        } catch {
            abandon(slot, position: position)
            try QueueFailure.raise(error)
        }
        // Public entry point: a count outside the claimed payload is clamped, never a bad length.
        publish(slot, position: position, count: Swift.min(Swift.max(0, count), byteCount))
        return true
    }

    /// The tail to go on from when the slot at `position` holds a sequence out of ``reach``: the
    /// tail as it is now if another producer moved it (this one's was stale), or `position`
    /// again if the slot, read again after the tail, is within reach after all.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` if neither moved.
    @usableFromInline
    func tailPastUnreachableSlot(_ position: UInt64, sequence: UInt64) throws(InterprocessError) -> UInt64 {
        let current = tail.pointee.load(ordering: .acquiring)
        if current != position { return current }
        let again = MPMCSlot.sequence(mapping.slot(position)).pointee.load(ordering: .acquiring)
        if MPMCSlot.isWithinReach(again, of: position, reach: reach) { return position }
        let reason = position > MPMCLayout.positionMask
            ? "its tail \(position) is past the largest position (2^62 - 1)"
            : "its tail is at position \(position), but the slot for it holds sequence 0x\(String(sequence, radix: 16)), more than \(reach) positions away"
        throw mapping.storage.judged(InterprocessError(.corrupt, operation: "send to queue", name: mapping.storage.name, reason: reason))
    }

    @usableFromInline
    func claimantError(at position: UInt64) -> InterprocessError {
        let reason = position > MPMCLayout.positionMask
            ? "its tail \(position) is past the largest position (2^62 - 1)"
            : "the slot for position \(position) is free (sequence \(position)) but names a claimant; a free slot's claimant is 0"
        return mapping.storage.judged(InterprocessError(.corrupt, operation: "send to queue", name: mapping.storage.name, reason: reason))
    }

    @usableFromInline
    func timedOutError() -> InterprocessError {
        mapping.storage.judged(InterprocessError(.timedOut, operation: "send to queue", name: mapping.storage.name,
                          reason: "the queue stayed full until the deadline"))
    }

    @usableFromInline
    func recordSizeError(_ count: Int) -> InterprocessError {
        InterprocessError(.invalidArgument, operation: "send to queue", name: mapping.storage.name,
                          reason: "a record of \(count) bytes is outside this queue's limit of 0...\(slotSize) bytes")
    }
}
#endif
