#if os(Linux)
public import Synchronization

extension ProcessEvent {
    /// Sets the event. A manual-reset event releases every waiter and stays set; an auto-reset
    /// event releases one waiter, or stays set until one comes. Never blocks.
    ///
    /// Setting an event that is already set changes nothing (it only wakes sleepers, should a
    /// setter have died between setting the event and waking them).
    ///
    /// - Complexity: one atomic compare-and-exchange and one load when nobody sleeps; no system call.
    @inlinable
    public func set() {
        var seen = stateWord.pointee.load(ordering: .relaxed)
        while seen & ProcessEvent.setBit == 0 {
            // Counting the set (bits 1–31) lets manual-reset waiters tell that a set happened
            // even if a reset follows before they run. Sequentially consistent: ordered before
            // the waiter-count load below (see FutexParking).
            let (exchanged, original) = stateWord.pointee.compareExchange(
                expected: seen, desired: (seen &+ ProcessEvent.setIncrement) | ProcessEvent.setBit,
                ordering: .sequentiallyConsistent)
            if exchanged { break }
            seen = original
        }
        if FutexParking.mayHaveSleepers(waiters) {
            wakeWaiters()
        }
    }

    /// Unsets the event, so that waits block again until the next ``set()``. Never blocks.
    ///
    /// An auto-reset event resets itself as it releases a waiter; resetting one by hand
    /// withdraws a signal no waiter has taken yet.
    @inlinable
    public func reset() {
        stateWord.pointee.bitwiseAnd(~ProcessEvent.setBit, ordering: .releasing)
    }

    /// The slow part of a set: somebody may sleep. Wakes one waiter (auto-reset) or all (manual-reset).
    @usableFromInline
    func wakeWaiters() {
        Futex.wake(parking.futexWord, count: mode == .autoReset ? 1 : .max)
    }
}
#endif
