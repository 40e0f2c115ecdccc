#if os(Linux)
import Synchronization

/// A sample held past a receive (an element of ``ServiceSamples``): its pin lasts until
/// ``release()`` or until the object goes away, and counts against the subscriber's
/// ``ServiceConfiguration/maximumLoansPerSubscriber``.
///
/// ```swift
/// for try await sample in subscriber.samples() {
///     let header = try sample.load(as: FrameHeader.self)   // read in place
///     sample.release()                                      // or let it go out of scope
/// }
/// ```
public final class HeldSample: @unchecked Sendable {
    // @unchecked: immutable but for `released` (atomic); the payload is read-only memory the
    // seat keeps mapped, pinned until release.
    /// The sample's sequence number.
    public let sequence: UInt64
    /// How many samples were missed right before this one.
    public let missedBefore: UInt64
    private let seat: SubscriberSeat
    private let pin: UnsafeMutablePointer<Atomic<UInt64>>
    private let bit: UInt64
    private let payload: UnsafeRawBufferPointer
    private let released = Atomic<Bool>(false)

    init(seat: SubscriberSeat, pin: UnsafeMutablePointer<Atomic<UInt64>>, bit: UInt64, payload: UnsafeRawBufferPointer,
         sequence: UInt64, missedBefore: UInt64) {
        self.seat = seat
        self.pin = pin
        self.bit = bit
        self.payload = payload
        self.sequence = sequence
        self.missedBefore = missedBefore
    }

    deinit { release() }

    /// The payload's size in bytes.
    public var byteCount: Int { payload.count }

    /// Calls `body` with the payload's bytes (read-only).
    public func withUnsafeBytes<Result, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Result) throws(Failure) -> Result {
        try body(payload)
    }

    /// Calls `body` with the payload as a `RawSpan`.
    public func withBytes<Result, Failure: Error>(_ body: (RawSpan) throws(Failure) -> Result) throws(Failure) -> Result {
        try body(RawSpan(_unsafeBytes: payload))
    }

    /// A copy of the payload's bytes.
    public var bytes: [UInt8] { [UInt8](payload) }

    /// Copies a value out of the payload at `offset`.
    ///
    /// - Throws: `invalidArgument` when the value does not fit there.
    public func load<Value: InterprocessValue>(fromByteOffset offset: Int = 0, as type: Value.Type) throws(InterprocessError) -> Value {
        try ReceivedSample(sequence: sequence, missedBefore: missedBefore, payload: payload).load(fromByteOffset: offset, as: type)
    }

    /// Returns the sample to the pool now (also done when the object goes away). Using the
    /// sample afterwards is a programmer error.
    public func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        pin.pointee.bitwiseAnd(~bit, ordering: .releasing)
        SubscriberTable.word32(seat.storage, seat.index, ServiceLayout.subscriberHeldOffset).pointee
            .wrappingSubtract(1, ordering: .relaxed)
    }
}
#endif
