#if os(Linux)
/// The consumer's `async` receives: they suspend the task while the queue is empty, sleeping on
/// the process's one waiter thread (see ``ProcessWaiter``), and never block a thread.
extension SPSCConsumer {
    /// Waits until a record is available, suspending the task: the async twin of the blocking
    /// `waitForRecord(until:)`, for a zero-copy ``tryPeek()`` afterwards. Publishes the
    /// releases made so far first.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when the deadline passed first;
    ///   ``InterprocessError/Code/cancelled`` when the task was cancelled.
    public mutating func waitForRecord(until deadline: Deadline = .never) async throws(InterprocessError) {
        let operation = "receive from queue"
        while true {
            try ProcessWaiter.checkCancellation(operation: operation, name: queueName)
            if position != cachedTail || tail.pointee.load(ordering: .acquiring) != position { return }
            if deadline.hasPassed { try ProcessWaiter.requireAcquired(.timedOut, operation: operation, name: queueName) }
            publishReleases()
            let awaited = position
            let outcome = try await ProcessWaiter.shared.wait(
                on: recordParking, until: deadline, operation: operation, name: queueName
            ) { [tail = UnsafeSendable(tail)] in
                // The futex word is the tail's low half; read the whole index, as the blocking wait does.
                let observed = tail.value.pointee.load(ordering: .sequentiallyConsistent)
                return observed == awaited ? .sleep(expecting: UInt32(truncatingIfNeeded: observed)) : .proceed
            }
            if outcome != .timedOut { try ProcessWaiter.requireAcquired(outcome, operation: operation, name: queueName) }
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
        while true {
            try await waitForRecord(until: deadline)
            if let count = try tryReceive(into: buffer) { return count }
        }
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
        while true {
            try await waitForRecord(until: deadline)
            if let value = try tryReceive(as: type) { return value }
        }
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
        while true {
            try await waitForRecord(until: deadline)
            if let record = try tryPeek() {
                let bytes = [UInt8](record)
                release()
                return bytes
            }
        }
    }

    /// Receives the next record as bytes, suspending the task at most `timeout`.
    public mutating func receive(timeout: Duration) async throws(InterprocessError) -> [UInt8] {
        try await receive(until: .after(timeout))
    }

    /// The queue's name, for errors.
    var queueName: String { mapping.storage.name }
}

extension SPSCConsumer {
    /// Calls `body` with the next record in place, lent as a `RawSpan`, suspending the task
    /// until there is one (at most until `deadline`), and releases the record when `body`
    /// returns or throws.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` (without calling `body`) when the deadline
    ///   passed first; ``InterprocessError/Code/cancelled``; what `body` throws.
    public mutating func receive<Result>(
        until deadline: Deadline = .never, _ body: (RawSpan) throws(InterprocessError) -> Result
    ) async throws(InterprocessError) -> Result {
        while true {
            if let result = try tryReceive(body) { return result }
            try await waitForRecord(until: deadline)
        }
    }

    /// Like the async ``receive(until:_:)``, waiting up to `timeout`.
    public mutating func receive<Result>(
        timeout: Duration, _ body: (RawSpan) throws(InterprocessError) -> Result
    ) async throws(InterprocessError) -> Result {
        try await receive(until: .after(timeout), body)
    }
}
#endif
