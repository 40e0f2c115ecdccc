import CInterprocessShim
import Synchronization
internal import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ProcessMutex {
    /// Takes the lock, blocking the calling thread until it is free.
    ///
    /// Spins briefly first; an uncontended lock makes no system call.
    ///
    /// - Returns: ``LockAcquisition/acquired``, or ``LockAcquisition/previousOwnerDied(_:)`` when its
    ///   owner died holding it: repair, then ``markConsistent()``.
    /// - Throws: ``InterprocessError`` `notRecoverable` if an earlier owner's death was never
    ///   repaired; `invalidArgument` if the calling thread already holds a non-recursive mutex;
    ///   `resourceLimit` if a recursive mutex's count is at its maximum.
    @discardableResult
    public func lock() throws(InterprocessError) -> LockAcquisition {
        var result = pthread_mutex_trylock(object)
        if result == EBUSY { result = spin() }
        if result == EBUSY { result = pthread_mutex_lock(object) }
        // pthread_mutex_lock neither times out nor reports "busy".
        return try outcome(of: result, operation: "lock mutex") ?? .acquired
    }

    /// Takes the lock if it is free now; never blocks.
    ///
    /// - Returns: nil when another thread or process holds it; otherwise as ``lock()``.
    /// - Throws: ``InterprocessError`` as ``lock()`` does (`invalidArgument` if the calling thread
    ///   already holds a non-recursive mutex).
    public func tryLock() throws(InterprocessError) -> LockAcquisition? {
        try outcome(of: pthread_mutex_trylock(object), operation: "try to lock mutex")
    }

    /// Takes the lock, blocking the calling thread until it is free or `deadline` passes.
    ///
    /// The deadline is absolute on `CLOCK_MONOTONIC`, so the wait never drifts; signals do not
    /// cut it short. ``MonotonicDeadline/never`` waits as ``lock()`` does.
    ///
    /// - Returns: nil if the deadline passed first; otherwise as ``lock()``.
    /// - Throws: ``InterprocessError`` as ``lock()`` does.
    public func lock(until deadline: MonotonicDeadline) throws(InterprocessError) -> LockAcquisition? {
        var result = pthread_mutex_trylock(object)
        if result == EBUSY { result = spin() }
        if result == EBUSY {
            if deadline == .never {
                result = pthread_mutex_lock(object)
            } else {
                var time = deadline.timespecValue
                result = ipc_mutex_clocklock_monotonic(object, &time)
            }
        }
        return try outcome(of: result, operation: "lock mutex")
    }

    /// Takes the lock, blocking the calling thread for at most `timeout`; see ``lock(until:)``.
    public func lock(timeout: Duration) throws(InterprocessError) -> LockAcquisition? {
        try lock(until: .after(timeout))
    }

    /// Releases the lock (for a recursive mutex, one level of it). Never blocks.
    ///
    /// After ``LockAcquisition/previousOwnerDied(_:)``, call ``markConsistent()`` first: unlocking
    /// without it makes the mutex permanently ``InterprocessError/Code/notRecoverable``.
    ///
    /// - Throws: ``InterprocessError`` `invalidArgument` if the calling thread does not hold it.
    public func unlock() throws(InterprocessError) {
        let before = recordRelease()
        let result = pthread_mutex_unlock(object)
        guard result == 0 else {
            ownerRecord = before
            if result == EPERM {
                throw InterprocessError(.invalidArgument, operation: "unlock mutex", name: name, errno: .notPermitted,
                                        reason: "the calling thread does not hold it (a lock is released by the thread that took it)")
            }
            throw .system(Errno(rawValue: result), operation: "unlock mutex", name: name)
        }
    }

    /// Declares the state the mutex protects repaired after
    /// ``LockAcquisition/previousOwnerDied(_:)``, so that the mutex stays usable. Call it while
    /// holding the lock, before ``unlock()``. Never blocks.
    ///
    /// - Throws: ``InterprocessError`` `invalidArgument` if the mutex is not in the owner-died state
    ///   or the calling thread does not hold it.
    public func markConsistent() throws(InterprocessError) {
        let result = pthread_mutex_consistent(object)
        guard result == 0 else {
            throw InterprocessError(.invalidArgument, operation: "mark mutex consistent", name: name, errno: Errno(rawValue: result),
                                    reason: "it is not held by the calling thread after its previous owner died")
        }
    }

    /// Peeks at the lock word and retries while another thread holds it, a bounded number of
    /// times. Returns the last `pthread_mutex_trylock` result, or EBUSY.
    private func spin() -> Int32 {
        // The first 32 bits of glibc's pthread_mutex_t are its futex word; for a robust mutex its
        // low 30 bits are the owner's thread id (0: free, or its owner died).
        let word = UnsafeMutablePointer<Atomic<UInt32>>(OpaquePointer(object))
        for _ in 0..<ProcessMutex.spinLimit {
            ipc_cpu_relax()
            if word.pointee.load(ordering: .relaxed) & 0x3FFF_FFFF == 0 {
                let result = pthread_mutex_trylock(object)
                if result != EBUSY { return result }
            }
        }
        return EBUSY
    }

    /// Turns a pthread result into an acquisition (recording the owner), nil (busy or timed
    /// out), or an error.
    private func outcome(of result: Int32, operation: String) throws(InterprocessError) -> LockAcquisition? {
        switch result {
        case 0:
            recordAcquisition()
            return .acquired
        case EOWNERDEAD:
            return .previousOwnerDied(recordTakeover())
        case EBUSY, ETIMEDOUT:
            return nil
        case ENOTRECOVERABLE:
            releaseWordLeftHeldByNotRecoverable()
            throw InterprocessError(.notRecoverable, operation: operation, name: name, errno: Errno(rawValue: result),
                                    reason: "an owner died holding it and nobody repaired the state it protects (markConsistent was not called), so it stays unusable; re-create it")
        case EDEADLK:
            throw InterprocessError(.invalidArgument, operation: operation, name: name, errno: Errno(rawValue: result),
                                    reason: "the calling thread already holds it, and it is not recursive")
        case EAGAIN:
            throw InterprocessError(.resourceLimit, operation: operation, name: name, errno: Errno(rawValue: result),
                                    reason: "the calling thread holds it the maximum number of times")
        default:
            throw .system(Errno(rawValue: result), operation: operation, name: name)
        }
    }
}
