extension ProcessSemaphore {
    /// Takes a unit, suspending the task (never blocking a thread of the cooperative pool) while
    /// there is none.
    ///
    /// If a unit is there it is taken at once, on the calling thread. Otherwise a thread of its
    /// own sleeps on the semaphore and resumes the task.
    ///
    /// - Throws: `CancellationError` if the task is cancelled before a unit was taken (then
    ///   none was); ``InterprocessError/Code/resourceLimit`` if no waiting thread could be started.
    public func wait() async throws {
        _ = try await wait(until: .never)
    }

    /// Takes a unit, suspending the task (never blocking a thread of the cooperative pool) at
    /// most until `deadline`.
    ///
    /// - Returns: true when a unit was taken, false when the deadline passed first.
    /// - Throws: `CancellationError` if the task is cancelled before a unit was taken (then
    ///   none was); ``InterprocessError/Code/resourceLimit`` if no waiting thread could be started.
    public func wait(until deadline: Deadline) async throws -> Bool {
        try Task.checkCancellation()
        if tryWait() { return true }
        if deadline.hasPassed { return false }
        let parking = self.parking
        return try await AsyncParking.wait(parking, operation: "wait on a semaphore", name: name) { cancellation in
            let outcome = parking.park(until: deadline, isCancelled: { cancellation.isCancelled }) {
                ProcessSemaphore.attemptToTake(from: parking.word, seen: $0)
            }
            if outcome == .acquired { ProcessSemaphore.passOnWakeUp(parking) }
            return outcome
        }
    }

    /// Takes a unit, suspending the task at most `timeout` (see the async `wait(until:)`).
    ///
    /// - Returns: true when a unit was taken, false when the time ran out first.
    public func wait(timeout: Duration) async throws -> Bool {
        try await wait(until: .after(timeout))
    }
}
