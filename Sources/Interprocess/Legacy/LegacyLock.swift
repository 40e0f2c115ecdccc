#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// libsharedmemory's lock words: `0 → 1` with a compare-and-exchange (acquire), `0` stored to
/// release — the C++ side's protocol. They have no owner, so every wait ends at a deadline.
enum LegacyLock {
    /// How long a lock wait may last: not at all, until a deadline, or for a duration from the
    /// first failed attempt (so that the uncontended path reads no clock).
    enum Wait {
        case tryOnce
        case until(Deadline)
        case timeout(Duration)
    }

    /// Runs `body` holding `word`. Returns nil, without running it, when `wait` is `.tryOnce`
    /// and the word is set.
    ///
    /// - Throws: `timedOut` (naming the word) when it stays set until the wait's end.
    @inline(__always)
    static func withLock<Result>(
        _ word: UnsafeMutablePointer<Atomic<UInt32>>, _ wait: Wait, failure: () -> InterprocessError,
        _ body: () throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result? {
        if !word.pointee.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
            guard try waitFor(word, wait, failure: failure) else { return nil }
        }
        defer { word.pointee.store(0, ordering: .releasing) }
        return try body()
    }

    /// The contended path: retries until the word is taken (true) or, for `.tryOnce`, at once (false).
    static func waitFor(
        _ word: UnsafeMutablePointer<Atomic<UInt32>>, _ wait: Wait, failure: () -> InterprocessError
    ) throws(InterprocessError) -> Bool {
        let deadline: Deadline
        switch wait {
        case .tryOnce: return false
        case .until(let until): deadline = until
        case .timeout(let timeout): deadline = .after(timeout)
        }
        var attempts = 0
        while !word.pointee.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
            attempts += 1
            // The C++ holder copies one value and lets go: spin a little, then yield the CPU in
            // short sleeps so that a holder preempted on this CPU can run.
            if attempts < 1024 {
                CPU.relax()
            } else {
                if deadline.hasPassed { throw failure() }
                usleep(50)
            }
        }
        return true
    }

    /// Runs `attempt` until it succeeds or `deadline` passes (then throws `timedOut()`),
    /// spinning briefly, then sleeping 50 µs doubling to 1 ms between tries: the C++ side
    /// wakes nobody, so waiting for a value, a message or room polls. A segment shrunk under
    /// `truncation`'s mapping (its words zeros that never change) ends the wait in `truncated`.
    static func poll(
        until deadline: Deadline, truncation: TruncationProbe, timedOut: () -> InterprocessError, _ attempt: () throws(InterprocessError) -> Bool
    ) throws(InterprocessError) {
        var pause: UInt32 = 50
        var spins = 0
        while try !attempt() {
            if deadline.hasPassed || truncation.pages != 0 {
                let error = timedOut()
                throw truncation.problem(operation: error.operation) ?? error
            }
            if spins < 4096 {
                spins += 1
                CPU.relax()
            } else {
                usleep(pause)
                pause = Swift.min(pause * 2, 1000)
            }
        }
    }

    /// The error for a lock word that stayed set.
    static func timedOut(_ operation: String, name: String, word: String, offset: Int, takeover: String) -> InterprocessError {
        InterprocessError(.timedOut, operation: operation, name: name,
                          reason: "its \(word) (offset \(offset)) stayed set until the deadline: another process holds it, or died holding it (libsharedmemory's locks have no owner; \(takeover) clears it when its holder is known to be dead)")
    }
}

extension LegacyStream {
    /// Runs `body` holding the lock word (version 2; version 1 has none and runs it at once).
    @inline(__always)
    func withLock<Result>(
        _ wait: LegacyLock.Wait, operation: String, _ body: () throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result? {
        guard layout == .version2 else { return try body() }
        return try LegacyLock.withLock(storage.lockWord, wait, failure: {
            LegacyLock.timedOut(operation, name: name, word: "lock word", offset: LegacyStreamLayout.lockOffset, takeover: "breakLock()")
        }, body)
    }
}
#endif
