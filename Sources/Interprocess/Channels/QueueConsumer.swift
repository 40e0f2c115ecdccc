#if os(Linux)
/// What every queue consumer (``SPSCConsumer``, ``MPMCConsumer``) can receive, with one set of
/// names: a fixed-size value, the record's bytes as an array, its UTF-8 text, a copy into your
/// buffer, or the record itself, lent as a `RawSpan` for the length of a closure.
///
/// Each comes in the four forms of the library's vocabulary (see `docs/CONVENTIONS.md`):
/// `tryReceive…` returns nil at once when the queue is empty; `receive…` waits as long as it
/// takes; `receive…(until:)` and `receive…(timeout:)` throw ``InterprocessError/Code/timedOut``
/// when no record arrives before the deadline.
///
/// ```swift
/// var consumer = try queue.makeConsumer()
/// let value = try consumer.receive(as: UInt64.self)
/// let text = try consumer.receive(as: String.self)
/// let bytes: [UInt8] = try consumer.receive(timeout: .seconds(1))
/// let sum = try consumer.receive { record in          // zero-copy: record is a RawSpan
///     (0..<record.byteCount).reduce(0) { $0 + Int(record.unsafeLoad(fromByteOffset: $1, as: UInt8.self)) }
/// }
/// ```
///
/// A record lent to a closure is released when the closure returns (or throws): the span
/// cannot outlive it. A record of the wrong length for the form (a value of another size, a
/// buffer too small) is an ``InterprocessError/Code/invalidArgument`` error and stays in the
/// queue.
public protocol QueueConsumer: ~Copyable {
    /// The one operation every form goes through: claims the next record if its length is in
    /// `accepted`, calls `read` with it in place, and releases it (also when `read` throws).
    /// Without a deadline it returns nil at once when the queue is empty; with one it waits, and
    /// throws ``InterprocessError/Code/timedOut`` when it passes. Use the public forms instead.
    mutating func _receiveRecord<Result>(
        accepting accepted: ClosedRange<Int>, until deadline: Deadline?,
        _ read: (UnsafeRawBufferPointer) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result?
}

extension QueueConsumer where Self: ~Copyable {
    // MARK: Values

    /// Receives the next record as a `Value`, or nil when the queue is empty. A record whose
    /// length is not `MemoryLayout<Value>.size` is an error and stays in the queue.
    @inlinable @inline(__always)
    public mutating func tryReceive<Value: InterprocessValue>(as type: Value.Type) throws(InterprocessError) -> Value? {
        let size = MemoryLayout<Value>.size
        return try _receiveRecord(accepting: size...size, until: nil) { record in record.baseAddress!.loadUnaligned(as: Value.self) }
    }

    /// Receives the next record as a `Value`, waiting as long as it takes.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always)
    public mutating func receive<Value: InterprocessValue>(as type: Value.Type) throws(InterprocessError) -> Value {
        try receive(as: type, until: .never)
    }

    /// Receives the next record as a `Value`, waiting until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if no record arrived.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always)
    public mutating func receive<Value: InterprocessValue>(as type: Value.Type, until deadline: Deadline) throws(InterprocessError) -> Value {
        let size = MemoryLayout<Value>.size
        return try _receiveRecord(accepting: size...size, until: deadline) { record in record.baseAddress!.loadUnaligned(as: Value.self) }!
    }

    /// Receives the next record as a `Value`, waiting up to `timeout`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receive<Value: InterprocessValue>(as type: Value.Type, timeout: Duration) throws(InterprocessError) -> Value {
        try receive(as: type, until: .after(timeout))
    }

    // MARK: Bytes

    /// Receives a copy of the next record's bytes, or nil when the queue is empty.
    @inlinable
    public mutating func tryReceive() throws(InterprocessError) -> [UInt8]? {
        try _receiveRecord(accepting: 0...Int.max, until: nil) { record in Array(record) }
    }

