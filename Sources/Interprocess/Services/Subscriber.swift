#if os(Linux)
/// One of the processes that receive a ``Service``'s samples.
///
/// Each sample is lent in place, read-only, for the length of a closure — the memory the
/// publisher wrote, never a copy:
///
/// ```swift
/// var subscriber = try Subscriber(service: service)
/// let checksum = try subscriber.receive { sample in
///     sample.withUnsafeBytes { bytes in bytes.reduce(0, &+) }
/// }
/// for try await sample in subscriber.samples() { … }      // async
/// ```
///
/// A subscriber that falls behind either misses the oldest samples and is told how many
/// (``OverrunPolicy/dropOldest``) or holds the publisher back (``OverrunPolicy/block``).
/// Received + missed always equals what was published since it joined.
public struct Subscriber: ~Copyable {
    /// The service this subscriber receives from.
    public let service: Service

    /// Attaches to the service.
    ///
    /// - Parameters:
    ///   - overrun: what happens when it falls a full buffer behind; nil for the service's
    ///     ``ServiceConfiguration/overrunPolicy``.
    ///   - history: whether to receive the service's last ``ServiceConfiguration/history``
    ///     samples first.
    /// - Throws: `resourceLimit` when ``ServiceConfiguration/maximumSubscribers`` live
    ///   subscribers are attached (dead ones' entries are reclaimed first).
    public init(service: Service, overrun: OverrunPolicy? = nil, history: Bool = true) throws(InterprocessError) {
        unimplementedService()
    }

    /// How many samples this subscriber missed since it joined.
    public var missedCount: UInt64 { unimplementedService() }
    /// How many samples this subscriber received since it joined.
    public var receivedCount: UInt64 { unimplementedService() }

    /// Waits for the next sample and calls `body` with it in place; the sample is released
    /// when `body` returns.
    public mutating func receive<Result>(
        _ body: (borrowing ReceivedSample) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        unimplementedService()
    }

    /// Calls `body` with the next sample if one is there; nil at once otherwise.
    public mutating func tryReceive<Result>(
        _ body: (borrowing ReceivedSample) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result? {
        unimplementedService()
    }

    /// Waits until `deadline` for the next sample.
    ///
    /// - Throws: `.timedOut` when the deadline passes first.
    public mutating func receive<Result>(
        until deadline: Deadline, _ body: (borrowing ReceivedSample) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        unimplementedService()
    }

    /// Receives a copy of the next sample's bytes.
    public mutating func receive() throws(InterprocessError) -> [UInt8] {
        unimplementedService()
    }

    /// Receives a copy of the next sample's bytes, waiting until `deadline`.
    public mutating func receive(until deadline: Deadline) throws(InterprocessError) -> [UInt8] {
        unimplementedService()
    }

    /// Receives a copy of the next sample's value (a value service of `Value`, or a byte
    /// sample of exactly its size).
    public mutating func receive<Value: InterprocessValue>(as type: Value.Type) throws(InterprocessError) -> Value {
        unimplementedService()
    }

    /// Waits for the next sample without blocking a thread, and calls `body` with it in place.
    ///
    /// - Throws: `.cancelled` when the task is cancelled.
    public mutating func receive<Result>(
        _ body: (borrowing ReceivedSample) throws(InterprocessError) -> Result
    ) async throws(InterprocessError) -> Result {
        unimplementedService()
    }

    /// The samples as they arrive, as an `AsyncSequence` (see ``ServiceSamples``).
    public consuming func samples() -> ServiceSamples {
        unimplementedService()
    }
}

/// A sample lent to a ``Subscriber/receive(_:)`` closure: read-only, in place, valid until the
/// closure returns.
public struct ReceivedSample: ~Copyable {
    /// The sample's sequence number (0 for the service's first sample).
    public let sequence: UInt64
    /// How many samples the subscriber missed right before this one (0 unless it was overrun).
    public let missedBefore: UInt64
    /// The payload, in the read-only mapping of the pool.
    @usableFromInline let payload: UnsafeRawBufferPointer

    @usableFromInline
    init(sequence: UInt64, missedBefore: UInt64, payload: UnsafeRawBufferPointer) {
        self.sequence = sequence
        self.missedBefore = missedBefore
        self.payload = payload
    }

    /// The payload's size in bytes.
    public var byteCount: Int { payload.count }

    /// Calls `body` with the payload as a `RawSpan`.
    public func withBytes<Result, Failure: Error>(_ body: (RawSpan) throws(Failure) -> Result) throws(Failure) -> Result {
        try body(RawSpan(_unsafeBytes: payload))
    }

    /// Calls `body` with the payload's bytes (read-only memory: writing through them traps).
    public func withUnsafeBytes<Result, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Result) throws(Failure) -> Result {
        try body(payload)
    }

    /// Copies a value out of the payload at `offset`.
    ///
    /// - Throws: `invalidArgument` when the value does not fit there.
    public func load<Value: InterprocessValue>(fromByteOffset offset: Int = 0, as type: Value.Type) throws(InterprocessError) -> Value {
        guard offset >= 0, offset <= payload.count, MemoryLayout<Value>.size <= payload.count - offset else {
            throw InterprocessError(.invalidArgument, operation: "read sample", name: nil,
                                    reason: "\(MemoryLayout<Value>.size) bytes at offset \(offset) do not fit a sample of \(payload.count) bytes")
        }
        return payload.loadUnaligned(fromByteOffset: offset, as: Value.self)
    }
}

/// A sample held past a receive (an element of ``ServiceSamples``): its pin lasts until
/// ``release()`` or until the object goes away, and counts against the subscriber's
/// ``ServiceConfiguration/maximumLoansPerSubscriber``.
public final class HeldSample: Sendable {
    /// The sample's sequence number.
    public let sequence: UInt64
    /// How many samples were missed right before this one.
    public let missedBefore: UInt64

    init(sequence: UInt64, missedBefore: UInt64) {
        self.sequence = sequence
        self.missedBefore = missedBefore
    }

    /// The payload's size in bytes.
    public var byteCount: Int { unimplementedService() }

    /// Calls `body` with the payload's bytes (read-only).
    public func withUnsafeBytes<Result, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Result) throws(Failure) -> Result {
        unimplementedService()
    }

    /// Returns the sample to the pool now (also done when the object goes away). Using the
    /// sample afterwards is a programmer error.
    public func release() { unimplementedService() }
}

/// The samples of a subscriber as an `AsyncSequence` of ``HeldSample``: waiting parks on the
/// process's waiter thread (never a thread of the cooperative pool); cancelling the task ends
/// the iteration with `.cancelled`.
public struct ServiceSamples: AsyncSequence, Sendable {
    /// A sample held until released.
    public typealias Element = HeldSample
    /// Errors are typed.
    public typealias Failure = InterprocessError

    /// Iterates the samples.
    public struct AsyncIterator: AsyncIteratorProtocol {
        /// The next sample.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(InterprocessError) -> HeldSample? {
            unimplementedService()
        }

        /// The next sample.
        public mutating func next() async throws(InterprocessError) -> HeldSample? {
            unimplementedService()
        }
    }

    /// An iterator over the samples.
    public func makeAsyncIterator() -> AsyncIterator { unimplementedService() }
}
#endif
