#if os(Linux)
/// The producer's `async` sends: they suspend the task while the queue is full, sleeping on the
/// process's one waiter thread (see ``ProcessWaiter``), and never block a thread.
///
/// Like the blocking sends, a waiting producer looks for a dead consumer's slot at the tail now
/// and then: its task is resumed at least every ``ProcessWaiter/recheckInterval`` (20 ms) to
/// look (every 2 ms while a process holds the slot). Each resumption re-registers with the
/// waiter thread: 1,000 sending tasks waiting on a full queue cost about 50,000 task
/// resumptions a second.
extension MPMCProducer {
    /// Claims a slot, suspending the task until there is room.
    mutating func claimSlot(until deadline: Deadline) async throws(InterprocessError) -> (slot: UnsafeMutableRawPointer, position: UInt64) {
        let operation = "send to queue", name = mapping.storage.name
        let parking = FutexParking(word: mapping.word32(MPMCLayout.notFullOffset), waiters: mapping.word32(MPMCLayout.producersWaitingOffset))
        let view = MPMCRingView(mapping, index: MPMCLayout.tailOffset)
        while true {
            try ProcessWaiter.checkCancellation(operation: operation, name: name)
            if let claim = try claimSlot() { return claim }
            let (recovered, claimed) = recoverDeadReaderAtTail()
            if recovered { continue }
            if deadline.hasPassed { try ProcessWaiter.requireAcquired(.timedOut, operation: operation, name: name) }
            let slice = deadline.earlier(than: .after(claimed ? MPMCMapping.recoveryInterval : FutexParking.recheckInterval))
            let outcome = try await ProcessWaiter.shared.wait(
                on: parking, until: slice, operation: operation, name: name,
                check: parking.blockedCheck { !view.spaceMayBeAvailable() })
            if outcome == .cancelled { try ProcessWaiter.requireAcquired(outcome, operation: operation, name: name) }
        }
    }

    /// Sends a copy of `value`'s bytes, suspending the task while the queue is full.
    ///
    /// - Throws: ``InterprocessError/Code/cancelled`` when the task is cancelled (nothing is
    ///   sent); ``InterprocessError/Code/invalidArgument`` for a value larger than ``slotSize``.
    public mutating func send<Value: InterprocessValue>(_ value: Value) async throws(InterprocessError) {
        try await send(value, until: .never)
    }

    /// Sends a copy of `value`'s bytes, suspending the task at most until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when the deadline passed first (nothing was sent).
    public mutating func send<Value: InterprocessValue>(_ value: Value, until deadline: Deadline) async throws(InterprocessError) {
        let size = MemoryLayout<Value>.size
        guard size <= slotSize else { throw recordSizeError(size) }
        let (slot, position) = try await claimSlot(until: deadline)
        (slot + MPMCLayout.slotPayloadOffset).storeBytes(of: value, as: Value.self)
        publish(slot, position: position, count: size)
    }

    /// Sends a copy of `value`'s bytes, suspending the task at most `timeout`.
    public mutating func send<Value: InterprocessValue>(_ value: Value, timeout: Duration) async throws(InterprocessError) {
        try await send(value, until: .after(timeout))
    }

    /// Sends a copy of `bytes` as one record, suspending the task while the queue is full.
    ///
    /// - Throws: ``InterprocessError/Code/cancelled`` when the task is cancelled (nothing is
    ///   sent); ``InterprocessError/Code/invalidArgument`` for more than ``slotSize`` bytes.
    public mutating func send(contentsOf bytes: some Collection<UInt8>) async throws(InterprocessError) {
        try await send(contentsOf: bytes, until: .never)
    }

    /// Sends a copy of `bytes` as one record, suspending the task at most until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when the deadline passed first (nothing was sent).
    public mutating func send(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline) async throws(InterprocessError) {
        let count = bytes.count
        guard count <= slotSize else { throw recordSizeError(count) }
        let (slot, position) = try await claimSlot(until: deadline)
        // A collection whose iteration disagrees with its `count` sends what it yielded (at most
        // `count` bytes), never stale bytes or a trap.
        let copied = QueueBytes.copy(bytes, into: UnsafeMutableRawBufferPointer(start: slot + MPMCLayout.slotPayloadOffset, count: count))
        publish(slot, position: position, count: copied)
    }

    /// Sends a copy of `bytes` as one record, suspending the task at most `timeout`.
    public mutating func send(contentsOf bytes: some Collection<UInt8>, timeout: Duration) async throws(InterprocessError) {
        try await send(contentsOf: bytes, until: .after(timeout))
    }

    /// Like ``trySend(upTo:_:)``, suspending the task while the queue is full.
    ///
    /// - Throws: ``InterprocessError/Code/cancelled`` when the task is cancelled (`write` is not
    ///   called); ``InterprocessError/Code/invalidArgument`` for `byteCount` outside
    ///   0...``slotSize``; what `write` throws (the slot is skipped, nothing is sent).
    public mutating func send(
        upTo byteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void
    ) async throws(InterprocessError) {
        try await send(upTo: byteCount, until: .never, write)
    }

    /// Like ``trySend(upTo:_:)``, suspending the task at most until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` (without calling `write`) when the deadline passed first.
    public mutating func send(
        upTo byteCount: Int, until deadline: Deadline, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void
    ) async throws(InterprocessError) {
        guard byteCount >= 0, byteCount <= slotSize else { throw recordSizeError(byteCount) }
        let (slot, position) = try await claimSlot(until: deadline)
        let count: Int
        do throws(InterprocessError) {
            count = try QueueBytes.write(into: UnsafeMutableRawBufferPointer(start: slot + MPMCLayout.slotPayloadOffset, count: byteCount), write)
        } catch {
            abandon(slot, position: position)
            throw error
        }
        publish(slot, position: position, count: count)
    }

    /// Like ``trySend(upTo:_:)``, suspending the task at most `timeout`.
    public mutating func send(
        upTo byteCount: Int, timeout: Duration, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void
    ) async throws(InterprocessError) {
        try await send(upTo: byteCount, until: .after(timeout), write)
    }
}
#endif
