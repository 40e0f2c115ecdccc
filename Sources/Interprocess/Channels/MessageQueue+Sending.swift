#if os(Linux)
/// Sending: a fixed-size value, the bytes of a collection, or a string's UTF-8, each with a
/// priority (higher is received first; default 0). `trySend` returns false at once when the
/// queue is full; `send` blocks the thread until there is room; `until:` / `timeout:` throw
/// ``InterprocessError/Code/timedOut``. A message larger than ``maximumSize`` is an
/// ``InterprocessError/Code/invalidArgument`` error.
extension MessageQueue {
    // MARK: Values

    /// Sends a copy of `value`'s bytes if there is room; returns false when the queue is full.
    @inlinable @inline(__always)
    public func trySend<Value: InterprocessValue>(_ value: Value, priority: UInt32 = 0) throws(InterprocessError) -> Bool {
        try _send(byteCount: MemoryLayout<Value>.size, priority: priority, until: nil) { payload in
            payload.storeBytes(of: value, as: Value.self)
            return MemoryLayout<Value>.size
        }
    }

    /// Sends a copy of `value`, waiting as long as it takes for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always)
    public func send<Value: InterprocessValue>(_ value: Value, priority: UInt32 = 0) throws(InterprocessError) {
        try send(value, priority: priority, until: .never)
    }

    /// Sends a copy of `value`, waiting for room until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if the queue stayed full.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always)
    public func send<Value: InterprocessValue>(_ value: Value, priority: UInt32 = 0, until deadline: Deadline) throws(InterprocessError) {
        _ = try _send(byteCount: MemoryLayout<Value>.size, priority: priority, until: deadline) { payload in
            payload.storeBytes(of: value, as: Value.self)
            return MemoryLayout<Value>.size
        }
    }

    /// Sends a copy of `value`, waiting up to `timeout` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public func send<Value: InterprocessValue>(_ value: Value, priority: UInt32 = 0, timeout: Duration) throws(InterprocessError) {
        try send(value, priority: priority, until: .after(timeout))
    }

    // MARK: Bytes

    /// Sends the bytes of `bytes` as one message if there is room; returns false when the queue
    /// is full.
    @inlinable
    public func trySend(contentsOf bytes: some Collection<UInt8>, priority: UInt32 = 0) throws(InterprocessError) -> Bool {
        try _send(byteCount: bytes.count, priority: priority, until: nil) { payload in
            QueueBytes.copy(bytes, into: UnsafeMutableRawBufferPointer(start: payload, count: bytes.count))
        }
    }

    /// Sends the bytes of `bytes` as one message, waiting as long as it takes for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public func send(contentsOf bytes: some Collection<UInt8>, priority: UInt32 = 0) throws(InterprocessError) {
        try send(contentsOf: bytes, priority: priority, until: .never)
    }

    /// Sends the bytes of `bytes` as one message, waiting for room until `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public func send(contentsOf bytes: some Collection<UInt8>, priority: UInt32 = 0, until deadline: Deadline) throws(InterprocessError) {
        _ = try _send(byteCount: bytes.count, priority: priority, until: deadline) { payload in
            QueueBytes.copy(bytes, into: UnsafeMutableRawBufferPointer(start: payload, count: bytes.count))
        }
    }

    /// Sends the bytes of `bytes` as one message, waiting up to `timeout` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public func send(contentsOf bytes: some Collection<UInt8>, priority: UInt32 = 0, timeout: Duration) throws(InterprocessError) {
        try send(contentsOf: bytes, priority: priority, until: .after(timeout))
    }

    // MARK: Text

    /// Sends `string`'s UTF-8 bytes (no terminator) if there is room; returns false when the
    /// queue is full. Receive it with `receive(as: String.self)`.
    @inlinable
    public func trySend(_ string: String, priority: UInt32 = 0) throws(InterprocessError) -> Bool {
        try trySend(contentsOf: string.utf8, priority: priority)
    }

    /// Sends `string`'s UTF-8 bytes, waiting as long as it takes for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public func send(_ string: String, priority: UInt32 = 0) throws(InterprocessError) {
        try send(contentsOf: string.utf8, priority: priority, until: .never)
    }

    /// Sends `string`'s UTF-8 bytes, waiting for room until `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public func send(_ string: String, priority: UInt32 = 0, until deadline: Deadline) throws(InterprocessError) {
        try send(contentsOf: string.utf8, priority: priority, until: deadline)
    }

    /// Sends `string`'s UTF-8 bytes, waiting up to `timeout` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public func send(_ string: String, priority: UInt32 = 0, timeout: Duration) throws(InterprocessError) {
        try send(contentsOf: string.utf8, priority: priority, until: .after(timeout))
    }
}
#endif
