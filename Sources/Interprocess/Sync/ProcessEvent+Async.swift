extension ProcessEvent {
    /// Waits until the event is set, suspending the task (never blocking a thread of the
    /// cooperative pool).
    ///
    /// If the event is set it returns at once. Otherwise a thread of its own sleeps on the event
    /// and resumes the task.
    ///
    /// - Throws: `CancellationError` if the task is cancelled before the event released it (an
    ///   auto-reset signal is then left for another waiter); ``InterprocessError/Code/resourceLimit``
    ///   if no waiting thread could be started.
    public func wait() async throws {
        _ = try await wait(until: .never)
    }

    /// Waits until the event is set, suspending the task (never blocking a thread of the
    /// cooperative pool) at most until `deadline`.
    ///
    /// - Returns: true when the event was set, false when the deadline passed first.
    /// - Throws: `CancellationError` if the task is cancelled before the event released it;
    ///   ``InterprocessError/Code/resourceLimit`` if no waiting thread could be started.
    public func wait(until deadline: Deadline) async throws -> Bool {
        try Task.checkCancellation()
        let entry = stateWord.pointee.load(ordering: .acquiring)
        if tryTake(entry) { return true }
        if deadline.hasPassed { return false }
        let parking = self.parking, mode = self.mode
        return try await AsyncParking.wait(parking, operation: "wait on an event", name: name) { cancellation in
            parking.park(until: deadline, isCancelled: { cancellation.isCancelled }) {
                ProcessEvent.attemptToTake(from: parking.word, mode: mode, entry: entry, seen: $0)
            }
        }
    }

    /// Waits until the event is set, suspending the task at most `timeout` (see the async
    /// `wait(until:)`).
    ///
    /// - Returns: true when the event was set, false when the time ran out first.
    public func wait(timeout: Duration) async throws -> Bool {
        try await wait(until: .after(timeout))
    }
}
