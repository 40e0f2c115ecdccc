#if os(Linux)
/// Async reads: the task suspends on the process's waiter thread (``ProcessWaiter``), never
/// blocking a thread of the cooperative pool; cancellation throws `cancelled`.
extension JournalTailer {
    /// The next record, copied, suspending the task at most until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut``; ``InterprocessError/Code/cancelled``.
    public mutating func next(until deadline: Deadline) async throws(InterprocessError) -> JournalEntry {
        let operation = "read from journal"
        while true {
            if let entry = try tryNext() { return entry }
            try ProcessWaiter.checkCancellation(operation: operation, name: control.directory)
            if deadline.hasPassed { try ProcessWaiter.requireAcquired(.timedOut, operation: operation, name: control.directory) }
            // A cycle file shrunk by another process reads as zeros here: no record, ever.
            try cycle.file.region.checkNotTruncated(operation: operation, name: cycle.path)
            let parking = control.parking
            let truncation = cycle.file.region.guardSlot
            let outcome = try await ProcessWaiter.shared.wait(
                on: parking, until: deadline, operation: operation, name: control.directory
            ) { [cycle, position, nextSequence, word = UnsafeSendable(parking.word)] in
                // The writer's commit may be a release store (its half of the asymmetric fence).
                AsymmetricFence.rareSide()
                let seen = word.value.pointee.load(ordering: .sequentiallyConsistent)
                guard JournalTailer.isBlocked(cycle, at: position, expecting: nextSequence) else { return .proceed }
                return TruncationGuard.faults(truncation) != 0 ? .truncated : .sleep(expecting: seen)
            }
            // Timed out or truncated: the loop's own checks report it.
            if outcome == .cancelled { try ProcessWaiter.requireAcquired(outcome, operation: operation, name: control.directory) }
        }
    }

    /// The next record, copied, suspending the task at most `timeout`.
    public mutating func next(timeout: Duration) async throws(InterprocessError) -> JournalEntry {
        try await next(until: .after(timeout))
    }

    /// The next record, copied, suspending the task as long as it takes.
    public mutating func next() async throws(InterprocessError) -> JournalEntry {
        try await next(until: .never)
    }
}
#endif
