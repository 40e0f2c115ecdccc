#if os(Linux)
/// The publisher's async wait for `.block` subscribers: it suspends the task on the process's
/// waiter thread (``ProcessWaiter``), never blocking a thread of the cooperative pool.
extension Publisher {
    /// Suspends the task until `next` may be published (every live `.block` subscriber less
    /// than a buffer behind), `deadline` passes (`.timedOut`) or the task is cancelled
    /// (`.cancelled`).
    public mutating func waitForSubscribers(until deadline: Deadline) async throws(InterprocessError) {
        let operation = "send to service"
        let storage = service.storage
        while true {
            try ProcessWaiter.checkCancellation(operation: operation, name: storage.name)
            if refreshGate() { return }
            if deadline.hasPassed { try ProcessWaiter.requireAcquired(.timedOut, operation: operation, name: storage.name) }
            let sequence = next
            let parking = storage.progressParking
            let outcome = try await ProcessWaiter.shared.wait(
                on: parking, until: deadline, operation: operation, name: storage.name,
                check: parking.blockedCheck { !Publisher.allows(sequence, storage) })
            if outcome != .timedOut { try ProcessWaiter.requireAcquired(outcome, operation: operation, name: storage.name) }
        }
    }
}
#endif
