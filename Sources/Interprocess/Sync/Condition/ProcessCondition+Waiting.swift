#if os(Linux)
import Synchronization

extension ProcessCondition {
    /// Releases `mutex`, sleeps until signalled, and re-acquires `mutex`. Blocks the calling thread.
    ///
    /// The calling thread must hold `mutex` exactly once (a recursive mutex held twice would stay
    /// locked while asleep). May return without a signal: re-check the predicate.
    ///
    /// - Returns: how `mutex` was re-acquired: ``LockAcquisition/previousOwnerDied(_:)`` if another
    ///   owner died holding it meanwhile.
    /// - Throws: ``InterprocessError`` `invalidArgument` if the calling thread does not hold `mutex`
    ///   exactly once (it still holds it then); `notRecoverable` if `mutex` cannot be re-acquired
    ///   (it is not held then); `truncated` once another process shrank the file holding the
    ///   condition: no signal can come (the mutex is not held then).
    @available(*, noasync, message: "blocks the thread until signalled, possibly for long; in async code, wait on a ProcessEvent or ProcessSemaphore instead")
    public func wait(_ mutex: borrowing ProcessMutex) throws(InterprocessError) -> LockAcquisition {
        try wait(mutex, until: .never)
    }

    /// Releases `mutex`, sleeps until signalled or until `deadline` (absolute, `CLOCK_MONOTONIC`),
    /// and re-acquires `mutex` — all of it by `deadline`. Blocks the calling thread.
    ///
    /// The deadline bounds the whole call, re-acquiring the mutex included, so the call never
    /// outlasts it waiting for a mutex another process holds. When it throws
    /// ``InterprocessError/Code/timedOut``, the calling thread does **not** hold `mutex` (if it
    /// re-acquired it, it released it again): lock it again to re-check the predicate. Inside
    /// ``ProcessMutex/withLock(onOwnerDeath:_:)-(OwnerDeathPolicy,_)`` just let the error
    /// propagate. A signal whose signaller or woken waiter was killed before the wake-up reached a
    /// sleeper delays this waiter by at most 20 ms.
    ///
    /// - Returns: how `mutex` was re-acquired, as ``wait(_:)`` (it is held). An owner's death
    ///   while re-acquiring is returned even when the deadline passed: the caller must repair.
    /// - Throws: ``InterprocessError`` `timedOut` if no signal came, or the mutex could not be
    ///   re-acquired, by the deadline (the mutex is **not** held then); otherwise as ``wait(_:)``.
    @available(*, noasync, message: "blocks the thread until signalled, possibly for long; in async code, wait on a ProcessEvent or ProcessSemaphore instead")
    public func wait(_ mutex: borrowing ProcessMutex, until deadline: Deadline) throws(InterprocessError) -> LockAcquisition {
        let held = mutex.ownerRecord
        // The calling thread, not just this process: another thread's lock is not ours to release.
        let callerHolds = mutex.ownerRecordNamesCaller(thread: ThreadID.current)
        guard callerHolds, held.depth == 1 else {
            throw InterprocessError(.invalidArgument, operation: "wait on condition", name: name,
                                    reason: callerHolds
                                        ? "the calling thread holds the mutex \(held.depth) times; a wait releases it only once"
                                        : "the calling thread does not hold the mutex")
        }
        // Announced and read while holding the mutex: a signal sent by whoever takes the mutex
        // next bumps the sequence after this read, so this waiter cannot miss it.
        let parking = self.parking
        parking.announce()
        let observed = sequence.pointee.load(ordering: .sequentiallyConsistent)
        do throws(InterprocessError) {
            try mutex.unlock()
        } catch {
            parking.withdraw()
            throw error.reported(as: "wait on condition")
        }
        var signalled = false
        while true {
            if sequence.pointee.load(ordering: .sequentiallyConsistent) != observed {
                signalled = true
                break
            }
            if deadline.hasPassed { break }
            // The file holding it was shrunk: no signal can ever come (the mutex is not held).
            if let problem = TruncationGuard.problem(truncation, operation: "wait on condition", name: name) {
                parking.withdraw()
                throw problem
            }
            parking.sleep(expecting: observed, until: deadline)
        }
        parking.withdraw()
        let acquisition: LockAcquisition
        do throws(InterprocessError) {
            acquisition = try mutex.lock(until: deadline)
        } catch where error.code == .timedOut {
            throw InterprocessError(.timedOut, operation: "wait on condition", name: name,
                                    reason: "the deadline passed before the mutex could be re-acquired; the mutex is NOT held")
        }
        if !signalled, !acquisition.previousOwnerDied {
            do throws(InterprocessError) {
                try mutex.unlock()
            } catch {
                throw error.reported(as: "wait on condition")
            }
            throw InterprocessError(.timedOut, operation: "wait on condition", name: name,
                                    reason: "no signal came before the deadline; the mutex is NOT held")
        }
        return acquisition
    }

    /// Waits for at most `timeout`; see ``wait(_:until:)``.
    @available(*, noasync, message: "blocks the thread until signalled, possibly for long; in async code, wait on a ProcessEvent or ProcessSemaphore instead")
    public func wait(_ mutex: borrowing ProcessMutex, timeout: Duration) throws(InterprocessError) -> LockAcquisition {
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

    /// The sequence is the state (a waiter sleeps until it changes): bump it unconditionally,
    /// then wake through the parking handshake.
    private func wake(count: Int32) {
        sequence.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
        parking.wakeIfWaiting(count)
    }
}
#endif
