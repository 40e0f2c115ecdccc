#if os(Linux)
/// Names one request of one client: what `Client.send(contentsOf:)` returns and what its
/// responses are matched against (every response carries the id of the request it answers).
///
/// The bits say where the request lives: bits 0..<8 its slot in the client's seat, 8..<32 a
/// per-client counter, 32..<56 the seat's epoch (bumped by every client that takes the seat,
/// so that a request of a dead client is never mistaken for one of its successor's).
public struct RequestID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The id as stored in shared memory (never 0).
    public let rawValue: UInt64

    /// The id with this stored value.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// The id in hexadecimal.
    public var description: String { "0x" + String(rawValue, radix: 16) }

    /// The id of request number `counter` in `slot` of a seat at `epoch`.
    init(epoch: UInt32, counter: UInt32, slot: Int) {
        rawValue = UInt64(epoch & 0xFF_FFFF) << 32 | UInt64(counter & 0xFF_FFFF) << 8 | UInt64(slot & 0xFF)
    }

    /// The slot the request lives in.
    var slot: Int { Int(rawValue & 0xFF) }
    /// The epoch of the seat that sent it.
    var epoch: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 32) & 0xFF_FFFF }

    /// The largest epoch before it wraps (an id never has epoch 0, so never the value 0).
    static let epochMask: UInt32 = 0xFF_FFFF
    /// Set in a slot's `consumed` word by a server that took over a dead one: the request was
    /// dropped unfinished, not completed.
    static let abortedBit: UInt64 = 1 << 63
}

/// A response lent to a ``Client`` receive closure: read-only, in place in shared memory, valid
/// until the closure returns.
public struct Response: ~Copyable {
    /// The request this answers.
    public let request: RequestID
    /// Whether this is the last response to its request (the server is done with it).
    public let isFinal: Bool
    /// The payload, in the service's mapping.
    @usableFromInline let payload: UnsafeRawBufferPointer

    init(request: RequestID, isFinal: Bool, payload: UnsafeRawBufferPointer) {
        self.request = request
        self.isFinal = isFinal
        self.payload = payload
    }

    /// The payload's size in bytes.
    public var byteCount: Int { payload.count }

    /// Calls `body` with the payload as a `RawSpan`.
    public func withBytes<Result, Failure: Error>(_ body: (RawSpan) throws(Failure) -> Result) throws(Failure) -> Result {
        try body(RawSpan(_unsafeBytes: payload))
    }

    /// Calls `body` with the payload's bytes.
    public func withUnsafeBytes<Result, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Result) throws(Failure) -> Result {
        try body(payload)
    }

    /// A copy of the payload's bytes.
    public var bytes: [UInt8] { [UInt8](payload) }

    /// Copies a value out of the payload at `offset`.
    ///
    /// - Throws: `invalidArgument` when the value does not fit there.
    @inlinable
    public func load<Value: InterprocessValue>(fromByteOffset offset: Int = 0, as type: Value.Type) throws(InterprocessError) -> Value {
        try MessageBytes.load(payload, offset: offset, as: type, what: "response")
    }
}

/// Reading values out of message payloads.
@usableFromInline
enum MessageBytes {
    /// Copies a `Value` out of `payload` at `offset`, or throws `invalidArgument` naming `what`.
    @inlinable
    static func load<Value: InterprocessValue>(
        _ payload: UnsafeRawBufferPointer, offset: Int, as type: Value.Type, what: String
    ) throws(InterprocessError) -> Value {
        guard offset >= 0, offset <= payload.count, MemoryLayout<Value>.size <= payload.count - offset else {
            throw InterprocessError(.invalidArgument, operation: "read \(what)", name: nil,
                                    reason: "\(MemoryLayout<Value>.size) bytes at offset \(offset) do not fit a \(what) of \(payload.count) bytes")
        }
        return payload.loadUnaligned(fromByteOffset: offset, as: Value.self)
    }
}
#endif
