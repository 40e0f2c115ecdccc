#if os(Linux)
import Synchronization

extension ProcessRWLock {
    /// Takes the exclusive side, waiting as long as it takes. Blocks the calling thread.
    ///
    /// First takes the owner word (from that moment no new reader enters), then waits for the
    /// readers inside to leave, clearing the slots of readers that died.
    ///
    /// - Returns: ``LockAcquisition/acquired``, or ``LockAcquisition/previousOwnerDied(_:)``
    ///   when the previous writer died holding it: repair, then ``markConsistent()``.
    /// - Throws: ``InterprocessError/Code/notRecoverable`` when the lock is not recoverable;
    ///   `truncated` once this process found the mapping holding it cut short by another
    ///   process's shrink of its file (nothing is held then).
    public func lockExclusive() throws(InterprocessError) -> LockAcquisition {
        // A wait without deadline only ends with the lock.
        try acquireExclusive(until: .never, trying: false) ?? .acquired
    }

    /// Takes the exclusive side if nobody holds either side; never waits (it may read `/proc`
    /// once to tell whether the holder is dead, and takes the lock over if so).
    ///
    /// - Returns: how the lock was acquired, or nil if it is held.
    /// - Throws: as ``lockExclusive()``.
    public func tryLockExclusive() throws(InterprocessError) -> LockAcquisition? {
        try acquireExclusive(until: .now, trying: true)
    }

    /// Takes the exclusive side, waiting until `deadline` at the latest. Blocks the calling thread.
    ///
    /// - Returns: how the lock was acquired, as ``lockExclusive()``.
    /// - Throws: ``InterprocessError/Code/timedOut`` if the deadline passed first (then no new
    ///   reader was kept out for longer than the wait); otherwise as ``lockExclusive()``.
    public func lockExclusive(until deadline: Deadline) throws(InterprocessError) -> LockAcquisition {
        guard let acquisition = try acquireExclusive(until: deadline, trying: false) else {
            throw timedOut("lock the exclusive side of")
        }
        return acquisition
    }

    /// Takes the exclusive side, waiting at most `timeout`. Blocks the calling thread.
    ///
    /// - Returns: as ``lockExclusive(until:)``.
    /// - Throws: as ``lockExclusive(until:)``.
    public func lockExclusive(timeout: Duration) throws(InterprocessError) -> LockAcquisition {
        try lockExclusive(until: .after(timeout))
    }

