#if os(Linux)
extension ProcessSemaphore {
    /// Takes a unit, suspending the task while there is none. Never blocks a thread: the wait
    /// sleeps on the process's one waiter thread (see ``ProcessWaiter``).
    ///
    /// ```swift
    /// try await jobs.wait()
    /// ```
    ///
    /// If a unit is there it is taken at once, on the calling thread.
    ///
    /// - Throws: ``InterprocessError/Code/cancelled`` if the task is cancelled before a unit was
    ///   taken (then none was); ``InterprocessError/Code/truncated`` once another process shrank
    ///   the file holding the semaphore (noticed within 20 ms);
    ///   ``InterprocessError/Code/resourceLimit`` if the process's waiter thread could not be
    ///   started.
    public func wait() async throws(InterprocessError) {
        try await wait(until: .never)
    }

    /// Takes a unit, suspending the task at most until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when the deadline passed first (no unit was
    ///   taken); ``InterprocessError/Code/cancelled`` as the async `wait()`.
    public func wait(until deadline: Deadline) async throws(InterprocessError) {
        let operation = "wait on semaphore"
        try ProcessWaiter.checkCancellation(operation: operation, name: name)
        if tryWait() { return }
        if deadline.hasPassed { try ProcessWaiter.requireAcquired(.timedOut, operation: operation, name: name) }
        let parking = self.parking
        let attempt = parking.attemptCheck(truncation: truncation) { [count = UnsafeSendable(parking.word)] seen in
            ProcessSemaphore.attemptToTake(from: count.value, seen: seen)
        }
        let outcome = try await ProcessWaiter.shared.wait(on: parking, until: deadline, operation: operation, name: name,
                                                          check: attempt)
        // The guard's own message says how many pages were lost; the generic one is a fallback.
        if outcome == .truncated, let problem = TruncationGuard.problem(truncation, operation: operation, name: name) { throw problem }
        try ProcessWaiter.requireAcquired(outcome, operation: operation, name: name)
        // As a blocked waiter does: hand a wake-up on if units are left. Here, after the waiter
        // thread withdrew this wait from the waiter count (in the check, this wait's own count
        // would make it wake someone even with no other waiter) and outside its lock.
        ProcessSemaphore.passOnWakeUp(parking)
    }

    /// Takes a unit, suspending the task at most `timeout` (see the async `wait(until:)`).
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when the time ran out first.
    public func wait(timeout: Duration) async throws(InterprocessError) {
        try await wait(until: .after(timeout))
    }
}
#endif
