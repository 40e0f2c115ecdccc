#if os(Linux)
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ProcessRWLock {
    /// Takes the shared side, waiting as long as it takes. Blocks the calling thread.
    ///
    /// Waits while a writer holds the exclusive side *or waits for it*: writers don't starve.
    /// So don't take the shared side again on a thread that already holds it (a writer that
    /// came in between would wait for the first hold, and the second for the writer).
    ///
    /// - Throws: ``InterprocessError/Code/ownerDied`` when the writer holding the exclusive side
    ///   died and nobody has repaired the state yet: take the exclusive side to repair it (see
    ///   `withSharedLock(onOwnerDeath:_:)`); `notRecoverable` when the lock is not
    ///   recoverable; `corrupt` when another process overwrote this process's reader slot;
    ///   `truncated` once this process found the mapping holding it cut short by another
    ///   process's shrink of its file (no hold is taken then).
    public func lockShared() throws(InterprocessError) {
        _ = try acquireShared(until: .never, trying: false)
    }

    /// Takes the shared side if no writer holds or waits for the exclusive side; never waits.
    ///
    /// - Returns: true if this process now holds one more shared hold.
    /// - Throws: ``InterprocessError/Code/notRecoverable`` when the lock is not recoverable;
    ///   `corrupt` when another process overwrote this process's reader slot; `truncated` as
    ///   ``lockShared()``.
    public func tryLockShared() throws(InterprocessError) -> Bool {
        try acquireShared(until: .now, trying: true)
    }

    /// Takes the shared side, waiting until `deadline` at the latest. Blocks the calling thread.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if the deadline passed first (no hold was
    ///   taken); otherwise as ``lockShared()``.
    public func lockShared(until deadline: Deadline) throws(InterprocessError) {
        guard try acquireShared(until: deadline, trying: false) else { throw timedOut("lock the shared side of") }
    }

    /// Takes the shared side, waiting at most `timeout`. Blocks the calling thread.
    ///
    /// - Throws: as ``lockShared(until:)``.
    public func lockShared(timeout: Duration) throws(InterprocessError) {
        try lockShared(until: .after(timeout))
    }

    /// The error of a lock whose deadline passed first.
    func timedOut(_ action: String) -> InterprocessError {
        InterprocessError(.timedOut, operation: "\(action) a reader-writer lock", name: name,
                          reason: "it stayed held until the deadline passed")
    }

    /// Releases one shared hold of this process. Never waits; wakes a writer waiting for
    /// readers to leave, if one sleeps.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` when this process holds no shared hold;
    ///   `corrupt` when another process overwrote its reader slot; `truncated` once another
    ///   process shrank the file holding it.
    public func unlockShared() throws(InterprocessError) {
        let tag = RWLockOwnerTag.slot(CachedProcessIdentity.current)
        let start = ProcessRWLock.firstSlot(for: tag)
        for step in 0..<RWLockLayout.slotCount {
            let index = (start &+ step) & (RWLockLayout.slotCount - 1)
            if words.slot(index).pointee.load(ordering: .relaxed) & ~RWLockOwnerTag.countMask == tag {
                try leaveSlot(index, tag: tag)
                return
            }
        }
        try requireNotTruncated("unlock the shared side of")
        throw InterprocessError(.invalidArgument, operation: "unlock the shared side of a reader-writer lock", name: name,
                                reason: "this process holds no shared lock on it")
    }

    /// The shared side's lock: enter a slot, then check that no writer has come.
    func acquireShared(until deadline: Deadline, trying: Bool) throws(InterprocessError) -> Bool {
        let tag = RWLockOwnerTag.slot(CachedProcessIdentity.current)
        var spins = 0
        try requireNotTruncated("lock the shared side of")
        while true {
            var slotsFull = false
            if words.owner.pointee.load(ordering: .sequentiallyConsistent) == 0 {
                if let index = enterSlot(tag: tag) {
                    // Dekker with the writer: we store the slot, then load the owner; it stores
                    // the owner, then loads the slots. All four are sequentially consistent, so
                    // at least one of us sees the other, and never both get in.
                    if words.owner.pointee.load(ordering: .sequentiallyConsistent) == 0 {
                        if words.consistency.pointee.load(ordering: .acquiring) == RWLockLayout.Consistency.notRecoverable {
                            try leaveSlot(index, tag: tag)
                            throw notRecoverableError("lock the shared side of")
                        }
                        // The file was shrunk meanwhile: the slot entered may be zeros, or (the
                        // shrink cut other pages) a real one, which must not be left held.
                        if truncationFaults.pointee.load(ordering: .relaxed) != 0 {
                            try? leaveSlot(index, tag: tag)
                            try requireNotTruncated("lock the shared side of")
                        }
                        return true
                    }
                    try leaveSlot(index, tag: tag)  // a writer came: let it in first
                } else {
                    slotsFull = true
                }
            }
            if isNotRecoverable { throw notRecoverableError("lock the shared side of") }
            if trying { return false }
            if spins < ProcessRWLock.spinLimit {
                spins += 1
                CPU.relax()
                continue
            }
            if slotsFull {
                if !reclaimDeadReaders() {
                    if deadline.hasPassed { return false }
                    drainParking.sleepOnce(until: deadline) { !freeSlotExists() }
                }
                continue
            }
            if try !parkReader(until: deadline) { return false }
        }
    }

    /// Sleeps one slice on the release sequence while a writer holds the owner word.
    /// Returns false when the deadline has passed.
    private func parkReader(until deadline: Deadline) throws(InterprocessError) -> Bool {
        let parking = releaseParking
        parking.announce()
        defer { parking.withdraw() }
        let sequence = words.releaseSequence.pointee.load(ordering: .sequentiallyConsistent)
        let owner = words.owner.pointee.load(ordering: .sequentiallyConsistent)
        if owner == 0 { return true }
        // Dead, and still the owner after we looked: a writer that unlocked and then exited
        // normally changed the word before it died.
        if RWLockOwnerTag.ownerIsDead(owner) && words.owner.pointee.load(ordering: .sequentiallyConsistent) == owner {
            let dead = RWLockOwnerTag.identity(of: owner, recordedStartTime: words.ownerStartTime.pointee.load(ordering: .relaxed))
            throw InterprocessError(.ownerDied, operation: "lock the shared side of a reader-writer lock", name: name,
                                    reason: "the writer holding it (\(dead)) died, and the state it protects may be half-written; take the exclusive side to repair it")
        }
        if deadline.hasPassed { return false }
        parking.sleep(expecting: sequence, until: deadline)
        return true
    }

    /// Whether some reader slot is free (sequentially consistent loads: the re-check of the
    /// parking handshake while waiting for one).
    private func freeSlotExists() -> Bool {
        (0..<RWLockLayout.slotCount).contains { words.slot($0).pointee.load(ordering: .sequentiallyConsistent) == 0 }
    }

    /// Adds a hold to this process's slot (or claims a free one). Nil when every slot is taken
    /// by other processes.
    private func enterSlot(tag: UInt64) -> Int? {
        let start = ProcessRWLock.firstSlot(for: tag)
        for step in 0..<RWLockLayout.slotCount {
            let index = (start &+ step) & (RWLockLayout.slotCount - 1)
            let slot = words.slot(index)
            var word = slot.pointee.load(ordering: .relaxed)
            // Bounded: a slot rewritten on every try (by a hostile peer) is passed over.
            var tries = 0
            while tries < ProcessRWLock.casAttempts,
                  word == 0 || (word & ~RWLockOwnerTag.countMask == tag && word & RWLockOwnerTag.countMask < RWLockOwnerTag.countMask) {
                tries &+= 1
                let next = word == 0 ? tag | 1 : word &+ 1
                let (exchanged, original) = slot.pointee.compareExchange(
                    expected: word, desired: next, ordering: .sequentiallyConsistent)
                if exchanged {
                    // The writer scans only slots whose bit is set: set it before looking at the owner.
                    let bit = UInt32(1) << UInt32(index)
                    if words.slotsUsed.pointee.load(ordering: .sequentiallyConsistent) & bit == 0 {
                        words.slotsUsed.pointee.bitwiseOr(bit, ordering: .sequentiallyConsistent)
                    }
                    return index
                }
                word = original
            }
        }
        return nil
    }

    /// Removes one hold from slot `index` (freeing it at zero), then wakes a writer that sleeps
    /// waiting for readers to leave (or a reader waiting for a free slot).
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` when the slot no longer holds this process's
    ///   tag with a count (another process wrote it); the slot is then left as found.
    func leaveSlot(_ index: Int, tag: UInt64) throws(InterprocessError) {
        let slot = words.slot(index)
        var word = slot.pointee.load(ordering: .relaxed)
        var tries = 0
        while true {
            tries &+= 1
            // Every lost compare-and-exchange is another thread's progress: yield now and then,
            // and give up only on a word rewritten under a million tries in a row.
            if tries & (ProcessRWLock.casAttempts - 1) == 0 { sched_yield() }
            guard tries <= ProcessRWLock.casAttempts &* ProcessRWLock.casAttempts else {
                throw InterprocessError(.corrupt, operation: "unlock the shared side of a reader-writer lock", name: name,
                                        reason: "reader slot \(index) of this process changed under a million compare-and-exchanges in a row: another process keeps writing it")
            }
            guard word & ~RWLockOwnerTag.countMask == tag && word & RWLockOwnerTag.countMask > 0 else {
                throw InterprocessError(.corrupt, operation: "unlock the shared side of a reader-writer lock", name: name,
                                        reason: "reader slot \(index) of this process holds 0x\(String(word, radix: 16)), which another process wrote")
            }
            let next = word & RWLockOwnerTag.countMask == 1 ? 0 : word &- 1
            let (exchanged, original) = slot.pointee.compareExchange(
                expected: word, desired: next, ordering: .sequentiallyConsistent)
            if exchanged { break }
            word = original
        }
        drainParking.advanceAndWakeIfWaiting()
    }

    /// Where a process starts probing for its slot: its pid's low bits.
    @inline(__always)
    static func firstSlot(for tag: UInt64) -> Int {
        Int(truncatingIfNeeded: tag >> 8) & (RWLockLayout.slotCount - 1)
    }
}
#endif
