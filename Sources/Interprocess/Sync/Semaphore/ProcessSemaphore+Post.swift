#if os(Linux)
public import Synchronization

extension ProcessSemaphore {
    /// Adds one unit, waking one sleeping waiter if there is one. Never blocks.
    ///
    /// - Complexity: one atomic compare-and-exchange and one load when nobody sleeps; no system call.
    /// - Throws: ``InterprocessError/Code/resourceLimit`` if the count is already
    ///   ``maximumCount`` (the count is left unchanged).
    @inlinable
    public func post() throws(InterprocessError) {
        try post(count: 1)
    }

    /// Adds `count` units at once, waking up to `count` sleeping waiters. Never blocks.
    ///
    /// Either all units are added or, if that would pass ``maximumCount``, none.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a count below 1;
    ///   `resourceLimit` if the count would pass ``maximumCount``.
    @inlinable
    public func post(count units: Int) throws(InterprocessError) {
        guard units >= 1, units <= Int(maximum) else { throw postError(units, current: nil) }
        let added = UInt32(truncatingIfNeeded: units)
        var seen = count.pointee.load(ordering: .relaxed)
        while true {
            guard added <= maximum &- seen else { throw postError(units, current: seen) }
            // Sequentially consistent: ordered before the waiter-count load below (see FutexParking).
            let (exchanged, original) = count.pointee.compareExchange(
                expected: seen, desired: seen &+ added, ordering: .sequentiallyConsistent)
            if exchanged { break }
            seen = original
        }
        if FutexParking.mayHaveSleepers(waiters) {
            wakeWaiters(units)
        }
    }

    /// The slow part of a post: somebody may sleep.
    @usableFromInline
    func wakeWaiters(_ units: Int) {
        Futex.wake(parking.futexWord, count: Int32(clamping: units))
    }

    /// The error of a post that was refused.
    @usableFromInline
    func postError(_ units: Int, current: UInt32?) -> InterprocessError {
        if let current {
            return InterprocessError(.resourceLimit, operation: "post to a semaphore", name: name,
                                     reason: "adding \(units) to its count \(current) would pass its maximum count \(maximum)")
        }
        return InterprocessError(.invalidArgument, operation: "post to a semaphore", name: name,
                                 reason: "the number of units must be between 1 and the maximum count \(maximum) (got \(units))")
    }
}
#endif
