#if os(Linux)
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
    @available(*, noasync, message: "blocks the thread; use the async form of wait")
    public func wait() {
        if tryWait() { return }
        // It cannot throw: it waits even on a truncated file (use wait(until: .never) to learn of one).
        _ = parkedWait(until: .never, endsOnTruncation: false)
    }

    /// Takes a unit, waiting at most until `deadline`. Blocks the calling thread meanwhile.
    ///
    /// - Parameter deadline: absolute, on `CLOCK_MONOTONIC`; a signal does not move it.
    /// - Throws: ``InterprocessError/Code/timedOut`` if the deadline passed first (no unit was taken);
    ///   `truncated` as soon as another process shrank the file holding the semaphore.
    @inlinable
    @available(*, noasync, message: "blocks the thread; use the async form of wait(until:)")
    public func wait(until deadline: Deadline) throws(InterprocessError) {
        if tryWait() { return }
        if !parkedWait(until: deadline) { throw timedOut() }
    }

    /// Takes a unit, waiting at most `timeout`. Blocks the calling thread meanwhile.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if the time ran out first (no unit was taken);
    ///   `truncated` as soon as another process shrank the file holding the semaphore.
    @inlinable
    @available(*, noasync, message: "blocks the thread; use the async form of wait(timeout:)")
    public func wait(timeout: Duration) throws(InterprocessError) {
        if tryWait() { return }
        if !parkedWait(until: .after(timeout)) { throw timedOut() }
    }

    /// The error of a wait whose deadline passed first.
    @usableFromInline
    func timedOut() -> InterprocessError {
        TruncationGuard.problem(truncation, operation: "wait on semaphore", name: name)
            ?? InterprocessError(.timedOut, operation: "wait on semaphore", name: name,
                                 reason: "no unit became available before the deadline")
    }

    /// The slow path of the blocking waits: spin, then sleep on the count word; false, with no
    /// unit taken, at the deadline or (`endsOnTruncation`) once the file holding it was shrunk.
    @usableFromInline
    func parkedWait(until deadline: Deadline, endsOnTruncation: Bool = true) -> Bool {
        let parking = self.parking, truncation = self.truncation
        let outcome = parking.park(until: deadline, isTruncated: { endsOnTruncation && TruncationGuard.faults(truncation) != 0 }) {
            ProcessSemaphore.attemptToTake(from: parking.word, seen: $0)
        }
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
#endif
