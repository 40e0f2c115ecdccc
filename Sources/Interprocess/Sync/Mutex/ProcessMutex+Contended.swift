#if os(Linux)
import Synchronization
internal import SystemPackage

extension ProcessMutex {
    /// The first sleep of a waiter is short, so that an owner already dead when the waiter came
    /// is noticed quickly; later ones last ``ownerCheckInterval``. Each `/proc` check is then paid
    /// for by at least this much sleep, and an ordinary handoff (a wake-up) reads no `/proc` at all.
    static let firstSlice = Duration.milliseconds(2)

    /// The slow path of the locks: the word was not 0. Validates the word on every read; spins,
    /// then sleeps in slices, checking after each whether the owner is alive. `deadline` nil: try
    /// once, never sleep.
    @usableFromInline
    func contendedLock(thread me: UInt32, until deadline: Deadline?) throws(InterprocessError) -> LockAcquisition? {
        let operation = deadline == nil ? "try to lock mutex" : "lock mutex"
        // Known shrunk (between the caller's look and its compare-and-exchange): say so, and
        // leave the words alone.
        try requireNotTruncated(operation: operation)
        var spins = 0, attempts = 0
        var slept = false
        var slice = ProcessMutex.firstSlice
        var unrecorded: UnrecordedSighting?
        while true {
            // A word that keeps changing under failed compare-and-swaps (a hostile writer) must
            // not keep a try going, nor a lock past its deadline.
            attempts &+= 1
            if attempts > ProcessMutex.spinLimit, attempts & 63 == 0 {
                guard let deadline, !deadline.hasPassed else { return nil }
            }
            let seen = word.pointee.load(ordering: .relaxed)
            switch try lockWordState(seen, operation: operation) {
            case .notRecoverable:
                throw notRecoverableError(operation: operation)
            case .free:
                // A waiter that slept keeps the waiters bit: others may sleep too, and its unlock
                // must wake one of them.
                let desired = slept || seen & LockWord.waitersBit != 0 ? me | LockWord.waitersBit : me
                if word.pointee.compareExchange(expected: seen, desired: desired, successOrdering: .acquiring, failureOrdering: .relaxed).exchanged {
                    recordOwner(thread: me)
                    return .acquired
                }
            case .held(let owner, _) where owner == me && ownerRecordNamesCaller(thread: me):
                return try relock(operation: operation)
            case .held:
                guard let deadline else { return try takeOverIfOwnerDied(thread: me, operation: operation, unrecorded: &unrecorded) }
                if spins < ProcessMutex.spinLimit {
                    spins += 1
                    CPU.relax()
                    continue
                }
                if deadline.hasPassed { return try takeOverIfOwnerDied(thread: me, operation: operation, unrecorded: &unrecorded) }
                var expected = seen
                if seen & LockWord.waitersBit == 0 {
                    expected = seen | LockWord.waitersBit
                    guard word.pointee.compareExchange(expected: seen, desired: expected, ordering: .relaxed).exchanged else { continue }
                }
                slept = true
                let sliceEnd = Deadline.after(slice).earlier(than: deadline)
                if Futex.wait(on: UnsafeMutablePointer(OpaquePointer(word)), expecting: expected, until: sliceEnd) == .timedOut {
                    slice = ProcessMutex.ownerCheckInterval
                    if let acquisition = try takeOverIfOwnerDied(thread: me, operation: operation, unrecorded: &unrecorded) { return acquisition }
                }
            }
        }
    }