    /// Releases the exclusive side. Never waits; wakes sleeping readers and writers, if any.
    ///
    /// After ``LockAcquisition/previousOwnerDied(_:)`` without ``markConsistent()``, this makes
    /// the lock not recoverable (and still releases it).
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` when this process does not hold it;
    ///   `truncated` once another process shrank the file holding it.
    public func unlockExclusive() throws(InterprocessError) {
        let me = RWLockOwnerTag.owner(CachedProcessIdentity.current)
        guard words.owner.pointee.load(ordering: .relaxed) == me else {
            // Shrunk under the holder: the owner word reads as zeros, and the lock is gone for all.
            try requireNotTruncated("unlock the exclusive side of")
            throw InterprocessError(.invalidArgument, operation: "unlock the exclusive side of a reader-writer lock", name: name,
                                    reason: "this process does not hold it")
        }
        if words.consistency.pointee.load(ordering: .relaxed) == RWLockLayout.Consistency.ownerDied {
            words.consistency.pointee.store(RWLockLayout.Consistency.notRecoverable, ordering: .releasing)
        }
        releaseOwner(restoring: 0, startTime: 0)
    }

    /// Marks the state protected by the lock as repaired after
    /// ``LockAcquisition/previousOwnerDied(_:)``, so that unlocking keeps the lock usable.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` when this process does not hold the
    ///   exclusive side, or the lock is not waiting for a repair.
    public func markConsistent() throws(InterprocessError) {
        let operation = "mark a reader-writer lock consistent"
        guard words.owner.pointee.load(ordering: .relaxed) == RWLockOwnerTag.owner(CachedProcessIdentity.current) else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "this process does not hold its exclusive side")
        }
        guard words.consistency.pointee.load(ordering: .relaxed) == RWLockLayout.Consistency.ownerDied else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "its previous owner did not die holding it, so there is nothing to mark")
        }
        words.consistency.pointee.store(RWLockLayout.Consistency.consistent, ordering: .releasing)
    }

    /// The exclusive side's lock: take the owner word (or take it over from a dead owner), then
    /// wait for the readers to drain. Nil when `trying` fails or the deadline passes.
    func acquireExclusive(until deadline: Deadline, trying: Bool) throws(InterprocessError) -> LockAcquisition? {
        let identity = CachedProcessIdentity.current
        let me = RWLockOwnerTag.owner(identity)
        var acquisition = LockAcquisition.acquired
        var takenFrom: (owner: UInt64, startTime: UInt64)? = nil
        var spins = 0
        try requireNotTruncated("lock the exclusive side of")
        // Phase 1: the owner word. Once it is ours, no new reader enters.
        while true {
            if isNotRecoverable { throw notRecoverableError("lock the exclusive side of") }
            let current = words.owner.pointee.load(ordering: .relaxed)
            if current == 0 {
                if words.owner.pointee.compareExchange(expected: 0, desired: me, ordering: .sequentiallyConsistent).exchanged { break }
                continue
            }
            if !trying && spins < ProcessRWLock.spinLimit {
                spins += 1
                CPU.relax()
                continue
            }
            if RWLockOwnerTag.ownerIsDead(current) {
                let recorded = words.ownerStartTime.pointee.load(ordering: .relaxed)
                if words.owner.pointee.compareExchange(expected: current, desired: me, ordering: .sequentiallyConsistent).exchanged {
                    words.consistency.pointee.store(RWLockLayout.Consistency.ownerDied, ordering: .relaxed)
                    acquisition = .previousOwnerDied(RWLockOwnerTag.identity(of: current, recordedStartTime: recorded))
                    takenFrom = (current, recorded)
                    break
                }
                continue
            }
            if trying || deadline.hasPassed { return nil }
            parkWriter(owner: current, until: deadline)
        }
        words.ownerStartTime.pointee.store(identity.startTime, ordering: .relaxed)
        if isNotRecoverable {
            releaseOwner(restoring: takenFrom?.owner ?? 0, startTime: takenFrom?.startTime ?? 0)
            throw notRecoverableError("lock the exclusive side of")
        }
        // Phase 2: wait for the readers inside to leave.
        spins = 0
        while true {
            let checkLiveness = trying || spins >= ProcessRWLock.spinLimit
            if !readersPresent(reclaimingDead: checkLiveness) {
                // The file was shrunk meanwhile: what was taken may be zeros that exclude nobody,
                // or (the shrink cut other pages) the real lock, which must not stay held by a
                // caller told that it failed. Give it back as a failed try does.
                if truncationFaults.pointee.load(ordering: .relaxed) != 0 {
                    releaseOwner(restoring: takenFrom?.owner ?? 0, startTime: takenFrom?.startTime ?? 0)
                    try requireNotTruncated("lock the exclusive side of")
                }
                return acquisition
            }
            if !trying && spins < ProcessRWLock.spinLimit {
                spins += 1
                CPU.relax()
                continue
            }
            if trying || deadline.hasPassed {
                // Give the owner word back (to the dead owner, if we took it over, so that the
                // next writer is told too) and let the readers that waited for us in.
                releaseOwner(restoring: takenFrom?.owner ?? 0, startTime: takenFrom?.startTime ?? 0)
                return nil
            }
            drainParking.sleepOnce(until: deadline) { readersPresent(reclaimingDead: false) }
        }
    }

    /// Sleeps one slice on the release sequence while `owner` still holds the owner word.
    private func parkWriter(owner: UInt64, until deadline: Deadline) {
        releaseParking.sleepOnce(until: deadline) { words.owner.pointee.load(ordering: .sequentiallyConsistent) == owner }
    }

    /// Stores `owner` (0: free) in the owner word, then bumps the release sequence and wakes
    /// every sleeper if any counted itself asleep.
    func releaseOwner(restoring owner: UInt64, startTime: UInt64) {
        words.ownerStartTime.pointee.store(startTime, ordering: .relaxed)
        words.owner.pointee.store(owner, ordering: .sequentiallyConsistent)
        releaseParking.advanceAndWakeIfWaiting()
    }

    /// Whether a live reader holds the shared side. With `reclaimingDead`, clears (and does not
    /// count) the slots of processes that are known to be dead.
    func readersPresent(reclaimingDead: Bool) -> Bool {
        let used = words.slotsUsed.pointee.load(ordering: .sequentiallyConsistent)
        var remaining = used
        var present = false
        while remaining != 0 {
            let index = remaining.trailingZeroBitCount
            remaining &= remaining &- 1
            let slot = words.slot(index)
            let word = slot.pointee.load(ordering: .sequentiallyConsistent)
            if word == 0 { continue }
            if reclaimingDead && RWLockOwnerTag.slotIsDead(word) {
                // The dead process cannot change its slot; if the exchange fails, someone else
                // reclaimed it first.
                _ = slot.pointee.compareExchange(expected: word, desired: 0, ordering: .sequentiallyConsistent)
                continue
            }
            present = true
            if !reclaimingDead { return true }
        }
        return present
    }

    /// Clears the slots of dead readers; returns whether any slot was freed.
    func reclaimDeadReaders() -> Bool {
        var freed = false
        for index in 0..<RWLockLayout.slotCount {
            let slot = words.slot(index)
            let word = slot.pointee.load(ordering: .sequentiallyConsistent)
            if word != 0 && RWLockOwnerTag.slotIsDead(word) {
                freed = slot.pointee.compareExchange(expected: word, desired: 0, ordering: .sequentiallyConsistent).exchanged || freed
            }
        }
        return freed
    }
}
#endif
