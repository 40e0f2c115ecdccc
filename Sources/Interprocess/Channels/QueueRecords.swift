#if os(Linux)
/// A queue consumer that can receive a record as bytes, suspending the task: what
/// ``QueueRecords`` needs of ``SPSCConsumer`` and ``MPMCConsumer``.
public protocol AsyncRecordReceiving: ~Copyable {
    /// Receives the next record as bytes, suspending the task while the queue is empty.
    mutating func receive() async throws(InterprocessError) -> [UInt8]
    /// Receives the next record as bytes, suspending the task at most until `deadline`.
    mutating func receive(until deadline: Deadline) async throws(InterprocessError) -> [UInt8]
}

extension AsyncRecordReceiving where Self: ~Copyable {
    /// Receives the next record as UTF-8 text, suspending the task while the queue is empty.
    /// Invalid UTF-8 is repaired (U+FFFD), as the blocking form does.
    public mutating func receive(as type: String.Type) async throws(InterprocessError) -> String {
        String(decoding: try await receive(until: .never), as: UTF8.self)
    }

    /// Receives the next record as UTF-8 text, suspending the task at most until `deadline`.
    public mutating func receive(as type: String.Type, until deadline: Deadline) async throws(InterprocessError) -> String {
        String(decoding: try await receive(until: deadline), as: UTF8.self)
    }

    /// Receives the next record as UTF-8 text, suspending the task at most `timeout`.
    public mutating func receive(as type: String.Type, timeout: Duration) async throws(InterprocessError) -> String {
        String(decoding: try await receive(until: .after(timeout)), as: UTF8.self)
    }
}

extension SPSCConsumer: AsyncRecordReceiving {
    /// The records this consumer receives, as an `AsyncSequence` of byte arrays; takes the
    /// consumer over (see ``QueueRecords``).
    ///
    /// ```swift
    /// for try await record in consumer.records() { handle(record) }
    /// ```
    public consuming func records() -> QueueRecords<SPSCConsumer> { QueueRecords(self) }
}

extension MPMCConsumer: AsyncRecordReceiving {
    /// The records this consumer receives, as an `AsyncSequence` of byte arrays; takes the
    /// consumer over (see ``QueueRecords``).
    ///
    /// ```swift
    /// for try await record in consumer.records() { handle(record) }
    /// ```
    public consuming func records() -> QueueRecords<MPMCConsumer> { QueueRecords(self) }
}

/// The records a queue consumer receives, in order, as an `AsyncSequence` of byte arrays: made
/// by `records()` on ``SPSCConsumer``, ``MPMCConsumer`` and ``BroadcastReader``, which it takes over (the consumer is
/// released when the sequence and its iterators are gone).
///
/// ```swift
/// for try await record in consumer.records() {
///     handle(record)                   // [UInt8]
/// }
/// ```
///
/// Each element is received with the consumer's async `receive()`: the iterator suspends while
/// the queue is empty, without blocking a thread. Iteration never ends by itself (a queue has
/// no end); it throws ``InterprocessError/Code/cancelled`` when the iterating task is cancelled,
/// and any other receive error (``InterprocessError/Code/corrupt``…); after an error, `next()`
/// returns nil. Iterate it from one task, once: its iterators share the one consumer.
public struct QueueRecords<Consumer: AsyncRecordReceiving & ~Copyable>: AsyncSequence {
    /// One received record.
    public typealias Element = [UInt8]
    /// What a receive throws.
    public typealias Failure = InterprocessError

    let box: Box

    init(_ consumer: consuming Consumer) { box = Box(consumer) }

    /// An iterator receiving from the consumer.
    public func makeAsyncIterator() -> Iterator { Iterator(box: box) }

    /// Receives one record per `next()`.
    public struct Iterator: AsyncIteratorProtocol {
        let box: Box

        /// The next record, suspending the task until one arrives; nil after an error.
        public mutating func next() async throws(InterprocessError) -> [UInt8]? {
            if box.failed { return nil }
            do {
                return try await box.consumer.receive()
            } catch {
                box.failed = true
                throw error
            }
        }
    }

    /// Owns the consumer for the sequence and its iterators.
    /// Not `Sendable`, so neither is the sequence: a sequence (or an iterator) sent to another
    /// task while one iterates would have two tasks receive through one consumer, which no
    /// runtime check catches (exclusivity checks do not see accesses from two tasks).
    final class Box {
        var consumer: Consumer
        var failed = false
        init(_ consumer: consuming Consumer) { self.consumer = consumer }
    }
}
#endif
