#if os(Linux)
extension QueueProducer where Self: ~Copyable {
    // MARK: Buffers
    //
    // A buffer pointer is itself a BitwiseCopyable value (an address and a count); these forms
    // send the bytes it points to, never the pointer. A lone pointer matches no `send` at all:
    // it is not an ``InterprocessValue``.

    /// Sends a copy of the bytes `bytes` points to as one record if there is room; returns
    /// false when the queue is full.
    @inlinable
    public mutating func trySend(_ bytes: UnsafeRawBufferPointer) throws(InterprocessError) -> Bool {
        try _sendRecord(byteCount: bytes.count, until: nil) { space in QueueBytes.copy(bytes, into: space) }
    }

    /// Sends a copy of the bytes `bytes` points to as one record, waiting as long as it takes.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(_ bytes: UnsafeRawBufferPointer) throws(InterprocessError) {
        try send(bytes, until: .never)
    }

    /// Sends a copy of the bytes `bytes` points to as one record, waiting for room until `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(_ bytes: UnsafeRawBufferPointer, until deadline: Deadline) throws(InterprocessError) {
        _ = try _sendRecord(byteCount: bytes.count, until: deadline) { space in QueueBytes.copy(bytes, into: space) }
    }

    /// Sends a copy of the bytes `bytes` points to as one record, waiting up to `timeout`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(_ bytes: UnsafeRawBufferPointer, timeout: Duration) throws(InterprocessError) {
        try send(bytes, until: .after(timeout))
    }

    /// Sends a copy of the bytes of `bytes`' elements as one record if there is room; returns
    /// false when the queue is full.
    @inlinable
    public mutating func trySend(_ bytes: UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Bool {
        try trySend(UnsafeRawBufferPointer(bytes))
    }

    /// Sends a copy of the bytes of `bytes`' elements as one record, waiting as long as it takes.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(_ bytes: UnsafeMutableRawBufferPointer) throws(InterprocessError) {
        try send(UnsafeRawBufferPointer(bytes), until: .never)
    }

    /// Sends a copy of the bytes of `bytes`' elements as one record, waiting until `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(_ bytes: UnsafeMutableRawBufferPointer, until deadline: Deadline) throws(InterprocessError) {
        try send(UnsafeRawBufferPointer(bytes), until: deadline)
    }

    /// Sends a copy of the bytes of `bytes`' elements as one record, waiting up to `timeout`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(_ bytes: UnsafeMutableRawBufferPointer, timeout: Duration) throws(InterprocessError) {
        try send(UnsafeRawBufferPointer(bytes), until: .after(timeout))
    }

    /// Sends a copy of the bytes of `bytes`' elements as one record if there is room; returns
    /// false when the queue is full.
    @inlinable
    public mutating func trySend<Element: InterprocessValue>(_ bytes: UnsafeBufferPointer<Element>) throws(InterprocessError) -> Bool {
        try trySend(UnsafeRawBufferPointer(bytes))
    }

    /// Sends a copy of the bytes of `bytes`' elements as one record, waiting as long as it takes.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send<Element: InterprocessValue>(_ bytes: UnsafeBufferPointer<Element>) throws(InterprocessError) {
        try send(UnsafeRawBufferPointer(bytes), until: .never)
    }

    /// Sends a copy of the bytes of `bytes`' elements as one record, waiting until `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send<Element: InterprocessValue>(_ bytes: UnsafeBufferPointer<Element>, until deadline: Deadline) throws(InterprocessError) {
        try send(UnsafeRawBufferPointer(bytes), until: deadline)
    }

    /// Sends a copy of the bytes of `bytes`' elements as one record, waiting up to `timeout`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send<Element: InterprocessValue>(_ bytes: UnsafeBufferPointer<Element>, timeout: Duration) throws(InterprocessError) {
        try send(UnsafeRawBufferPointer(bytes), until: .after(timeout))
    }

    /// Sends a copy of the bytes of `bytes`' elements as one record if there is room; returns
    /// false when the queue is full.
    @inlinable
    public mutating func trySend<Element: InterprocessValue>(_ bytes: UnsafeMutableBufferPointer<Element>) throws(InterprocessError) -> Bool {
        try trySend(UnsafeRawBufferPointer(bytes))
    }

    /// Sends a copy of the bytes of `bytes`' elements as one record, waiting as long as it takes.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send<Element: InterprocessValue>(_ bytes: UnsafeMutableBufferPointer<Element>) throws(InterprocessError) {
        try send(UnsafeRawBufferPointer(bytes), until: .never)
    }

    /// Sends a copy of the bytes of `bytes`' elements as one record, waiting until `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send<Element: InterprocessValue>(_ bytes: UnsafeMutableBufferPointer<Element>, until deadline: Deadline) throws(InterprocessError) {
        try send(UnsafeRawBufferPointer(bytes), until: deadline)
    }

    /// Sends a copy of the bytes of `bytes`' elements as one record, waiting up to `timeout`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send<Element: InterprocessValue>(_ bytes: UnsafeMutableBufferPointer<Element>, timeout: Duration) throws(InterprocessError) {
        try send(UnsafeRawBufferPointer(bytes), until: .after(timeout))
    }
}
#endif
