#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ProcessRWLock {
    /// How many times a waiter re-reads the lock (with a CPU pause) before it sleeps.
    static let spinLimit = 100

    /// The longest a waiter sleeps before it checks again whether the process it waits for is
    /// alive: a dead holder is noticed within this time even though nobody wakes the waiter.
    static let sliceLength: Duration = .milliseconds(20)

    /// The end of the next sleep: one slice from now, or the deadline if that is sooner.
    static func slice(until deadline: MonotonicDeadline) -> MonotonicDeadline {
        MonotonicDeadline.after(sliceLength).earlier(than: deadline)
    }

    /// Sleeps until `deadline` (absolute, monotonic), through signals.
    static func sleep(until deadline: MonotonicDeadline) {
        var time = deadline.timespecValue
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
    }

    /// The error every lock attempt throws once the lock is not recoverable.
    func notRecoverableError(_ action: String) -> InterprocessError {
        InterprocessError(.notRecoverable, operation: "\(action) a reader-writer lock", name: name,
                          reason: "a writer took it over from a dead owner and released it without markConsistent(), so the state it protects cannot be trusted")
    }
}
