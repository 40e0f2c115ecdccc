#if os(Linux)
/// The one process that publishes a ``Service``'s samples.
///
/// Loan, write in place, send: the closure of ``send(byteCount:_:)`` writes straight into a
/// slot of the shared pool, and every subscriber then reads that memory — nothing is copied.
///
/// ```swift
/// var publisher = try Publisher(service: service)
/// try publisher.send(byteCount: frame.count) { payload in
///     payload.withUnsafeMutableBytes { $0.copyMemory(from: frame) }
/// }
/// ```
///
/// One live publisher per service: a second fails with `alreadyExists`; the seat of a dead
/// one is taken over (a sample it was writing is never published). Every send returns the
/// sample's sequence number. `send` waits only while a `.block` subscriber is a full buffer
/// behind; `trySend` returns nil instead, and the deadline forms throw `.timedOut`.
public struct Publisher: ~Copyable {
    /// The service this publisher publishes.
    public let service: Service

    /// Takes the service's publisher seat.
    ///
    /// - Throws: `alreadyExists` while another live process publishes; `corrupt` for a damaged
    ///   control segment.
    public init(service: Service) throws(InterprocessError) {
        unimplementedService()
    }

    /// The sequence number the next sample will get (how many were published before).
    public var nextSequence: UInt64 { unimplementedService() }

    /// Loans a sample of exactly `byteCount` bytes, lets `write` fill it in place, and publishes it.
    /// If `write` throws, nothing is published and the slot returns to the pool.
    ///
    /// - Throws: `invalidArgument` for a size above the configured maximum (or, for a value
    ///   service, other than the value's size); `resourceLimit` when no slot is free; whatever
    ///   `write` throws.
    @discardableResult
    public mutating func send(
        byteCount: Int, _ write: (inout MutableRawSpan) throws(InterprocessError) -> Void
    ) throws(InterprocessError) -> UInt64 {
        unimplementedService()
    }

    /// Loans a sample of up to `maximumByteCount` bytes; the bytes `write` appends are the sample.
    @discardableResult
    public mutating func send(
        upTo maximumByteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void
    ) throws(InterprocessError) -> UInt64 {
        unimplementedService()
    }

    /// Publishes a copy of `value`.
    @discardableResult
    public mutating func send<Value: InterprocessValue>(_ value: Value) throws(InterprocessError) -> UInt64 {
        unimplementedService()
    }

    /// Publishes a copy of `bytes`.
    @discardableResult
    public mutating func send(contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) -> UInt64 {
        unimplementedService()
    }

    /// Publishes `string` as UTF-8 bytes.
    @discardableResult
    public mutating func send(_ string: String) throws(InterprocessError) -> UInt64 {
        unimplementedService()
    }

    /// Publishes a copy of `bytes`, or returns nil at once when a `.block` subscriber is a full
    /// buffer behind.
    public mutating func trySend(contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) -> UInt64? {
        unimplementedService()
    }

    /// Publishes a copy of `bytes`, waiting until `deadline` for `.block` subscribers.
    ///
    /// - Throws: `.timedOut` when the deadline passes first.
    @discardableResult
    public mutating func send(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline) throws(InterprocessError) -> UInt64 {
        unimplementedService()
    }
}
#endif
