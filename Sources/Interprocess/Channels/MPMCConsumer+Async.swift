#if os(Linux)
/// The consumer's `async` receives: they suspend the task while the queue is empty, sleeping on
/// the process's one waiter thread (see ``ProcessWaiter``), and never block a thread.
///
/// Like the blocking receives, a waiting consumer looks for slots held by dead processes now
/// and then: its task is resumed at least every ``ProcessWaiter/recheckInterval`` (20 ms) to
/// look (every 2 ms while a process holds a slot it waits for). Unlike a semaphore's or an
/// event's async wait, an idle MPMC receive therefore is not free: each resumption re-registers
/// with the waiter thread, so 1,000 idle receiving tasks cost about 50,000 task resumptions a
/// second. Prefer a few receiving tasks per queue (or a readiness descriptor) to many.
extension MPMCConsumer {
    /// Claims a record whose length is in `accepted`, suspending the task until there is one.
    mutating func claimRecord(accepting accepted: ClosedRange<Int>, until deadline: Deadline) async throws(InterprocessError) -> MPMCRecordClaim {
        let operation = "receive from queue", name = mapping.storage.name
        let parking = FutexParking(word: mapping.word32(MPMCLayout.notEmptyOffset), waiters: mapping.word32(MPMCLayout.consumersWaitingOffset))
        let view = MPMCRingView(mapping, index: MPMCLayout.headOffset)
        var holdersSeen = false
        while true {
            try ProcessWaiter.checkCancellation(operation: operation, name: name)
            if let claim = try claimRecord(accepting: accepted) { return claim }
            if nextRecovery.hasPassed {
                nextRecovery = .after(MPMCMapping.recoveryInterval)
                let outcome = try recoverDeadClaims(accepting: accepted)
                if let claim = outcome.claim { return claim }
                if outcome.skipped { continue }
                holdersSeen = outcome.claimed
            }
            if deadline.hasPassed { try ProcessWaiter.requireAcquired(.timedOut, operation: operation, name: name) }
            let slice = deadline.earlier(than: .after(holdersSeen ? MPMCMapping.recoveryInterval : FutexParking.recheckInterval))
            let outcome = try await ProcessWaiter.shared.wait(
                on: parking, until: slice, operation: operation, name: name,
                check: parking.blockedCheck { !view.recordMayBeReady() })
            if outcome == .cancelled { try ProcessWaiter.requireAcquired(outcome, operation: operation, name: name) }
        }
    }

    /// Copies the next record into `buffer` and returns its length, suspending the task while
    /// the queue is empty.
    ///
    /// - Throws: ``InterprocessError/Code/cancelled`` when the task is cancelled (nothing is
    ///   received); ``InterprocessError/Code/invalidArgument`` for a record longer than `buffer`
    ///   (it stays in the queue); ``InterprocessError/Code/corrupt`` as ``tryReceive(into:)``.
    public mutating func receive(into buffer: UnsafeMutableRawBufferPointer) async throws(InterprocessError) -> Int {
        try await receive(into: buffer, until: .never)
    }

    /// Copies the next record into `buffer`, suspending the task at most until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when the deadline passed first, and the
    ///   errors of the async `receive(into:)`.
    public mutating func receive(into buffer: UnsafeMutableRawBufferPointer, until deadline: Deadline) async throws(InterprocessError) -> Int {
        let claim = try await claimRecord(accepting: 0...buffer.count, until: deadline)
        buffer.baseAddress?.copyMemory(from: claim.slot + MPMCLayout.slotPayloadOffset, byteCount: claim.length)
        release(claim)
        return claim.length
    }

    /// Copies the next record into `buffer`, suspending the task at most `timeout`.
    public mutating func receive(into buffer: UnsafeMutableRawBufferPointer, timeout: Duration) async throws(InterprocessError) -> Int {
        try await receive(into: buffer, until: .after(timeout))
    }

    /// Receives the next record as a `Value`, suspending the task while the queue is empty. A
    /// record whose length is not `MemoryLayout<Value>.size` is an
    /// ``InterprocessError/Code/invalidArgument`` error and stays in the queue.
    public mutating func receive<Value: InterprocessValue>(as type: Value.Type) async throws(InterprocessError) -> Value {
        try await receive(as: type, until: .never)
    }

    /// Receives the next record as a `Value`, suspending the task at most until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when the deadline passed first.
    public mutating func receive<Value: InterprocessValue>(as type: Value.Type, until deadline: Deadline) async throws(InterprocessError) -> Value {
        let size = MemoryLayout<Value>.size
        let claim = try await claimRecord(accepting: size...size, until: deadline)
        let value = (claim.slot + MPMCLayout.slotPayloadOffset).loadUnaligned(as: Value.self)
        release(claim)
        return value
    }

    /// Receives the next record as a `Value`, suspending the task at most `timeout`.
    public mutating func receive<Value: InterprocessValue>(as type: Value.Type, timeout: Duration) async throws(InterprocessError) -> Value {
        try await receive(as: type, until: .after(timeout))
    }

    /// Receives the next record as bytes, suspending the task while the queue is empty.
    public mutating func receive() async throws(InterprocessError) -> [UInt8] {
        try await receive(until: .never)
    }

    /// Receives the next record as bytes, suspending the task at most until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when the deadline passed first.
    public mutating func receive(until deadline: Deadline) async throws(InterprocessError) -> [UInt8] {
        let claim = try await claimRecord(accepting: 0...slotSize, until: deadline)
        let bytes = [UInt8](UnsafeRawBufferPointer(start: claim.slot + MPMCLayout.slotPayloadOffset, count: claim.length))
        release(claim)
        return bytes
    }

    /// Receives the next record as bytes, suspending the task at most `timeout`.
    public mutating func receive(timeout: Duration) async throws(InterprocessError) -> [UInt8] {
        try await receive(until: .after(timeout))
    }
}

extension MPMCConsumer {
    /// Calls `body` with the next record in place, lent as a `RawSpan`, suspending the task
    /// until there is one (at most until `deadline`), and releases the record when `body`
    /// returns or throws. If the process dies inside `body`, the record is delivered again.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` (without calling `body`) when the deadline
    ///   passed first; ``InterprocessError/Code/cancelled``; what `body` throws.
    public mutating func receive<Result>(
        until deadline: Deadline = .never, _ body: (RawSpan) throws(InterprocessError) -> Result
    ) async throws(InterprocessError) -> Result {
        let claim = try await claimRecord(accepting: 0...slotSize, until: deadline)
        defer { release(claim) }
        return try body(RawSpan(_unsafeBytes: UnsafeRawBufferPointer(start: claim.slot + MPMCLayout.slotPayloadOffset, count: claim.length)))
    }

    /// Like the async ``receive(until:_:)``, waiting up to `timeout`.
    public mutating func receive<Result>(
        timeout: Duration, _ body: (RawSpan) throws(InterprocessError) -> Result
    ) async throws(InterprocessError) -> Result {
        try await receive(until: .after(timeout), body)
    }
}
#endif
