#if os(Linux)
/// Receiving: the message that comes first — the highest priority present, the oldest of that
/// priority — as a fixed-size value, a copy of its bytes, its UTF-8 text, or lent in place to a
/// closure, each with its priority. `tryReceive` returns nil at once when the queue is empty;
/// `receive` blocks the thread; `until:` / `timeout:` throw ``InterprocessError/Code/timedOut``.
///
/// A message of the wrong length for the form (a value of another size) is an
/// ``InterprocessError/Code/invalidArgument`` error and stays in the queue.
extension MessageQueue {
    // MARK: Values

    /// Receives the first message as a `Value`, or nil when the queue is empty.
    @inlinable @inline(__always)
    public func tryReceive<Value: InterprocessValue>(as type: Value.Type) throws(InterprocessError) -> Received<Value>? {
        let size = MemoryLayout<Value>.size
        return try _receive(accepting: size...size, until: nil) { message, priority in
            Received(value: message.baseAddress!.loadUnaligned(as: Value.self), priority: priority)
        }
    }

    /// Receives the first message as a `Value`, waiting as long as it takes.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always)
    public func receive<Value: InterprocessValue>(as type: Value.Type) throws(InterprocessError) -> Received<Value> {
        try receive(as: type, until: .never)
    }

    /// Receives the first message as a `Value`, waiting until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if no message arrived.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always)
    public func receive<Value: InterprocessValue>(as type: Value.Type, until deadline: Deadline) throws(InterprocessError) -> Received<Value> {
        let size = MemoryLayout<Value>.size
        return try _receive(accepting: size...size, until: deadline) { message, priority in
            Received(value: message.baseAddress!.loadUnaligned(as: Value.self), priority: priority)
        }!
    }

    /// Receives the first message as a `Value`, waiting up to `timeout`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public func receive<Value: InterprocessValue>(as type: Value.Type, timeout: Duration) throws(InterprocessError) -> Received<Value> {
        try receive(as: type, until: .after(timeout))
    }

    // MARK: Bytes

    /// Receives a copy of the first message's bytes, or nil when the queue is empty.
    @inlinable
    public func tryReceive() throws(InterprocessError) -> Received<[UInt8]>? {
        try _receive(accepting: 0...Int.max, until: nil) { message, priority in Received(value: Array(message), priority: priority) }
    }

    /// Receives a copy of the first message's bytes, waiting as long as it takes.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public func receive() throws(InterprocessError) -> Received<[UInt8]> {
        try receive(until: .never)
    }

    /// Receives a copy of the first message's bytes, waiting until `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public func receive(until deadline: Deadline) throws(InterprocessError) -> Received<[UInt8]> {
        try _receive(accepting: 0...Int.max, until: deadline) { message, priority in Received(value: Array(message), priority: priority) }!
    }

    /// Receives a copy of the first message's bytes, waiting up to `timeout`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public func receive(timeout: Duration) throws(InterprocessError) -> Received<[UInt8]> {
        try receive(until: .after(timeout))
    }

    // MARK: Text

    /// Receives the first message as UTF-8 text, or nil when the queue is empty. Invalid UTF-8
    /// is repaired (each invalid sequence becomes U+FFFD), so a bad message never blocks the queue.
    @inlinable
    public func tryReceive(as type: String.Type) throws(InterprocessError) -> Received<String>? {
        try _receive(accepting: 0...Int.max, until: nil) { message, priority in
            Received(value: String(decoding: message, as: UTF8.self), priority: priority)
        }
    }

    /// Receives the first message as UTF-8 text, waiting as long as it takes.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public func receive(as type: String.Type) throws(InterprocessError) -> Received<String> {
        try receive(as: type, until: .never)
    }

    /// Receives the first message as UTF-8 text, waiting until `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public func receive(as type: String.Type, until deadline: Deadline) throws(InterprocessError) -> Received<String> {
        try _receive(accepting: 0...Int.max, until: deadline) { message, priority in
            Received(value: String(decoding: message, as: UTF8.self), priority: priority)
        }!
    }

    /// Receives the first message as UTF-8 text, waiting up to `timeout`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public func receive(as type: String.Type, timeout: Duration) throws(InterprocessError) -> Received<String> {
        try receive(as: type, until: .after(timeout))
    }

    // MARK: In place

    /// Calls `body` with the first message in place, lent as a `RawSpan`, and its priority, then
    /// removes the message (also when `body` throws); returns nil without calling `body` when the
    /// queue is empty. Zero-copy: `body` runs holding the queue's lock, so keep it short and
    /// don't use the queue inside it. If the process dies inside `body`, the message stays.
    @inlinable
    public func tryReceive<Result>(
        _ body: (RawSpan, UInt32) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result? {
        try _receive(accepting: 0...Int.max, until: nil) { message, priority throws(InterprocessError) in
            try body(RawSpan(_unsafeBytes: message), priority)
        }
    }

    /// Like ``tryReceive(_:)``, waiting as long as it takes for a message.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public func receive<Result>(
        _ body: (RawSpan, UInt32) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        try receive(until: .never, body)
    }

    /// Like ``tryReceive(_:)``, waiting until `deadline` for a message.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` (without calling `body`) if none arrived.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public func receive<Result>(
        until deadline: Deadline, _ body: (RawSpan, UInt32) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        try _receive(accepting: 0...Int.max, until: deadline) { message, priority throws(InterprocessError) in
            try body(RawSpan(_unsafeBytes: message), priority)
        }!
    }

    /// Like ``tryReceive(_:)``, waiting up to `timeout` for a message.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public func receive<Result>(
        timeout: Duration, _ body: (RawSpan, UInt32) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        try receive(until: .after(timeout), body)
    }
}
#endif
