#if os(Linux)
public import Synchronization

/// Waiting for the other side without taking its cache lines.
///
/// One lock serializes both sides, so a sender and a receiver each spend much of their time
/// waiting for the other's operation. A waiter that re-reads the lock word (or the count) every
/// few nanoseconds pulls that line from the holder's core every time the holder writes it, and
/// the holder's next write pulls it back: on a machine where a line takes ~150 ns to move, each
/// look costs about as much as a whole operation. A waiter that looks less and less often lets
/// the holder run operations back to back out of its own cache, then takes the lines over once.
extension MessageQueueMapping {
    /// How many times a locker looks at a held lock before it leaves the wait to the lock itself
    /// (which spins hard, then sleeps, and finds a dead holder): about 60 µs in all.
    @usableFromInline static let backoffLooks = 40

    /// The longest pause between two looks, in `pause` instructions (about 1.5 µs).
    @usableFromInline static let longestBackoff = 64

    /// Takes the lock if it is free, else looks again after doubling pauses, at most
    /// ``backoffLooks`` times; returns false if it never found the lock free. The same
    /// acquisition as ``ProcessMutex/lock(until:)``'s fast path (a compare-and-swap of the
    /// caller's thread id into a free word, the owner record, then the mapping's fault count),
    /// so the lock stays robust and a lock word on a page cut by a shrink is never "taken".
    ///
    /// - Throws: `truncated` (the lock given back) once a peer shrank the queue's file.
    @inlinable @inline(__always)
    func lockAfterBackingOff() throws(InterprocessError) -> Bool {
        let word = lock.word
        let me = ThreadID.current
        var pauses = 1
        for _ in 0..<MessageQueueMapping.backoffLooks {
            // Owned, not shared: when the lock is free, the compare-and-swap then needs no
            // second transfer.
            CPU.prefetchForWriting(UnsafeRawPointer(word))
            if word.pointee.load(ordering: .relaxed) == 0,
               word.pointee.compareExchange(expected: 0, desired: me, successOrdering: .acquiring, failureOrdering: .relaxed).exchanged {
                lock.recordOwner(thread: me)
                try lock.releaseIfTruncated(thread: me, operation: "lock mutex")
                return true
            }
            for _ in 0..<pauses { CPU.relax() }
            if pauses < MessageQueueMapping.longestBackoff { pauses &<<= 1 }
        }
        return false
    }

    /// Spins while `side` is blocked, looking at the count after doubling pauses (up to
    /// ``longestBackoff``); returns true as soon as it may proceed, false after ``backoffLooks``
    /// looks.
    func spinWhileBlocked(_ side: MessageQueueSide) -> Bool {
        var pauses = 1
        for _ in 0..<MessageQueueMapping.backoffLooks {
            if !isBlocked(side) { return true }
            for _ in 0..<pauses { CPU.relax() }
            if pauses < MessageQueueMapping.longestBackoff { pauses &<<= 1 }
        }
        return false
    }
}
#endif
