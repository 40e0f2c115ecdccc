#if os(Linux)
import Synchronization

/// The reader's `async` receives: they suspend the task while nothing new is published,
/// sleeping on the process's one waiter thread (see ``ProcessWaiter``), and never block a thread.
extension BroadcastReader {
    /// Waits until a record may be available, suspending the task.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when the deadline passed first;
    ///   ``InterprocessError/Code/cancelled`` when the task was cancelled.
    public mutating func waitForRecord(until deadline: Deadline = .never) async throws(InterprocessError) {
        let operation = "receive from broadcast stream", name = mapping.storage.name
        while true {
            try ProcessWaiter.checkCancellation(operation: operation, name: name)
            let awaited = awaitedTail
            if hasCopiedBytes || tail.pointee.load(ordering: .acquiring) != awaited { return }
            if deadline.hasPassed { try ProcessWaiter.requireAcquired(.timedOut, operation: operation, name: name) }
            let outcome = try await ProcessWaiter.shared.wait(
                on: mapping.recordParking, until: deadline, operation: operation, name: name
            ) { [tail = UnsafeSendable(tail)] in
                BroadcastReader.stillAwaited(tail.value, awaited).map { .sleep(expecting: $0) } ?? .proceed
            }
            if outcome != .timedOut { try ProcessWaiter.requireAcquired(outcome, operation: operation, name: name) }
        }
    }

    /// Receives the next record through `body`, suspending the task until there is one (at most
    /// until `deadline`).
    mutating func receiveAsync<Result>(
        accepting accepted: ClosedRange<Int>, until deadline: Deadline,
        _ body: (UnsafeRawBufferPointer) throws(InterprocessError) -> Result
    ) async throws(InterprocessError) -> Result {
        while true {
            if let result = try _receiveRecord(accepting: accepted, until: nil, body) { return result }
            try await waitForRecord(until: deadline)
        }
    }

    /// Copies the next record into `buffer` and returns its length, suspending the task while
    /// nothing new is published.
    ///
    /// - Throws: ``InterprocessError/Code/cancelled``; ``InterprocessError/Code/invalidArgument``
    ///   for a record longer than `buffer` (it stays next); ``InterprocessError/Code/corrupt``.
    public mutating func receive(into buffer: UnsafeMutableRawBufferPointer) async throws(InterprocessError) -> Int {
        try await receive(into: buffer, until: .never)
    }

    /// Copies the next record into `buffer`, suspending the task at most until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when the deadline passed first.
    public mutating func receive(into buffer: UnsafeMutableRawBufferPointer, until deadline: Deadline) async throws(InterprocessError) -> Int {
        try await receiveAsync(accepting: 0...buffer.count, until: deadline) { record in QueueBytes.copy(record, into: buffer) }
    }

    /// Copies the next record into `buffer`, suspending the task at most `timeout`.
    public mutating func receive(into buffer: UnsafeMutableRawBufferPointer, timeout: Duration) async throws(InterprocessError) -> Int {
        try await receive(into: buffer, until: .after(timeout))
    }

    /// Receives the next record as a `Value`, suspending the task while nothing new is
    /// published. A record of another length is ``InterprocessError/Code/invalidArgument`` and
    /// stays next.
    public mutating func receive<Value: InterprocessValue>(as type: Value.Type) async throws(InterprocessError) -> Value {
        try await receive(as: type, until: .never)
    }

    /// Receives the next record as a `Value`, suspending the task at most until `deadline`.
    public mutating func receive<Value: InterprocessValue>(as type: Value.Type, until deadline: Deadline) async throws(InterprocessError) -> Value {
        let size = MemoryLayout<Value>.size
        return try await receiveAsync(accepting: size...size, until: deadline) { record in record.baseAddress!.loadUnaligned(as: Value.self) }
    }

    /// Receives the next record as a `Value`, suspending the task at most `timeout`.
    public mutating func receive<Value: InterprocessValue>(as type: Value.Type, timeout: Duration) async throws(InterprocessError) -> Value {
        try await receive(as: type, until: .after(timeout))
    }

    /// Receives a copy of the next record's bytes, suspending the task while nothing new is published.
    public mutating func receive() async throws(InterprocessError) -> [UInt8] {
        try await receive(until: .never)
    }

    /// Receives a copy of the next record's bytes, suspending the task at most until `deadline`.
    public mutating func receive(until deadline: Deadline) async throws(InterprocessError) -> [UInt8] {
        try await receiveAsync(accepting: 0...Int.max, until: deadline) { record in Array(record) }
    }

    /// Receives a copy of the next record's bytes, suspending the task at most `timeout`.
    public mutating func receive(timeout: Duration) async throws(InterprocessError) -> [UInt8] {
        try await receive(until: .after(timeout))
    }

    /// Calls `body` with the next record (this reader's checked copy), lent as a `RawSpan`,
    /// suspending the task until there is one (at most until `deadline`).
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` (without calling `body`),
    ///   ``InterprocessError/Code/cancelled``, what `body` throws.
    public mutating func receive<Result>(
        until deadline: Deadline = .never, _ body: (RawSpan) throws(InterprocessError) -> Result
    ) async throws(InterprocessError) -> Result {
        try await receiveAsync(accepting: 0...Int.max, until: deadline) { record throws(InterprocessError) in
            try body(RawSpan(_unsafeBytes: record))
        }
    }

    /// Like the async ``receive(until:_:)``, waiting up to `timeout`.
    public mutating func receive<Result>(
        timeout: Duration, _ body: (RawSpan) throws(InterprocessError) -> Result
    ) async throws(InterprocessError) -> Result {
        try await receive(until: .after(timeout), body)
    }
}

extension BroadcastReader: AsyncRecordReceiving {
    /// The records this reader receives, as an `AsyncSequence` of byte arrays; takes the reader
    /// over (see ``QueueRecords``).
    ///
    /// ```swift
    /// for try await record in reader.records() { handle(record) }
    /// ```
    public consuming func records() -> QueueRecords<BroadcastReader> { QueueRecords(self) }
}
#endif
