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
    public func wait(until deadline: MonotonicDeadline) -> Bool {
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
    func parkedWait(until deadline: MonotonicDeadline) -> Bool {
        let count = self.count
        return parking.park(until: deadline) { ProcessSemaphore.attemptToTake(from: count, seen: $0) } == .acquired
    }

    /// One attempt to take a unit, given the count just read.
    static func attemptToTake(from count: UnsafeMutablePointer<Atomic<UInt32>>, seen: UInt32) -> ParkingAttempt {
        guard seen > 0 else { return .wait }
        let (exchanged, _) = count.pointee.compareExchange(
            expected: seen, desired: seen &- 1, successOrdering: .acquiring, failureOrdering: .relaxed)
        return exchanged ? .acquired : .retry
    }
}
