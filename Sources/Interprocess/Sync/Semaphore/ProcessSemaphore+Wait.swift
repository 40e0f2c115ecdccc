public import Synchronization

extension ProcessSemaphore {
    /// Takes a unit if one is available, without waiting. Never blocks.
    ///
    /// - Complexity: one atomic load, plus a compare-and-exchange when there is a unit.
    /// - Returns: whether a unit was taken.
    @inlinable
    public func tryWait() -> Bool {
        var seen = count.pointee.load(ordering: .relaxed)
        while seen > 0 {
            let (exchanged, original) = count.pointee.compareExchange(
                expected: seen, desired: seen &- 1, successOrdering: .acquiring, failureOrdering: .relaxed)
            if exchanged { return true }
            seen = original
        }
        return false
    }

    /// Takes a unit, waiting as long as it takes. Blocks the calling thread while there is none.
    @inlinable
    public func wait() {
        if tryWait() { return }
        _ = parkedWait(until: .never)
    }

    /// Takes a unit, waiting at most until `deadline`. Blocks the calling thread meanwhile.
    ///
    /// - Parameter deadline: absolute, on `CLOCK_MONOTONIC`; a signal does not move it.
    /// - Returns: true when a unit was taken, false when the deadline passed first.
    @inlinable
    public func wait(until deadline: Deadline) -> Bool {
        if tryWait() { return true }
        return parkedWait(until: deadline)
    }

    /// Takes a unit, waiting at most `timeout`. Blocks the calling thread meanwhile.
    ///
    /// - Returns: true when a unit was taken, false when the time ran out first.
    @inlinable
    public func wait(timeout: Duration) -> Bool {
        if tryWait() { return true }
        return parkedWait(until: .after(timeout))
    }

    /// The slow path of the blocking waits: spin, then sleep on the count word.
    @usableFromInline
    func parkedWait(until deadline: Deadline) -> Bool {
        let parking = self.parking
        let outcome = parking.park(until: deadline) { ProcessSemaphore.attemptToTake(from: parking.word, seen: $0) }
        guard outcome == .acquired else { return false }
        ProcessSemaphore.passOnWakeUp(parking)
        return true
    }

    /// After a parked waiter took a unit: if units remain and someone may sleep, wakes one more
    /// sleeper. A woken waiter killed before it took its unit left that unit behind with its
    /// wake-up gone; this hands the wake-up on at once instead of after the sleepers' next
    /// re-check (``FutexParking/recheckInterval``). Slow path only: costs one load otherwise.
    static func passOnWakeUp(_ parking: FutexParking) {
        if parking.word.pointee.load(ordering: .sequentiallyConsistent) != 0 {
            parking.wakeIfWaiting(1)
        }
    }

    /// One attempt to take a unit, given the count just read.
    static func attemptToTake(from count: UnsafeMutablePointer<Atomic<UInt32>>, seen: UInt32) -> ParkingAttempt {
        guard seen > 0 else { return .wait }
        let (exchanged, _) = count.pointee.compareExchange(
            expected: seen, desired: seen &- 1, successOrdering: .acquiring, failureOrdering: .relaxed)
        return exchanged ? .acquired : .retry
    }
}
