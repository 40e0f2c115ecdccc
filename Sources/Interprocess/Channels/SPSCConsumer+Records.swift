extension SPSCConsumer {
    /// The records this consumer receives, as an `AsyncSequence` of byte arrays; takes the
    /// consumer over (it is released when the sequence and its iterator are gone).
    ///
    /// ```swift
    /// for try await record in consumer.records() {
    ///     handle(record)                   // [UInt8]
    /// }
    /// ```
    ///
    /// Each element is received with the async `receive()`: the iterator suspends while the
    /// queue is empty, without blocking a thread. Iteration never ends by itself (a queue has
    /// no end); it throws ``InterprocessError/Code/cancelled`` when the iterating task is
    /// cancelled, and any other receive error (``InterprocessError/Code/corrupt``…); after an
    /// error, `next()` returns nil.
    public consuming func records() -> Records {
        Records(box: ConsumerBox(self))
    }

    /// The records of a consumer, in the order received; see ``SPSCConsumer/records()``. Iterate it from
    /// one task, once: its iterators share the one consumer.
    public struct Records: AsyncSequence {
        /// One received record.
        public typealias Element = [UInt8]
        /// What a receive throws.
        public typealias Failure = InterprocessError

        let box: ConsumerBox

        /// An iterator receiving from the consumer.
        public func makeAsyncIterator() -> Iterator { Iterator(box: box) }

        /// Receives one record per `next()`.
        public struct Iterator: AsyncIteratorProtocol {
            let box: ConsumerBox

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
    }

    /// Owns the consumer for a ``Records`` sequence and its iterators.
    final class ConsumerBox: @unchecked Sendable {
        // @unchecked: iterated from one task at a time (documented on Records); a second
        // concurrent iterator is caught by the exclusivity check on `consumer`.
        var consumer: SPSCConsumer
        var failed = false
        init(_ consumer: consuming SPSCConsumer) { self.consumer = consumer }
    }
}
