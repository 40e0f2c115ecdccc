#if os(Linux)
/// The `async` sends and receives: they suspend the task while the queue is full (or empty),
/// sleeping on the process's one waiter thread (``ProcessWaiter``), and never block a thread of
/// the cooperative pool for longer than the queue's lock is held. Cancellation throws
/// ``InterprocessError/Code/cancelled``; nothing is sent or received then.
extension MessageQueue {
    /// Suspends the task until `side` may proceed, at most ``FutexParking/recheckInterval`` (a
    /// wake-up lost to a killed process only delays), and never past `deadline`.
    func awaitChange(_ side: MessageQueueSide, until deadline: Deadline) async throws(InterprocessError) {
        let operation = side.operation
        if deadline.hasPassed { try ProcessWaiter.requireAcquired(.timedOut, operation: operation, name: name) }
        let parking = mapping.parking(side)
        let mapping = self.mapping
        let outcome = try await ProcessWaiter.shared.wait(
            on: parking, until: deadline.earlier(than: .after(FutexParking.recheckInterval)), operation: operation, name: name,
            check: parking.blockedCheck { mapping.isBlocked(side) })
        if outcome == .cancelled { try ProcessWaiter.requireAcquired(outcome, operation: operation, name: name) }
    }

    /// Sends a message of `byteCount` bytes written by `write` until there is room or `deadline`
    /// passes; the lock too is waited for no longer than `deadline`.
    func sendSuspending(
        byteCount: Int, priority: UInt32, until deadline: Deadline, _ write: (UnsafeMutableRawPointer) -> Int
    ) async throws(InterprocessError) {
        while true {
            try ProcessWaiter.checkCancellation(operation: MessageQueueSide.send.operation, name: name)
            if try _send(byteCount: byteCount, priority: priority, until: nil, lockUntil: deadline, write) { return }
            try await awaitChange(.send, until: deadline)
        }
    }

    /// Receives a message whose length is in `accepted` with `read` until there is one or
    /// `deadline` passes; the lock too is waited for no longer than `deadline`.
    func receiveSuspending<Result>(
        accepting accepted: ClosedRange<Int>, until deadline: Deadline,
        _ read: (UnsafeRawBufferPointer, UInt32) throws(InterprocessError) -> Result
    ) async throws(InterprocessError) -> Result {
        while true {
            try ProcessWaiter.checkCancellation(operation: MessageQueueSide.receive.operation, name: name)
            if let result = try _receive(accepting: accepted, until: nil, lockUntil: deadline, read) { return result }
            try await awaitChange(.receive, until: deadline)
        }
    }

    // MARK: Sending

    /// Sends a copy of `value`, suspending the task while the queue is full (until `deadline`).
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when the deadline passed first; `cancelled`.
    public func send<Value: InterprocessValue>(_ value: Value, priority: UInt32 = 0, until deadline: Deadline = .never) async throws(InterprocessError) {
        try await sendSuspending(byteCount: MemoryLayout<Value>.size, priority: priority, until: deadline) { payload in
            payload.storeBytes(of: value, as: Value.self)
            return MemoryLayout<Value>.size
        }
    }

    /// Sends a copy of `value`, suspending the task at most `timeout`.
    public func send<Value: InterprocessValue>(_ value: Value, priority: UInt32 = 0, timeout: Duration) async throws(InterprocessError) {
        try await send(value, priority: priority, until: .after(timeout))
    }

    /// Sends the bytes of `bytes` as one message, suspending the task while the queue is full.
    public func send(contentsOf bytes: some Collection<UInt8>, priority: UInt32 = 0, until deadline: Deadline = .never) async throws(InterprocessError) {
        let count = bytes.count
        try await sendSuspending(byteCount: count, priority: priority, until: deadline) { payload in
            QueueBytes.copy(bytes, into: UnsafeMutableRawBufferPointer(start: payload, count: count))
        }
    }

    /// Sends the bytes of `bytes` as one message, suspending the task at most `timeout`.
    public func send(contentsOf bytes: some Collection<UInt8>, priority: UInt32 = 0, timeout: Duration) async throws(InterprocessError) {
        try await send(contentsOf: bytes, priority: priority, until: .after(timeout))
    }

    /// Sends `string`'s UTF-8 bytes, suspending the task while the queue is full.
    public func send(_ string: String, priority: UInt32 = 0, until deadline: Deadline = .never) async throws(InterprocessError) {
        try await send(contentsOf: string.utf8, priority: priority, until: deadline)
    }

    /// Sends `string`'s UTF-8 bytes, suspending the task at most `timeout`.
    public func send(_ string: String, priority: UInt32 = 0, timeout: Duration) async throws(InterprocessError) {
        try await send(contentsOf: string.utf8, priority: priority, until: .after(timeout))
    }

    // MARK: Receiving

    /// Receives the first message as a `Value`, suspending the task while the queue is empty.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when the deadline passed first; `cancelled`.
    public func receive<Value: InterprocessValue>(as type: Value.Type, until deadline: Deadline = .never) async throws(InterprocessError) -> Received<Value> {
        let size = MemoryLayout<Value>.size
        return try await receiveSuspending(accepting: size...size, until: deadline) { message, priority in
            Received(value: message.baseAddress!.loadUnaligned(as: Value.self), priority: priority)
        }
    }

    /// Receives the first message as a `Value`, suspending the task at most `timeout`.
    public func receive<Value: InterprocessValue>(as type: Value.Type, timeout: Duration) async throws(InterprocessError) -> Received<Value> {
        try await receive(as: type, until: .after(timeout))
    }

    /// Receives a copy of the first message's bytes, suspending the task while the queue is empty.
    public func receive(until deadline: Deadline = .never) async throws(InterprocessError) -> Received<[UInt8]> {
        try await receiveSuspending(accepting: 0...Int.max, until: deadline) { message, priority in
            Received(value: Array(message), priority: priority)
        }
    }

    /// Receives a copy of the first message's bytes, suspending the task at most `timeout`.
    public func receive(timeout: Duration) async throws(InterprocessError) -> Received<[UInt8]> {
        try await receive(until: .after(timeout))
    }

    /// Receives the first message as UTF-8 text, suspending the task while the queue is empty.
    public func receive(as type: String.Type, until deadline: Deadline = .never) async throws(InterprocessError) -> Received<String> {
        try await receiveSuspending(accepting: 0...Int.max, until: deadline) { message, priority in
            Received(value: String(decoding: message, as: UTF8.self), priority: priority)
        }
    }

    /// Receives the first message as UTF-8 text, suspending the task at most `timeout`.
    public func receive(as type: String.Type, timeout: Duration) async throws(InterprocessError) -> Received<String> {
        try await receive(as: type, until: .after(timeout))
    }

    /// Calls `body` with the first message in place and its priority, suspending the task while
    /// the queue is empty (see ``tryReceive(_:)``).
    public func receive<Result>(
        until deadline: Deadline = .never, _ body: (RawSpan, UInt32) throws(InterprocessError) -> Result
    ) async throws(InterprocessError) -> Result {
        try await receiveSuspending(accepting: 0...Int.max, until: deadline) { message, priority throws(InterprocessError) in
            try body(RawSpan(_unsafeBytes: message), priority)
        }
    }

    /// Like the async `receive(until:_:)` that lends the message in place, suspending the task at most `timeout`.
    public func receive<Result>(
        timeout: Duration, _ body: (RawSpan, UInt32) throws(InterprocessError) -> Result
    ) async throws(InterprocessError) -> Result {
        try await receive(until: .after(timeout), body)
    }
}
#endif
