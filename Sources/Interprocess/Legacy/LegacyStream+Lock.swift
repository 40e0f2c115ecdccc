#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The version-2 lock word: `0 → 1` with a compare-and-exchange (acquire), `0` stored to release
/// — the C++ side's protocol. It has no owner, so a wait always ends at a deadline.
extension LegacyStream {
    /// How long a lock wait may last: not at all, until a deadline, or for a duration from the
    /// first failed attempt (so that the uncontended path reads no clock).
    enum LockWait {
        case tryOnce
        case until(Deadline)
        case timeout(Duration)
    }

    /// Runs `body` holding the lock word (version 2; version 1 has none and runs it at once).
    /// Returns nil, without running it, when `wait` is `.tryOnce` and the word is set.
    ///
    /// - Throws: `timedOut` when the word stays set until the wait's end.
    @inline(__always)
    func withLock<Result>(
        _ wait: LockWait, operation: String, _ body: () throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result? {
        guard layout == .version2 else { return try body() }
        let lock = storage.lockWord
        if !lock.pointee.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
            guard try waitForLock(wait, operation: operation) else { return nil }
        }
        defer { lock.pointee.store(0, ordering: .releasing) }
        return try body()
    }

    /// The contended path: retries until the lock word is taken (true) or, for `.tryOnce`, at
    /// once (false).
    func waitForLock(_ wait: LockWait, operation: String) throws(InterprocessError) -> Bool {
        let deadline: Deadline
        switch wait {
        case .tryOnce: return false
        case .until(let until): deadline = until
        case .timeout(let timeout): deadline = .after(timeout)
        }
        let lock = storage.lockWord
        var attempts = 0
        while !lock.pointee.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
            attempts += 1
            // The C++ holder copies one value and lets go: spin a little, then yield the CPU in
            // short sleeps so that a holder preempted on this CPU can run.
            if attempts < 1024 {
                CPU.relax()
            } else {
                if deadline.hasPassed { throw lockTimedOut(operation) }
                usleep(50)
            }
        }
        return true
    }

    func lockTimedOut(_ operation: String) -> InterprocessError {
        InterprocessError(.timedOut, operation: operation, name: name,
                          reason: "its lock word (offset 16) stayed set until the deadline: a writer or reader holds it, or died holding it (libsharedmemory's lock has no owner; breakLock() clears it when its holder is known to be dead)")
    }
}
#endif
