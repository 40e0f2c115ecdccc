#if os(Linux)

/// The consumer's slow paths: waiting for a record, and recovering slots held by dead
/// processes. Never inlined into callers; nothing here runs while records flow.
extension MPMCConsumer {
    /// What a look for dead claimants found.
    @usableFromInline
    struct RecoveryOutcome {
        /// A dead consumer's record, now claimed by this one.
        var claim: MPMCRecordClaim?
        /// Whether a dead producer's slot was skipped (so the head moved on).
        var skipped = false
        /// Whether a live process holds a slot this consumer may be waiting for.
        var claimed = false
    }

    /// Claims a record, spinning and then parking until one arrives or `deadline` passes.
    @usableFromInline
    mutating func claimRecordWaiting(accepting accepted: ClosedRange<Int>, until deadline: Deadline) throws(InterprocessError) -> MPMCRecordClaim? {
        var spins = 0
        var holdersSeen = false
        while true {
            if let claim = try claimRecord(accepting: accepted, attempts: ChannelWaiting.waitingClaimAttempts) { return claim }
            if spins < ChannelWaiting.spinLimit {
                spins += 1
                CPU.relax()
                if spins & 255 == 0, deadline.hasPassed { return nil }
                continue
            }
            // At most once per recovery interval, however often this consumer is woken (every
            // publish wakes all parked consumers).
            let recoveryDue = nextRecovery.hasPassed
            if recoveryDue {
                nextRecovery = .after(MPMCMapping.recoveryInterval)
                let outcome = try recoverDeadClaims(accepting: accepted)
                if let claim = outcome.claim { return claim }
                if outcome.skipped { continue }
                holdersSeen = outcome.claimed
            }
            if deadline.hasPassed || mapping.storage.wasTruncated { return nil }
            // While a process holds a slot, wake up now and then to see whether it died (nobody
            // else would wake us for that).
            // A look not yet taken (too soon after the last one) is taken when it is due.
            let slice = holdersSeen ? deadline.earlier(than: .after(MPMCMapping.recoveryInterval))
                : recoveryDue ? deadline : deadline.earlier(than: nextRecovery)
            mapping.park(futex: MPMCLayout.notEmptyOffset, waiting: MPMCLayout.consumersWaitingOffset, until: slice) {
                !recordMayBeReady()
            }
        }
    }

    /// Counts a failed non-blocking claim; at most once per ``MPMCMapping/recoveryInterval``
    /// (the clock is read on every 8th failure only), looks for slots held by dead processes,
    /// then claims again.
    @usableFromInline
    mutating func claimAfterIdlePoll(accepting accepted: ClosedRange<Int>) throws(InterprocessError) -> MPMCRecordClaim? {
        idlePolls &+= 1
        guard idlePolls & 7 == 0, nextRecovery.hasPassed else { return nil }
        nextRecovery = .after(MPMCMapping.recoveryInterval)
        let outcome = try recoverDeadClaims(accepting: accepted)
        if let claim = outcome.claim { return claim }
        return outcome.skipped ? try claimRecord(accepting: accepted) : nil
    }

    /// Whether the head's record is published, or the head lags behind (so a claim may succeed).
    func recordMayBeReady() -> Bool {
        let position = head.pointee.load(ordering: .sequentiallyConsistent)
        let sequence = MPMCSlot.sequence(mapping.slot(position)).pointee.load(ordering: .sequentiallyConsistent)
        return sequence & MPMCLayout.positionMask >= position &+ 1
    }

    /// Looks for slots held by dead processes (checking liveness only of slots held by other
    /// processes, and only here, after waiting a while):
    /// - a dead producer's slot at the head (it claimed the slot but never published it): marks
    ///   it done for its position, counts it skipped, and moves the head on, so consumers go on
    ///   with the records after it; the partial record is never delivered;
    /// - a dead consumer's slot anywhere in the ring (it was reading the record): takes its
    ///   claim over, so this consumer delivers the record again.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` if a dead reader's record is longer than a
    ///   slot (it was rewritten: nobody can deliver it).
    ///
    /// Bounded, whatever peers wrote: one look reads at most ``MPMCMapping/recoveryScanLength``
    /// slots (resuming where the last look stopped) and judges at most
    /// ``MPMCMapping/recoveryJudgements`` distinct claimants (each judgement reads `/proc`).
    mutating func recoverDeadClaims(accepting accepted: ClosedRange<Int>) throws(InterprocessError) -> RecoveryOutcome {
        var outcome = RecoveryOutcome()
        let count = UInt64(truncatingIfNeeded: slotCount)
        let position = head.pointee.load(ordering: .acquiring)
        let headSlot = mapping.slot(position)
        let headSequence = MPMCSlot.sequence(headSlot).pointee.load(ordering: .acquiring)
        if headSequence == position | MPMCLayout.writingFlag {
            let writer = MPMCSlot.claimant(headSlot).pointee.load(ordering: .acquiring)
            if writer != identity, writer != 0, EndpointClaim.isDead(writer) {
                if MPMCSlot.transition(headSlot, from: headSequence, writer, to: position &+ count, 0) {
                    mapping.countSkipped()
                    _ = head.pointee.compareExchange(expected: position, desired: position &+ 1, ordering: .relaxed)
                    mapping.wakeProducersIfWaiting()
                    mapping.wakeConsumersIfWaiting()
                }
                outcome.skipped = true
                return outcome
            }
            outcome.claimed = true
        }
        // Dead readers: a reader's slot lies behind the head, anywhere in the ring. Only the
        // sequence words are read, so a scan costs about one cache miss per slot.
        var index = recoveryCursor < slotCount && recoveryCursor >= 0 ? recoveryCursor : 0
        var judgements = 0
        var lastLive: UInt64 = 0
        for _ in 0..<min(slotCount, MPMCMapping.recoveryScanLength) {
            let slot = mapping.ring + index &* mapping.stride
            index = index &+ 1 == slotCount ? 0 : index &+ 1
            recoveryCursor = index
            let sequence = MPMCSlot.sequence(slot).pointee.load(ordering: .acquiring)
            guard sequence & (MPMCLayout.readingFlag | MPMCLayout.writingFlag) == MPMCLayout.readingFlag else { continue }
            let reader = MPMCSlot.claimant(slot).pointee.load(ordering: .acquiring)
            guard reader != identity, reader != 0 else { continue }
            if reader == lastLive {
                outcome.claimed = true
                continue
            }
            guard judgements < MPMCMapping.recoveryJudgements else {
                // Enough /proc reads for one look: the next one resumes here.
                outcome.claimed = true
                recoveryCursor = index == 0 ? slotCount &- 1 : index &- 1
                break
            }
            judgements &+= 1
            guard EndpointClaim.isDead(reader) else {
                lastLive = reader
                outcome.claimed = true
                continue
            }
            // A reader never changes the record, so its length is as published.
            let length = MPMCSlot.length(slot)
            guard length <= slotSize else { throw lengthError(length, accepted) }
            guard accepted.contains(length) else { continue }
            if MPMCSlot.transition(slot, from: sequence, reader, to: sequence, identity) {
                mapping.countRedelivered()
                outcome.claim = (slot, (sequence & MPMCLayout.positionMask) &- 1, length)
                return outcome
            }
        }
        return outcome
    }
}
#endif
