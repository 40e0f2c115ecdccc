#if os(Linux)
public import Synchronization

extension ProcessMutex {
    /// Takes the lock, blocking the calling thread until it is free.
    ///
    /// Spins briefly first; an uncontended lock makes no system call.
    ///
    /// - Returns: ``LockAcquisition/acquired``, or ``LockAcquisition/previousOwnerDied(_:)`` when its
    ///   owner died holding it: repair, then ``markConsistent()``.
    /// - Throws: ``InterprocessError`` `notRecoverable` if an earlier owner's death was never
    ///   repaired; `invalidArgument` if the calling thread already holds a non-recursive mutex;
    ///   `resourceLimit` if a recursive mutex's count is at its maximum; `corrupt` if the lock's
    ///   words hold values no mutex writes; `truncated` once this process found the mapping
    ///   holding it cut short by another process's shrink of its file (nothing is held then).
    @inlinable
    public func lock() throws(InterprocessError) -> LockAcquisition {
        try lock(until: .never)
    }

    /// Takes the lock if it is free now; never sleeps.
    ///
    /// When another thread holds it, reads `/proc` to tell whether that owner is still alive (and
    /// takes the lock over if it is not), which costs microseconds.
    ///
    /// - Returns: nil when a live thread or process holds it; otherwise as ``lock()``.
    /// - Throws: ``InterprocessError`` as ``lock()`` does (`invalidArgument` if the calling thread
    ///   already holds a non-recursive mutex).
    @inlinable
    public func tryLock() throws(InterprocessError) -> LockAcquisition? {
        let me = ThreadID.current
        if word.pointee.compareExchange(expected: 0, desired: me, successOrdering: .acquiring, failureOrdering: .relaxed).exchanged {
            recordOwner(thread: me)
            try releaseIfTruncated(thread: me, operation: "try to lock mutex")
            return .acquired
        }
        let acquisition = try contendedLock(thread: me, until: nil)
        if acquisition != nil { try releaseIfTruncated(thread: me, operation: "try to lock mutex") }
        return acquisition
    }

    /// Takes the lock, blocking the calling thread until it is free or `deadline` passes.
    ///
    /// The deadline is absolute on `CLOCK_MONOTONIC`, so the wait never drifts; signals do not
    /// cut it short. ``Deadline/never`` waits as ``lock()`` does.
    ///
    /// - Returns: as ``lock()``.
    /// - Throws: ``InterprocessError/Code/timedOut`` if the deadline passed first (the lock is
    ///   not held then); otherwise as ``lock()``.
    @inlinable
    public func lock(until deadline: Deadline) throws(InterprocessError) -> LockAcquisition {
        let me = ThreadID.current
        if word.pointee.compareExchange(expected: 0, desired: me, successOrdering: .acquiring, failureOrdering: .relaxed).exchanged {
            recordOwner(thread: me)
            try releaseIfTruncated(thread: me, operation: "lock mutex")
            return .acquired
        }
        guard let acquisition = try contendedLock(thread: me, until: deadline) else { throw timedOut() }
        try releaseIfTruncated(thread: me, operation: "lock mutex")
        return acquisition
    }

    /// After an acquisition: once the file holding the mutex was shrunk by a peer, gives it
    /// back and throws `truncated` (what was taken may be a private zero page, which excludes
    /// no other process).
    @inlinable @inline(__always)
    func releaseIfTruncated(thread me: UInt32, operation: String) throws(InterprocessError) {
        if truncationFaults.pointee.load(ordering: .relaxed) != 0 { throw releaseAfterTruncation(thread: me, operation: operation) }
    }

    /// Throws `truncated` once the file holding the mutex was shrunk by a peer.
    @inlinable @inline(__always)
    func requireNotTruncated(operation: String) throws(InterprocessError) {
        if truncationFaults.pointee.load(ordering: .relaxed) != 0 { throw truncatedError(operation: operation) }
    }

    /// Takes the lock, blocking the calling thread for at most `timeout`; see ``lock(until:)``.
    @inlinable
    public func lock(timeout: Duration) throws(InterprocessError) -> LockAcquisition {
        try lock(until: .after(timeout))
    }

    /// Releases the lock (for a recursive mutex, one level of it). Never blocks.
    ///
    /// Ownership is checked before anything is written: unlocking a lock the calling thread does
    /// not hold throws and changes nothing. After ``LockAcquisition/previousOwnerDied(_:)``, call
    /// ``markConsistent()`` first: unlocking without it makes the mutex permanently
    /// ``InterprocessError/Code/notRecoverable``.
    ///
    /// - Throws: ``InterprocessError`` `invalidArgument` if the calling thread does not hold it;
    ///   `corrupt` if the lock's words hold values no mutex writes; `truncated` once another
    ///   process shrank the file holding it.
    @inlinable
    public func unlock() throws(InterprocessError) {
        let me = ThreadID.current
        // The common case: held once by this thread, consistent, whatever the waiters bit says.
        if word.pointee.load(ordering: .relaxed) & ~LockWord.waitersBit == me,
           !isRecursive || depth.pointee.load(ordering: .relaxed) == 1 {
            clearOwner()
            let before = word.pointee.exchange(0, ordering: .releasing)
            if before & LockWord.waitersBit != 0 { wakeOneWaiter() }
            return
        }
        try contendedUnlock(thread: me)
    }
}
#endif