    /// Receives a copy of the next record's bytes, waiting as long as it takes.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receive() throws(InterprocessError) -> [UInt8] {
        try receive(until: .never)
    }

    /// Receives a copy of the next record's bytes, waiting until `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receive(until deadline: Deadline) throws(InterprocessError) -> [UInt8] {
        try _receiveRecord(accepting: 0...Int.max, until: deadline) { record in Array(record) }!
    }

    /// Receives a copy of the next record's bytes, waiting up to `timeout`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receive(timeout: Duration) throws(InterprocessError) -> [UInt8] {
        try receive(until: .after(timeout))
    }

    // MARK: Text

    /// Receives the next record as UTF-8 text, or nil when the queue is empty. Invalid UTF-8 is
    /// repaired, not refused: each invalid sequence becomes U+FFFD (as `String(decoding:as:)`
    /// does), so a bad record never blocks the queue; receive bytes to validate them yourself.
    @inlinable
    public mutating func tryReceive(as type: String.Type) throws(InterprocessError) -> String? {
        try _receiveRecord(accepting: 0...Int.max, until: nil) { record in String(decoding: record, as: UTF8.self) }
    }

    /// Receives the next record as UTF-8 text (invalid UTF-8 repaired, as `tryReceive(as: String.self)` does),
    /// waiting as long as it takes.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receive(as type: String.Type) throws(InterprocessError) -> String {
        try receive(as: type, until: .never)
    }

    /// Receives the next record as UTF-8 text, waiting until `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receive(as type: String.Type, until deadline: Deadline) throws(InterprocessError) -> String {
        try _receiveRecord(accepting: 0...Int.max, until: deadline) { record in String(decoding: record, as: UTF8.self) }!
    }

    /// Receives the next record as UTF-8 text, waiting up to `timeout`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receive(as type: String.Type, timeout: Duration) throws(InterprocessError) -> String {
        try receive(as: type, until: .after(timeout))
    }

    // MARK: Into a buffer

    /// Copies the next record into `buffer` and returns its length, or nil when the queue is
    /// empty. A record longer than `buffer` is an ``InterprocessError/Code/invalidArgument``
    /// error and stays in the queue.
    @inlinable
    public mutating func tryReceive(into buffer: UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int? {
        try _receiveRecord(accepting: 0...buffer.count, until: nil) { record in QueueBytes.copy(record, into: buffer) }
    }

    /// Copies the next record into `buffer`, waiting as long as it takes; returns its length.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receive(into buffer: UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int {
        try receive(into: buffer, until: .never)
    }

    /// Copies the next record into `buffer`, waiting until `deadline`; returns its length.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receive(into buffer: UnsafeMutableRawBufferPointer, until deadline: Deadline) throws(InterprocessError) -> Int {
        try _receiveRecord(accepting: 0...buffer.count, until: deadline) { record in QueueBytes.copy(record, into: buffer) }!
    }

    /// Copies the next record into `buffer`, waiting up to `timeout`; returns its length.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receive(into buffer: UnsafeMutableRawBufferPointer, timeout: Duration) throws(InterprocessError) -> Int {
        try receive(into: buffer, until: .after(timeout))
    }

    // MARK: In place

    /// Calls `body` with the next record in place, lent as a `RawSpan`, and releases the record
    /// when `body` returns or throws; returns nil without calling `body` when the queue is empty.
    /// Zero-copy, and safe: the span cannot escape the closure, so it cannot outlive the record.
    @inlinable
    public mutating func tryReceive<Result>(
        _ body: (RawSpan) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result? {
        try _receiveRecord(accepting: 0...Int.max, until: nil) { record throws(InterprocessError) in
            try body(RawSpan(_unsafeBytes: record))
        }
    }

    /// Like ``tryReceive(_:)``, waiting as long as it takes for a record.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receive<Result>(
        _ body: (RawSpan) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        try receive(until: .never, body)
    }

    /// Like ``tryReceive(_:)``, waiting until `deadline` for a record.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` (without calling `body`) if none arrived.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receive<Result>(
        until deadline: Deadline, _ body: (RawSpan) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        try _receiveRecord(accepting: 0...Int.max, until: deadline) { record throws(InterprocessError) in
            try body(RawSpan(_unsafeBytes: record))
        }!
    }

    /// Like ``tryReceive(_:)``, waiting up to `timeout` for a record.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receive<Result>(
        timeout: Duration, _ body: (RawSpan) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        try receive(until: .after(timeout), body)
    }
}

extension QueueBytes {
    /// Why a record of `length` bytes does not fit a receive that accepts `accepted`.
    @usableFromInline
    static func lengthMismatch(_ length: Int, _ accepted: ClosedRange<Int>, stayingIn place: String = "the queue") -> String {
        let wanted = accepted.lowerBound == accepted.upperBound ? "the \(accepted.lowerBound) bytes of the requested type"
            : "at most the \(accepted.upperBound) bytes the buffer holds"
        return "the next record is \(length) bytes, not \(wanted); it stays in \(place)"
    }
}
#endif
