#if os(Linux)
/// The producer's `async` sends: they suspend the task while the queue is full, sleeping on the
/// process's one waiter thread (see ``ProcessWaiter``), and never block a thread.
extension SPSCProducer {
    /// Waits until a record of `count` bytes fits, suspending the task: the async twin of the
    /// blocking `waitForSpace(_:until:)`, for a zero-copy ``tryReserve(_:)`` afterwards.
    /// Publishes what is committed first.
    ///
    /// - Parameters:
    ///   - count: the record's size, in 0...``maximumRecordSize`` (a larger record never fits).
    ///   - deadline: when to give up waiting.
    /// - Throws: ``InterprocessError/Code/timedOut`` when the deadline passed first;
    ///   ``InterprocessError/Code/cancelled`` when the task was cancelled;
    ///   ``InterprocessError/Code/invalidArgument`` when `count` is outside 0...``maximumRecordSize``.
    public mutating func waitForSpace(_ count: Int, until deadline: Deadline = .never) async throws(InterprocessError) {
        let operation = "send to queue"
        let name = mapping.storage.name
        guard count >= 0, count <= maximumRecordSize else { throw recordSizeError(count) }
        publish()
        let offset = Int(truncatingIfNeeded: position) & mask
        let needed = SPSCLayout.footprint(count)
        let padding = needed > capacity &- offset ? capacity &- offset : 0
        let end = position &+ UInt64(truncatingIfNeeded: padding &+ needed)
        let limit = UInt64(truncatingIfNeeded: capacity)
        let tail = position
        while true {
            try ProcessWaiter.checkCancellation(operation: operation, name: name)
            let released = head.pointee.load(ordering: .acquiring)
            // A head no consumer writes: return, so that tryReserve reads it again and reports it.
            if !mapping.indicesAreValid(tail: tail, head: released) || end &- released <= limit { return }
            if deadline.hasPassed { try ProcessWaiter.requireAcquired(.timedOut, operation: operation, name: name) }
            let capacity = self.capacity
            let outcome = try await ProcessWaiter.shared.wait(
                on: spaceParking, until: deadline, operation: operation, name: name
            ) { [head = UnsafeSendable(head)] in
                // The futex word is the head's low half; read the whole index, as the blocking wait does.
                let observed = head.value.pointee.load(ordering: .sequentiallyConsistent)
                let valid = observed & 7 == 0 && tail &- observed <= UInt64(truncatingIfNeeded: capacity)
                return valid && end &- observed > limit ? .sleep(expecting: UInt32(truncatingIfNeeded: observed)) : .proceed
            }
            if outcome != .timedOut { try ProcessWaiter.requireAcquired(outcome, operation: operation, name: name) }
        }
    }

    /// Sends a copy of `value`'s bytes, suspending the task while the queue is full.
    ///
    /// - Throws: ``InterprocessError/Code/cancelled`` when the task is cancelled (nothing is
    ///   sent); ``InterprocessError/Code/invalidArgument`` for a value larger than
    ///   ``maximumRecordSize``.
    public mutating func send<Value: InterprocessValue>(_ value: Value) async throws(InterprocessError) {
        try await send(value, until: .never)
    }

    /// Sends a copy of `value`'s bytes, suspending the task at most until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when the deadline passed first (nothing was sent).
    public mutating func send<Value: InterprocessValue>(_ value: Value, until deadline: Deadline) async throws(InterprocessError) {
        try ProcessWaiter.checkCancellation(operation: "send to queue", name: mapping.storage.name)
        while true {
            if try trySend(value) { return }
            try await waitForSpace(MemoryLayout<Value>.size, until: deadline)
        }
    }

    /// Sends a copy of `value`'s bytes, suspending the task at most `timeout`.
    public mutating func send<Value: InterprocessValue>(_ value: Value, timeout: Duration) async throws(InterprocessError) {
        try await send(value, until: .after(timeout))
    }

    /// Sends a copy of `bytes` as one record, suspending the task while the queue is full.
    ///
    /// - Throws: ``InterprocessError/Code/cancelled`` when the task is cancelled (nothing is
    ///   sent); ``InterprocessError/Code/invalidArgument`` for more than ``maximumRecordSize`` bytes.
    public mutating func send(contentsOf bytes: some Collection<UInt8>) async throws(InterprocessError) {
        try await send(contentsOf: bytes, until: .never)
    }

    /// Sends a copy of `bytes` as one record, suspending the task at most until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when the deadline passed first (nothing was sent).
    public mutating func send(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline) async throws(InterprocessError) {
        try ProcessWaiter.checkCancellation(operation: "send to queue", name: mapping.storage.name)
        let count = bytes.count
        while true {
            if let space = try tryReserve(count) {
                // A collection whose iteration disagrees with its `count` sends what it yielded
                // (at most `count` bytes), never stale bytes or a trap.
                commit(QueueBytes.copy(bytes, into: space))
                return
            }
            try await waitForSpace(count, until: deadline)
        }
    }

    /// Sends a copy of `bytes` as one record, suspending the task at most `timeout`.
    public mutating func send(contentsOf bytes: some Collection<UInt8>, timeout: Duration) async throws(InterprocessError) {
        try await send(contentsOf: bytes, until: .after(timeout))
    }

    /// Like ``trySend(upTo:_:)``, suspending the task while the queue is full.
    ///
    /// - Throws: ``InterprocessError/Code/cancelled`` when the task is cancelled (`write` is not
    ///   called); ``InterprocessError/Code/invalidArgument`` for `byteCount` outside
    ///   0...``maximumRecordSize``; what `write` throws (nothing is sent then).
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
        try ProcessWaiter.checkCancellation(operation: "send to queue", name: mapping.storage.name)
        while true {
            let sent = try _sendRecord(byteCount: byteCount, until: nil) { space throws(InterprocessError) in
                try QueueBytes.write(into: space, write)
            }
            if sent { return }
            try await waitForSpace(byteCount, until: deadline)
        }
    }

    /// Like ``trySend(upTo:_:)``, suspending the task at most `timeout`.
    public mutating func send(
        upTo byteCount: Int, timeout: Duration, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void
    ) async throws(InterprocessError) {
        try await send(upTo: byteCount, until: .after(timeout), write)
    }
}
#endif
