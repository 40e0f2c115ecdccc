import Synchronization

extension ProcessCondition {
    /// Releases `mutex`, sleeps until signalled, and re-acquires `mutex`. Blocks the calling thread.
    ///
    /// The calling thread must hold `mutex` exactly once (a recursive mutex held twice would stay
    /// locked while asleep). May return without a signal: re-check the predicate.
    ///
    /// - Returns: how `mutex` was re-acquired: ``LockAcquisition/previousOwnerDied(_:)`` if another
    ///   owner died holding it meanwhile.
    /// - Throws: ``InterprocessError`` `invalidArgument` if the calling process does not hold `mutex`
    ///   exactly once (it still holds it then); `notRecoverable` if `mutex` cannot be re-acquired
    ///   (it is not held then).
    public func wait(_ mutex: borrowing ProcessMutex) throws(InterprocessError) -> LockAcquisition {
        // With no deadline the wait cannot time out, so the acquisition is never nil.
        try wait(mutex, until: .never) ?? .acquired
    }

    /// Releases `mutex`, sleeps until signalled or until `deadline` (absolute, `CLOCK_MONOTONIC`),
    /// and re-acquires `mutex`, even after a timeout. Blocks the calling thread.
    ///
    /// - Returns: nil if the deadline passed (the mutex is held again); otherwise as ``wait(_:)``.
    ///   An owner's death while re-acquiring is reported even after a timeout.
    /// - Throws: ``InterprocessError`` as ``wait(_:)`` does.
    public func wait(_ mutex: borrowing ProcessMutex, until deadline: MonotonicDeadline) throws(InterprocessError) -> LockAcquisition? {
        let held = mutex.ownerRecord
        let me = CachedProcessIdentity.current
        guard held.pid == me.pid, held.depth == 1 else {
            throw InterprocessError(.invalidArgument, operation: "wait on condition", name: name,
                                    reason: held.pid == me.pid
                                        ? "the calling thread holds the mutex \(held.depth) times; a wait releases it only once"
                                        : "the calling process does not hold the mutex")
        }
        // Sequentially consistent with signal(): either the signaller sees this waiter counted,
        // or this waiter sees the new sequence number and does not sleep.
        waiters.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
        let observed = sequence.pointee.load(ordering: .sequentiallyConsistent)
        do {
            try mutex.unlock()
        } catch {
            waiters.pointee.wrappingSubtract(1, ordering: .sequentiallyConsistent)
            throw error
        }
        let woken = Futex.wait(on: UnsafeMutablePointer(OpaquePointer(sequence)), expecting: observed, until: deadline)
        waiters.pointee.wrappingSubtract(1, ordering: .sequentiallyConsistent)
        let acquisition = try mutex.lock()
        if woken == .timedOut, !acquisition.previousOwnerDied { return nil }
        return acquisition
    }

    /// Waits for at most `timeout`; see ``wait(_:until:)``.
    public func wait(_ mutex: borrowing ProcessMutex, timeout: Duration) throws(InterprocessError) -> LockAcquisition? {
        try wait(mutex, until: .after(timeout))
    }

    /// Wakes one waiter (if any sleeps). Never blocks; makes a system call only when a waiter sleeps.
    public func signal() {
        wake(count: 1)
    }

    /// Wakes every waiter. Never blocks; makes a system call only when a waiter sleeps.
    public func broadcast() {
        wake(count: .max)
    }

    private func wake(count: Int32) {
        sequence.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
        if waiters.pointee.load(ordering: .sequentiallyConsistent) != 0 {
            Futex.wake(UnsafeMutablePointer(OpaquePointer(sequence)), count: count)
        }
    }
}
