#if os(Linux)
/// What every queue producer (``SPSCProducer``, ``MPMCProducer``) can send, with one set of
/// names: a fixed-size value, the bytes of a collection or a buffer, a string's UTF-8, or a
/// record written in place through an `OutputRawSpan`.
///
/// Each comes in the four forms of the library's vocabulary (see `docs/CONVENTIONS.md`):
/// `trySend…` returns false at once when the queue is full; `send…` waits as long as it takes;
/// `send…(until:)` and `send…(timeout:)` throw ``InterprocessError/Code/timedOut`` when the
/// queue stays full until the deadline.
///
/// ```swift
/// var producer = try queue.makeProducer()
/// try producer.send(UInt64(42))                         // a value
/// try producer.send("hello")                            // UTF-8 text
/// try producer.send(contentsOf: [0x01, 0x02, 0x03])     // bytes
/// try producer.send(upTo: 64) { out in                  // written in place
///     out.append(UInt32(7), as: UInt32.self)
/// }
/// ```
///
/// A lone pointer is not a value: `send(pointer)` does not compile (see ``InterprocessValue``).
public protocol QueueProducer: ~Copyable {
    /// The one operation every form goes through: claims room for a record of `byteCount`
    /// bytes, lets `write` fill (a prefix of) it and return how many bytes it wrote, and
    /// publishes that many. Without a deadline it returns false at once when there is no room;
    /// with one it waits, and throws ``InterprocessError/Code/timedOut`` when it passes. If
    /// `write` throws, nothing is published. Use the public forms instead.
    mutating func _sendRecord(
        byteCount: Int, until deadline: Deadline?,
        _ write: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int
    ) throws(InterprocessError) -> Bool
}

extension QueueProducer where Self: ~Copyable {
    // MARK: Values

    /// Sends a copy of `value`'s bytes if there is room; returns false when the queue is full.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` if `Value` is larger than the
    ///   queue's largest record.
    @inlinable @inline(__always)
    public mutating func trySend<Value: InterprocessValue>(_ value: Value) throws(InterprocessError) -> Bool {
        try _sendRecord(byteCount: MemoryLayout<Value>.size, until: nil) { space in
            space.baseAddress!.storeBytes(of: value, as: Value.self)
            return MemoryLayout<Value>.size
        }
    }

    /// Sends a copy of `value`, waiting as long as it takes for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always)
    public mutating func send<Value: InterprocessValue>(_ value: Value) throws(InterprocessError) {
        try send(value, until: .never)
    }

    /// Sends a copy of `value`, waiting for room until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if the queue stayed full.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always)
    public mutating func send<Value: InterprocessValue>(_ value: Value, until deadline: Deadline) throws(InterprocessError) {
        _ = try _sendRecord(byteCount: MemoryLayout<Value>.size, until: deadline) { space in
            space.baseAddress!.storeBytes(of: value, as: Value.self)
            return MemoryLayout<Value>.size
        }
    }

