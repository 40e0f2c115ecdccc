#if os(Linux)
/// The server's receive forms (`docs/CONVENTIONS.md`): `receive` blocks, `tryReceive` returns nil
/// at once, `receive(until:)` / `receive(timeout:)` throw `.timedOut`, and the `async` forms
/// suspend the task on the process's waiter thread. Each returns the next request, read in
/// place; answer it before its value goes away (an unanswered request is completed then).
extension Server {
    /// Waits for the next request.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func receive() throws(InterprocessError) -> ReceivedRequest {
        try _receive(until: .never)!
    }

    /// Returns the next request, or nil at once when none is waiting.
    public mutating func tryReceive() throws(InterprocessError) -> ReceivedRequest? {
        try _receive(until: nil)
    }

    /// Waits until `deadline` for the next request.
    ///
    /// - Throws: `.timedOut` when the deadline passes first.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func receive(until deadline: Deadline) throws(InterprocessError) -> ReceivedRequest {
        try _receive(until: deadline)!
    }

    /// Waits up to `timeout` for the next request.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func receive(timeout: Duration) throws(InterprocessError) -> ReceivedRequest {
        try receive(until: .after(timeout))
    }

    /// Suspends the task until the next request arrives.
    public mutating func receive() async throws(InterprocessError) -> ReceivedRequest {
        try await receive(until: .never)
    }

    /// Suspends the task at most until `deadline` for the next request.
    public mutating func receive(until deadline: Deadline) async throws(InterprocessError) -> ReceivedRequest {
        while true {
            if let request = try _receive(until: nil) { return request }
            try await Server.awaitRequest(storage, until: deadline)
        }
    }

    /// Suspends the task at most `timeout` for the next request.
    public mutating func receive(timeout: Duration) async throws(InterprocessError) -> ReceivedRequest {
        try await receive(until: .after(timeout))
    }

    /// Suspends the task until a request may be waiting, `deadline` passes (`.timedOut`) or the
    /// task is cancelled (`.cancelled`).
    static func awaitRequest(_ storage: RequestResponseStorage, until deadline: Deadline) async throws(InterprocessError) {
        let operation = "receive from request-response service"
        try ProcessWaiter.checkCancellation(operation: operation, name: storage.name)
        if deadline.hasPassed || storage.wasTruncated {
            throw storage.waitEnded(operation, reason: "no request arrived before the deadline")
        }
        let parking = storage.serverParking
        let outcome = try await ProcessWaiter.shared.wait(
            on: parking, until: deadline, operation: operation, name: storage.name,
            check: parking.blockedCheck(truncation: storage.segment.memory.region.guardSlot) { !Server.hasPending(storage) })
        // Timed out or truncated: the caller's next call of this reports it.
        if outcome == .cancelled { try ProcessWaiter.requireAcquired(outcome, operation: operation, name: storage.name) }
    }
}
#endif