    /// Takes the lock again on the thread that holds it: counted if recursive, refused otherwise.
    func relock(operation: String) throws(InterprocessError) -> LockAcquisition {
        guard isRecursive else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name, errno: .deadlock,
                                    reason: "the calling thread already holds it, and it is not recursive")
        }
        let levels = depth.pointee.load(ordering: .relaxed)
        guard levels >= 1 else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its lock word names the calling thread, but its owner record counts \(levels) acquisitions")
        }
        guard levels < UInt32.max else {
            throw InterprocessError(.resourceLimit, operation: operation, name: name, errno: .resourceTemporarilyUnavailable,
                                    reason: "the calling thread holds it the maximum number of times")
        }
        depth.pointee.store(levels &+ 1, ordering: .relaxed)
        return .acquired
    }

    /// The slow path of unlock: a recursive level, an owner-died state, a waiter, or a caller that
    /// does not hold the lock (checked before anything is written).
    @usableFromInline
    func contendedUnlock(thread me: UInt32) throws(InterprocessError) {
        let operation = "unlock mutex"
        let seen = word.pointee.load(ordering: .relaxed)
        guard case .held(me, let inconsistent) = try lockWordState(seen, operation: operation),
              ownerRecordNamesCaller(thread: me)
        else {
            // Shrunk under the holder: the word now reads as zeros, and the lock is gone for all.
            // (A holder whose word is intact, the shrink having cut other pages, still releases.)
            try requireNotTruncated(operation: operation)
            throw InterprocessError(.invalidArgument, operation: operation, name: name, errno: .notPermitted,
                                    reason: "the calling thread does not hold it (a lock is released by the thread that took it)")
        }
        if isRecursive {
            let levels = depth.pointee.load(ordering: .relaxed)
            guard levels >= 1 else {
                throw InterprocessError(.corrupt, operation: operation, name: name,
                                        reason: "its lock word names the calling thread, but its owner record counts \(levels) acquisitions")
            }
            if levels > 1 {
                depth.pointee.store(levels &- 1, ordering: .relaxed)
                return
            }
        }
        clearOwner()
        if inconsistent {
            // Unrepaired: nobody may use the state again. Wake every sleeper so that each is told.
            word.pointee.store(LockWord.notRecoverable, ordering: .releasing)
            Futex.wake(UnsafeMutablePointer(OpaquePointer(word)))
            return
        }
        if word.pointee.exchange(0, ordering: .releasing) & LockWord.waitersBit != 0 { wakeOneWaiter() }
    }

    /// Wakes one thread sleeping on the lock word.
    @usableFromInline
    func wakeOneWaiter() {
        Futex.wake(UnsafeMutablePointer(OpaquePointer(word)), count: 1)
    }

    /// Declares the state the mutex protects repaired after
    /// ``LockAcquisition/previousOwnerDied(_:)``, so that the mutex stays usable. Call it while
    /// holding the lock, before ``unlock()``. Never blocks.
    ///
    /// - Throws: ``InterprocessError`` `invalidArgument` if the mutex is not in the owner-died state
    ///   or the calling thread does not hold it; `corrupt` for a lock word no mutex writes.
    public func markConsistent() throws(InterprocessError) {
        let me = ThreadID.current
        var seen = word.pointee.load(ordering: .relaxed)
        while true {
            guard case .held(me, true) = try lockWordState(seen, operation: "mark mutex consistent"),
                  ownerRecordNamesCaller(thread: me)
            else {
                throw InterprocessError(.invalidArgument, operation: "mark mutex consistent", name: name, errno: .invalidArgument,
                                        reason: "it is not held by the calling thread after its previous owner died")
            }
            // Waiters may set their bit meanwhile: clear only ours.
            let (exchanged, original) = word.pointee.compareExchange(
                expected: seen, desired: seen & ~LockWord.inconsistentBit, ordering: .relaxed)
            if exchanged { return }
            seen = original
        }
    }

    /// The error of a lock whose deadline passed first.
    @usableFromInline
    func timedOut() -> InterprocessError {
        InterprocessError(.timedOut, operation: "lock mutex", name: name,
                          reason: "another thread or process held it until the deadline passed")
    }

    /// Gives back what was just acquired (one level), then returns the `truncated` error. The
    /// fault count is the whole mapping's: the lock word's own page may be intact (a shrink
    /// that cut only later pages), and a real lock kept by a caller who was told it failed
    /// would block every other process. On a zero page the release writes only there. An
    /// owner-died takeover released this way is unrepaired: as with any such unlock, the mutex
    /// becomes not recoverable.
    @usableFromInline
    func releaseAfterTruncation(thread me: UInt32, operation: String) -> InterprocessError {
        if word.pointee.load(ordering: .relaxed) & ~LockWord.waitersBit == me,
           !isRecursive || depth.pointee.load(ordering: .relaxed) == 1 {
            clearOwner()
            if word.pointee.exchange(0, ordering: .releasing) & LockWord.waitersBit != 0 { wakeOneWaiter() }
        } else {
            try? contendedUnlock(thread: me)
        }
        return truncatedError(operation: operation)
    }

    /// The error of an acquisition or release on a mutex whose file a peer shrank.
    @usableFromInline
    func truncatedError(operation: String) -> InterprocessError {
        InterprocessError(.truncated, operation: operation, name: name,
                          reason: "the file holding it was truncated by another process: pages of its mapping read as zeros here, and a lock word among them would exclude no other process")
    }

    func notRecoverableError(operation: String) -> InterprocessError {
        InterprocessError(.notRecoverable, operation: operation, name: name, errno: .notRecoverable,
                          reason: "an owner died holding it and nobody repaired the state it protects (markConsistent was not called), so it stays unusable; re-create it")
    }
}
#endif