    /// Sends a copy of `value`, waiting up to `timeout` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send<Value: InterprocessValue>(_ value: Value, timeout: Duration) throws(InterprocessError) {
        try send(value, until: .after(timeout))
    }

    // MARK: Bytes of a collection

    /// Sends the bytes of `bytes` as one record if there is room; returns false when the queue
    /// is full. Contiguous collections (`[UInt8]`, `Data`, slices) are copied in one step.
    @inlinable
    public mutating func trySend(contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) -> Bool {
        try _sendRecord(byteCount: bytes.count, until: nil) { space in QueueBytes.copy(bytes, into: space) }
    }

    /// Sends the bytes of `bytes` as one record, waiting as long as it takes for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) {
        try send(contentsOf: bytes, until: .never)
    }

    /// Sends the bytes of `bytes` as one record, waiting for room until `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline) throws(InterprocessError) {
        _ = try _sendRecord(byteCount: bytes.count, until: deadline) { space in QueueBytes.copy(bytes, into: space) }
    }

    /// Sends the bytes of `bytes` as one record, waiting up to `timeout` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(contentsOf bytes: some Collection<UInt8>, timeout: Duration) throws(InterprocessError) {
        try send(contentsOf: bytes, until: .after(timeout))
    }

    // MARK: Text

    /// Sends `string`'s UTF-8 bytes (no terminator) as one record if there is room; returns
    /// false when the queue is full. Receive it with `receive(as: String.self)`.
    @inlinable
    public mutating func trySend(_ string: String) throws(InterprocessError) -> Bool {
        try trySend(contentsOf: string.utf8)
    }

    /// Sends `string`'s UTF-8 bytes as one record, waiting as long as it takes for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(_ string: String) throws(InterprocessError) {
        try send(contentsOf: string.utf8, until: .never)
    }

    /// Sends `string`'s UTF-8 bytes as one record, waiting for room until `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(_ string: String, until deadline: Deadline) throws(InterprocessError) {
        try send(contentsOf: string.utf8, until: deadline)
    }

    /// Sends `string`'s UTF-8 bytes as one record, waiting up to `timeout` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(_ string: String, timeout: Duration) throws(InterprocessError) {
        try send(contentsOf: string.utf8, until: .after(timeout))
    }

    // MARK: Written in place

    /// Claims room for a record of up to `byteCount` bytes and lets `write` append the record
    /// straight into the queue; the bytes it appended become the record. Returns false without
    /// calling `write` when the queue is full. If `write` throws, nothing is sent (MPMC counts
    /// the slot as skipped).
    @inlinable
    public mutating func trySend(
        upTo byteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void
    ) throws(InterprocessError) -> Bool {
        try _sendRecord(byteCount: byteCount, until: nil) { space throws(InterprocessError) in
            try QueueBytes.write(into: space, write)
        }
    }

    /// Like ``trySend(upTo:_:)``, waiting as long as it takes for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(
        upTo byteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void
    ) throws(InterprocessError) {
        try send(upTo: byteCount, until: .never, write)
    }

    /// Like ``trySend(upTo:_:)``, waiting for room until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` (without calling `write`) if the queue
    ///   stayed full.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(
        upTo byteCount: Int, until deadline: Deadline, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void
    ) throws(InterprocessError) {
        _ = try _sendRecord(byteCount: byteCount, until: deadline) { space throws(InterprocessError) in
            try QueueBytes.write(into: space, write)
        }
    }

    /// Like ``trySend(upTo:_:)``, waiting up to `timeout` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(
        upTo byteCount: Int, timeout: Duration, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void
    ) throws(InterprocessError) {
        try send(upTo: byteCount, until: .after(timeout), write)
    }
}

/// Copying bytes into a claimed record.
@usableFromInline
enum QueueBytes {
    /// Copies `bytes` (exactly `space.count` of them) into `space`; returns the count.
    @inlinable @inline(__always)
    static func copy(_ bytes: some Collection<UInt8>, into space: UnsafeMutableRawBufferPointer) -> Int {
        let copied: Int? = bytes.withContiguousStorageIfAvailable { source in
            // A collection whose storage disagrees with its `count` never writes past the record.
            let count = Swift.min(source.count, space.count)
            if let base = source.baseAddress, count > 0 {
                space.baseAddress!.copyMemory(from: base, byteCount: count)
            }
            return count
        }
        if let copied { return copied }
        var offset = 0
        for byte in bytes where offset < space.count {
            space[offset] = byte
            offset &+= 1
        }
        return offset
    }

    /// Lets `write` append into `space` through an `OutputRawSpan`; returns how many bytes it wrote.
    @inlinable @inline(__always)
    static func write(
        into space: UnsafeMutableRawBufferPointer, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void
    ) throws(InterprocessError) -> Int {
        var output = OutputRawSpan(buffer: space, initializedCount: 0)
        try write(&output)
        return output.finalize(for: space)
    }
}
#endif
