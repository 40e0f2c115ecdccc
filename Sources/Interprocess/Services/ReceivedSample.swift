#if os(Linux)
/// A sample lent to a `Subscriber.receive(_:)` closure: read-only, in place, valid until the
/// closure returns.
@frozen
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
    @inlinable public var byteCount: Int { payload.count }

    /// Calls `body` with the payload as a `RawSpan`.
    @inlinable
    public func withBytes<Result, Failure: Error>(_ body: (RawSpan) throws(Failure) -> Result) throws(Failure) -> Result {
        try body(RawSpan(_unsafeBytes: payload))
    }

    /// Calls `body` with the payload's bytes (read-only memory: writing through them traps).
    @inlinable
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
#endif
