#if os(Linux)
extension ProcessEvent {
    /// Waits until the event is set, suspending the task meanwhile. Never blocks a thread: the
    /// wait sleeps on the process's one waiter thread (see ``ProcessWaiter``).
    ///
    /// ```swift
    /// try await ready.wait()
    /// ```
    ///
    /// If the event is set it returns at once (an auto-reset event's signal is taken).
    ///
    /// - Throws: ``InterprocessError/Code/cancelled`` if the task is cancelled before the event
    ///   released it (an auto-reset signal is then left for another waiter);
    ///   ``InterprocessError/Code/truncated`` once another process shrank the file holding the
    ///   event (noticed within 20 ms);
    ///   ``InterprocessError/Code/resourceLimit`` if the process's waiter thread could not be started.
    public func wait() async throws(InterprocessError) {
        try await wait(until: .never)
    }

    /// Waits until the event is set, suspending the task at most until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when the deadline passed first;
    ///   ``InterprocessError/Code/cancelled`` as the async `wait()`.
    public func wait(until deadline: Deadline) async throws(InterprocessError) {
        let operation = "wait on event"
        try ProcessWaiter.checkCancellation(operation: operation, name: name)
        let entry = stateWord.pointee.load(ordering: .acquiring)
        if tryTake(entry) { return }
        if deadline.hasPassed { try ProcessWaiter.requireAcquired(.timedOut, operation: operation, name: name) }
        let parking = self.parking, mode = self.mode
        let check = parking.attemptCheck(truncation: truncation) { [state = UnsafeSendable(parking.word)] seen in
            ProcessEvent.attemptToTake(from: state.value, mode: mode, entry: entry, seen: seen)
        }
        let outcome = try await ProcessWaiter.shared.wait(on: parking, until: deadline, operation: operation, name: name, check: check)
        // The guard's own message says how many pages were lost; the generic one is a fallback.
        // Also after .acquired: a manual-reset waiter is released by a generation other than its
        // entry's, and a shrunk file's zeros are one — not a set.
        if let problem = TruncationGuard.problem(truncation, operation: operation, name: name) { throw problem }
        try ProcessWaiter.requireAcquired(outcome, operation: operation, name: name)
    }

    /// Waits until the event is set, suspending the task at most `timeout` (see the async
    /// `wait(until:)`).
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when the time ran out first.
    public func wait(timeout: Duration) async throws(InterprocessError) {
        try await wait(until: .after(timeout))
    }
}
#endif
