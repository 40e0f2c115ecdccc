#if os(Linux)
import Synchronization

/// The subscriber's async wait: it suspends the task on the process's waiter thread
/// (``ProcessWaiter``), never blocking a thread of the cooperative pool.
extension Subscriber {
    /// Suspends the task until there is something new at the cursor (a sample, or a lap to
    /// account), `deadline` passes (`.timedOut`) or the task is cancelled (`.cancelled`).
    public mutating func waitForSample(until deadline: Deadline) async throws(InterprocessError) {
        let operation = "receive from service"
        let storage = service.storage
        while true {
            try ProcessWaiter.checkCancellation(operation: operation, name: storage.name)
            let word = sequenceWord(at: cursor)
            let observed = word.pointee.load(ordering: .acquiring)
            if !Subscriber.isNothingNew(observed, at: cursor) { return }
            if deadline.hasPassed { try ProcessWaiter.requireAcquired(.timedOut, operation: operation, name: storage.name) }
            let outcome = try await Subscriber.awaitChange(of: word, from: observed, storage: storage, parked: parkedWord, until: deadline)
            if outcome != .timedOut { try ProcessWaiter.requireAcquired(outcome, operation: operation, name: storage.name) }
        }
    }

    /// The sequence word of the ring entry for `position`.
    func sequenceWord(at position: UInt64) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (records + (Int(truncatingIfNeeded: position) & mask) &* recordStride + ServiceLayout.entrySequenceOffset)
            .assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// Whether an entry holding `sequence` has nothing for a subscriber at `position`: nothing
    /// published there yet, or an older lap.
    static func isNothingNew(_ sequence: UInt64, at position: UInt64) -> Bool {
        sequence == ServiceLayout.noSequence || Int64(bitPattern: sequence &- position) < 0
    }

    /// Registers with the waiter thread until `word` no longer holds `observed`.
    ///
    /// - Throws: `truncated` once the service's segment was shrunk under this mapping (its
    ///   words then read as zeros that never change).
    static func awaitChange(
        of word: UnsafeMutablePointer<Atomic<UInt64>>, from observed: UInt64, storage: ServiceStorage,
        parked: UnsafeMutablePointer<Atomic<UInt32>>, until deadline: Deadline
    ) async throws(InterprocessError) -> ParkingOutcome {
        let operation = "receive from service"
        let parking = storage.publicationParking
        let watched = UnsafeSendable(word)
        let truncation = storage.segment.memory.region.guardSlot
        parked.pointee.store(1, ordering: .relaxed)
        defer { parked.pointee.store(0, ordering: .relaxed) }
        let outcome = try await ProcessWaiter.shared.wait(
            on: parking, until: deadline, operation: operation, name: storage.name,
            check: parking.blockedCheck(truncation: truncation) {
                watched.value.pointee.load(ordering: .sequentiallyConsistent) == observed
            })
        if outcome == .truncated, let problem = storage.segment.memory.truncationProblem(operation: operation) { throw problem }
        return outcome
    }
}
#endif
