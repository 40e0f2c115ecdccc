#if os(Linux)

/// The producer's slow paths: waiting for room, giving a slot up, and recovering the slot of a
/// consumer that died while reading it. Never inlined into callers.
extension MPMCProducer {
    /// Claims a slot, spinning and then parking until there is room or `deadline` passes.
    @usableFromInline
    mutating func claimSlotWaiting(until deadline: Deadline) throws(InterprocessError) -> (slot: UnsafeMutableRawPointer, position: UInt64)? {
        var spins = 0
        while true {
            if let claim = try claimSlot(attempts: ChannelWaiting.waitingClaimAttempts) { return claim }
            if spins < ChannelWaiting.spinLimit {
                spins += 1
                CPU.relax()
                if spins & 255 == 0, deadline.hasPassed { return nil }
                continue
            }
            let (recovered, claimed) = recoverDeadReaderAtTail()
            if recovered { continue }
            if deadline.hasPassed || mapping.storage.wasTruncated { return nil }
            // While a slot in our way is held by a process, wake up now and then to see whether
            // it died (nobody else would wake us for that).
            let slice = claimed ? deadline.earlier(than: .after(MPMCMapping.recoveryInterval)) : deadline
            mapping.park(futex: MPMCLayout.notFullOffset, waiting: MPMCLayout.producersWaitingOffset, until: slice) {
                !spaceMayBeAvailable()
            }
        }
    }

    /// Counts a failed non-blocking claim; at most once per ``MPMCMapping/recoveryInterval``
    /// (the clock is read on every 8th failure only), looks for a dead consumer's slot at the
    /// tail, and claims again if one was recovered.
    @usableFromInline
    mutating func claimAfterIdlePoll() throws(InterprocessError) -> (slot: UnsafeMutableRawPointer, position: UInt64)? {
        idlePolls &+= 1
        guard idlePolls & 7 == 0, nextRecovery.hasPassed else { return nil }
        nextRecovery = .after(MPMCMapping.recoveryInterval)
        return recoverDeadReaderAtTail().recovered ? try claimSlot() : nil
    }

    /// Whether the slot at the tail is free, or the tail lags behind (so a claim may succeed).
    func spaceMayBeAvailable() -> Bool {
        let position = tail.pointee.load(ordering: .sequentiallyConsistent)
        let sequence = MPMCSlot.sequence(mapping.slot(position)).pointee.load(ordering: .sequentiallyConsistent)
        return sequence & MPMCLayout.positionMask >= position
    }

    /// If the slot at the tail is held by a consumer that died while reading its record, delivers
    /// that record again: claims the slot for the tail's position (its record untouched) and
    /// publishes it there, so consumers receive it again, after the records before it.
    ///
    /// - Returns: whether a record was recovered, and whether the slot at the tail is held by a
    ///   live process (a reader, or a writer of the previous lap that consumers will skip if it
    ///   dies), so that the caller should look again soon.
    func recoverDeadReaderAtTail() -> (recovered: Bool, claimed: Bool) {
        let position = tail.pointee.load(ordering: .acquiring)
        let slot = mapping.slot(position)
        let sequence = MPMCSlot.sequence(slot).pointee.load(ordering: .acquiring)
        let sequencePosition = sequence & MPMCLayout.positionMask
        if sequence & MPMCLayout.writingFlag != 0 { return (false, sequencePosition < position) }
        // A reader of the record one lap earlier holds it: its sequence is (p - N + 1) | reading.
        guard sequence & MPMCLayout.readingFlag != 0,
              sequencePosition &- 1 &+ UInt64(truncatingIfNeeded: slotCount) == position
        else { return (false, false) }
        let claimant = MPMCSlot.claimant(slot).pointee.load(ordering: .acquiring)
        guard claimant != identity, claimant != 0, EndpointClaim.isDead(claimant) else { return (false, true) }
        guard MPMCSlot.transition(slot, from: sequence, claimant, to: position | MPMCLayout.writingFlag, identity) else {
            return (false, true)
        }
        _ = tail.pointee.compareExchange(expected: position, desired: position &+ 1, ordering: .relaxed)
        _ = MPMCSlot.transition(slot, from: position | MPMCLayout.writingFlag, identity, to: position &+ 1, 0)
        mapping.countRedelivered()
        mapping.wakeConsumersIfWaiting()
        return (true, false)
    }

    /// Gives up a claimed slot without a record: marks it done for its position, so consumers
    /// pass over it and it is free for the next lap, and counts it as skipped.
    @usableFromInline
    func abandon(_ slot: UnsafeMutableRawPointer, position: UInt64) {
        let done = position &+ UInt64(truncatingIfNeeded: slotCount)
        if MPMCSlot.transition(slot, from: position | MPMCLayout.writingFlag, identity, to: done, 0) {
            mapping.countSkipped()
        }
        mapping.wakeProducersIfWaiting()
        mapping.wakeConsumersIfWaiting()
    }
}
#endif
