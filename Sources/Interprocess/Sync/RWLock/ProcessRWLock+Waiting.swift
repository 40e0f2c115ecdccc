#if os(Linux)
extension ProcessRWLock {
    /// How many times a waiter re-reads the lock (with a CPU pause) before it sleeps.
    static let spinLimit = 100

    /// Where readers and writers wait for the owner word to change: every release bumps the
    /// release sequence. Sleeps last at most ``FutexParking/recheckInterval``, so a waiter also
    /// notices a dead holder (which nobody wakes it for) within that time.
    var releaseParking: FutexParking { FutexParking(word: words.releaseSequence, waiters: words.releaseSleepers) }

    /// Where a writer waits for readers to leave, and a reader for a free slot: a reader that
    /// leaves bumps the drain sequence if anyone sleeps on it.
    var drainParking: FutexParking { FutexParking(word: words.drainSequence, waiters: words.drainSleepers) }

    /// The error every lock attempt throws once the lock is not recoverable.
    func notRecoverableError(_ action: String) -> InterprocessError {
        InterprocessError(.notRecoverable, operation: "\(action) a reader-writer lock", name: name,
                          reason: "a writer took it over from a dead owner and released it without markConsistent(), so the state it protects cannot be trusted")
    }

    /// The most compare-and-exchanges in a row one step makes on a word before it gives up: a
    /// healthy lock never loses this many races on one slot, a peer rewriting it may.
    static let casAttempts = 1024
}
#endif
